import t from 'tap';
import { seedDemo } from '../../src/demo/seed.js';
import { InstrumentCatalog } from '../../src/instruments/catalog.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';

t.test('npm run seed:demo fills a realistic region once', async (t) => {
  const { database, call } = await buildTestApp(t);
  const catalog = new InstrumentCatalog(database.db);
  const first = await seedDemo(database.db, catalog);
  t.ok(first.created);
  t.match(first.providerKey, /^ltc_/);

  const organizations = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/organizations' })).json().items;
  t.equal(organizations.length, 3);
  const staff = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=200' })).json().items;
  t.equal(staff.length, 18);

  const clients: Array<{ id: string; lastName: string; latestAssessment: { group: number; reassessmentOverdue: boolean } | null }> = (
    await call(first.providerKey, { method: 'GET', url: '/v1/clients?limit=200' })
  ).json().items;
  t.equal(clients.length, 10, 'the provider key sees the demo clients');
  const groups = new Set(clients.map((client: { latestAssessment: { group: number } | null }) => client.latestAssessment?.group));
  t.same([...groups].filter(Boolean).sort(), [1, 2, 3, 4, 5, 6], 'every dependency group is present');
  t.ok(
    clients.some((client: { latestAssessment: { reassessmentOverdue: boolean } | null }) => client.latestAssessment?.reassessmentOverdue),
  );
  t.ok(
    clients.some((client: { latestAssessment: unknown }) => client.latestAssessment === null),
    'one client was never assessed',
  );

  const activities = (await call(first.providerKey, { method: 'GET', url: '/v1/activities?status=held&limit=200' })).json().items;
  t.ok(activities.length >= 30, `three months of held sessions (${activities.length})`);
  const attended = activities.flatMap((activity: { participants: Array<{ attendance: string }> }) => activity.participants);
  t.ok(attended.some((p: { attendance: string }) => p.attendance === 'attended'));
  t.ok(attended.some((p: { attendance: string }) => p.attendance === 'absent'));
  for (const client of clients) {
    const programs = (
      await call(first.providerKey, { method: 'GET', url: `/v1/clients/${client.id}/support-programs?status=active` })
    ).json().items;
    t.equal(programs.length, 1, `${client.lastName} has an active support program`);
  }

  const again = await seedDemo(database.db, catalog);
  t.notOk(again.created, 'a second run changes nothing');
  t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/organizations' })).json().items.length, 3);
});
