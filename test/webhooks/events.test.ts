import t from 'tap';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { wakeDueSubscriptions } from '../../src/webhooks/repository.js';
import { sql } from 'kysely';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeOrganization, makeStaff } from '../helpers/factories.js';
import { startReceiver, until } from './receiver.js';

const indicators = (selfCareSkills: number) => ({
  selfCareSkills,
  rangeOfInterests: 2,
  communication: 2,
  emotionalStability: 2,
  depressiveEpisodes: 1,
  aggressiveness: 0,
});

t.test('commission decisions and resolved reassessment signals are events of their own', async (t) => {
  const testApp = await buildTestApp(t, { JOBS_WORKER: 'true', JOBS_POLL_INTERVAL_MS: '100' });
  const { call } = testApp;
  const receiver = await startReceiver(t);
  const center = (await makeOrganization(testApp)).id;
  const [first, second] = [(await makeStaff(testApp, center)).id, (await makeStaff(testApp, center)).id];
  const subscription = (
    await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { url: receiver.url, eventTypes: ['decision.created', 'reassessment_signal.created'] },
    })
  ).json<{ id: string }>();

  const client = (await makeClient(testApp, center)).id;
  const form = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json<{ items: FormItem[] }>().items;
  const assessment = (
    await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/assessments`,
      payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-03-01', answers: answersScoring(form, 7), conductedBy: [first] },
    })
  ).json<{ id: string }>();
  const decision = await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/assessments/${assessment.id}/decision`,
    payload: { decidedGroup: 5, reason: 'Деменция', decidedBy: [first, second], decidedOn: '2025-04-01' },
  });
  t.equal(decision.statusCode, 201, decision.body);

  for (const [observedOn, selfCareSkills] of [
    ['2025-05-10', 4],
    ['2025-06-10', 1],
  ] as const) {
    const observed = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/observations`,
      payload: { observedOn, staffId: first, method: 'observation', indicators: indicators(selfCareSkills) },
    });
    t.equal(observed.statusCode, 201, observed.body);
  }
  const signal = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/reassessment-signals?clientId=${client}` })).json().items[0];
  const resolved = await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/reassessment-signals/${signal.id}/resolve`,
    payload: { staffId: first, dismissed: true, reason: 'Временное ухудшение после простуды' },
  });
  t.equal(resolved.statusCode, 200, resolved.body);

  await until(() => receiver.taken().length >= 2, 'both events arrived');
  const events = receiver.taken().map((request) => JSON.parse(request.body) as { type: string; data: { id: string; version: number } });
  t.same(
    events.map((event) => [event.type, event.data.id, event.data.version]),
    [
      ['decision.created', decision.json().id, 1],
      ['reassessment_signal.created', signal.id, 1],
    ],
    'the decision and the resolution, in the order they were made; no assessment or client events',
  );
  const deliveries = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/subscriptions/${subscription.id}/deliveries` })).json().items;
  t.same(
    deliveries.map((delivery: { eventType: string; succeeded: boolean }) => [delivery.eventType, delivery.succeeded]),
    [
      ['decision.created', true],
      ['reassessment_signal.created', true],
    ],
  );
});

t.test('the sweep wakes an active subscription whose delivery job is gone, and leaves a retry’s time alone', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const url = 'https://eis.region.example/hooks';
  const subscribe = async () =>
    (await call(ADMIN_KEY, { method: 'POST', url: '/v1/subscriptions', payload: { url, eventTypes: ['client.created'] } })).json<{
      id: string;
    }>().id;
  const [idle, retrying, paused] = [await subscribe(), await subscribe(), await subscribe()];
  const later = new Date(Date.now() + 3_600_000);
  await database.db.updateTable('webhook_subscriptions').set({ next_attempt_at: later }).where('id', '=', retrying).execute();
  await database.db.updateTable('webhook_subscriptions').set({ status: 'paused' }).where('id', '=', paused).execute();
  await sql`delete from graphile_worker._private_jobs`.execute(database.db);

  await wakeDueSubscriptions(database.db);
  const { rows } = await sql<{ key: string }>`select key from graphile_worker._private_jobs order by key`.execute(database.db);
  t.same(
    rows.map((row) => row.key),
    [`webhook:${idle}`],
    'a job for the idle subscription only: the retrying one waits for its time, the paused one for its owner',
  );
});
