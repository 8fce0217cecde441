import t from 'tap';
import { today } from '../../src/calendar/dates.js';
import { seedDemo } from '../../src/demo/seed.js';
import { InstrumentCatalog } from '../../src/instruments/catalog.js';
import { previousMonth } from '../../src/monitoring/report.js';
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

t.test('the demo’s monitoring report of the latest full month has every section filled and its charts drawn', async (t) => {
  const { database, call } = await buildTestApp(t);
  const { providerKey, monitoringReportId } = await seedDemo(database.db, new InstrumentCatalog(database.db));
  const get = async (url: string) => {
    const response = await call(providerKey, { method: 'GET', url });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const report = (await get(`/v1/monitoring-reports/${monitoringReportId}`)).json();
  const latestFullMonth = previousMonth(today().slice(0, 7));
  t.equal(report.month, latestFullMonth);
  const { content } = report;

  t.ok(content.sessions.byDirection.filter((row: { held: number }) => row.held > 0).length >= 3, 'sessions held in three directions');
  t.not(content.participation.attendanceRate, null);
  t.not(content.supportPrograms.fulfilment, null);
  t.equal(content.questionnaires.count, 10, 'a questionnaire of every client');
  for (const [figure, value] of Object.entries(content.questionnaires.change))
    t.not(value, null, `${figure} compared with the month before`);
  t.equal(content.indicators.clients.length, 10, 'every client observed');
  t.ok(
    content.indicators.aggregate.some((row: { improved: number }) => row.improved > 0) &&
      content.indicators.aggregate.some((row: { worsened: number }) => row.worsened > 0),
    'indicators moved both ways',
  );
  t.ok(Object.values(content.groups).some((count) => (count as number) > 0));

  const client = (await get('/v1/clients?limit=1')).json().items[0];
  const questionnaires = (await get(`/v1/clients/${client.id}/questionnaires`)).json().items;
  t.ok(
    questionnaires.length >= 4 && questionnaires.every((q: { ratings: object }) => Object.keys(q.ratings).length === 4),
    'answered questionnaires',
  );

  const specialistReports = (await get(`/v1/specialist-reports?month=${latestFullMonth}`)).json().items;
  t.equal(specialistReports.length, 3, 'the three specialists who led the sessions report');
  t.ok(specialistReports.every((entry: { counts: { sessions: number } }) => entry.counts.sessions > 0));

  const earliest = previousMonth(previousMonth(latestFullMonth));
  const history = (await get(`/v1/monitoring-reports?fromMonth=${earliest}&toMonth=${latestFullMonth}`)).json().items;
  t.equal(history.length, 3, 'three consecutive monthly reports');
  for (const entry of history) {
    t.ok(
      entry.content.indicators.aggregate.some((row: { improved: number; worsened: number }) => row.improved + row.worsened > 0),
      `${entry.month}: trends against the month before`,
    );
  }

  const page = (await get(`/v1/monitoring-reports/${monitoringReportId}?format=html`)).body;
  const lines = [...page.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((match) => (match[1] as string).split(' ').length);
  t.same(lines, [3, 3, 3, 3, 3, 3], 'each indicator a line over three months');
  const specialists = page.slice(page.indexOf('<h2>Краткие отчёты специалистов</h2>'), page.indexOf('<h2>Анкетирование'));
  t.equal((specialists.match(/<article>/g) ?? []).length, 3, 'the specialists’ section: the three reports of the month');
  for (const entry of specialistReports as Array<{ text: string; counts: { sessions: number } }>) {
    t.ok(specialists.includes(entry.text), 'each report’s text');
    t.ok(specialists.includes(`проведено занятий: ${entry.counts.sessions}`), 'and its sessions');
  }
});
