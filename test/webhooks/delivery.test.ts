import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization } from '../helpers/factories.js';
import { startReceiver, until, type Received } from './receiver.js';

/** Fast retries, so that a receiver down for a second sees several of them. */
const FAST = {
  JOBS_WORKER: 'true',
  JOBS_POLL_INTERVAL_MS: '100',
  WEBHOOK_RETRY_INITIAL_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_TIMEOUT_MS: '2000',
};

interface Event {
  type: string;
  timestamp: string;
  data: { type: string; id: string; operation: string; version: number; organizationId: string };
}

const events = (requests: Received[]): Event[] => requests.map((request) => JSON.parse(request.body) as Event);

async function subscribe({ call }: TestApp, key: string, fields: Record<string, unknown>) {
  const response = await call(key, { method: 'POST', url: '/v1/subscriptions', payload: fields });
  if (response.statusCode !== 201) throw new Error(`subscribe: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string; secret: string }>();
}

/** The feed as the subscriber's key reads it, of the given event types: the order deliveries must follow. */
async function feed({ call }: TestApp, key: string, types: string[]) {
  const response = await call(key, { method: 'GET', url: '/v1/changes?limit=1000' });
  return (response.json().items as Array<{ type: string; id: string; operation: string; version: number }>)
    .filter((change) => types.includes(`${change.type}.${change.operation === 'create' ? 'created' : 'updated'}`))
    .map(({ id, version }) => ({ id, version }));
}

t.test('a receiver that is down for a while gets every event once it is back, in order, signed', async (t) => {
  const testApp = await buildTestApp(t, FAST);
  const { call } = testApp;
  const receiver = await startReceiver(t);
  receiver.state.status = 503;
  const center = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;
  const provider = (await makeKey(testApp, 'provider', center)).secret;
  const types = ['client.created', 'client.updated'];
  const subscription = await subscribe(testApp, provider, { url: receiver.url, eventTypes: types });

  const first = await makeClient(testApp, center);
  await makeClient(testApp, center);
  const updated = await call(provider, {
    method: 'PATCH',
    url: `/v1/clients/${first.id}`,
    headers: { 'if-match': '"1"' },
    payload: { address: 'г. Иваново, ул. Ленина, д. 1' },
  });
  t.equal(updated.statusCode, 200);
  await makeClient(testApp, other);
  await makeClient(testApp, center);

  const deliveries = async () =>
    (await call(provider, { method: 'GET', url: `/v1/subscriptions/${subscription.id}/deliveries` })).json().items as Array<{
      attempt: number;
      succeeded: boolean;
      statusCode: number;
      messageId: string;
    }>;
  await until(async () => (await deliveries()).length >= 3, 'three attempts were refused');
  const failed = await call(provider, { method: 'GET', url: `/v1/subscriptions/${subscription.id}` });
  t.match(failed.json(), { status: 'active', backlog: { lastError: 'the receiver answered 503' } });
  t.ok(failed.json().backlog.attempts >= 3, 'the failed attempts are counted');
  const attempts = await deliveries();
  t.same(
    attempts.slice(0, 3).map((attempt) => [attempt.attempt, attempt.succeeded, attempt.statusCode]),
    [
      [1, false, 503],
      [2, false, 503],
      [3, false, 503],
    ],
    'the first event is retried, the later ones wait behind it',
  );
  t.equal(new Set(attempts.map((attempt) => attempt.messageId)).size, 1, 'one event, one webhook-id');

  receiver.state.status = 200;
  await until(() => receiver.taken().length >= 4, 'the receiver took the four events');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const taken = receiver.taken();
  t.equal(taken.length, 4, 'each event taken once');
  const verifier = new Webhook(subscription.secret);
  for (const request of taken) {
    t.doesNotThrow(
      () => verifier.verify(request.body, request.headers as Record<string, string>),
      'signed by the Standard Webhooks scheme',
    );
  }
  t.same(
    events(taken).map((event) => ({ id: event.data.id, version: event.data.version })),
    await feed(testApp, provider, types),
    'in the change feed’s order, the organization’s own only',
  );
  t.same(
    events(taken)
      .filter((event) => event.data.id === first.id)
      .map((event) => event.type),
    ['client.created', 'client.updated'],
    'a record’s events in the order of its changes',
  );
  t.ok(
    events(taken).every((event) => event.data.organizationId === center),
    'nothing of the other organization',
  );
  const caughtUp = (await call(provider, { method: 'GET', url: `/v1/subscriptions/${subscription.id}` })).json();
  t.match(caughtUp, { status: 'active', backlog: { attempts: 0, failingSince: null, nextAttemptAt: null, lastError: null } });
});

t.test('past the retry period a subscription is failing, keeps its backlog, and a replay delivers it', async (t) => {
  const testApp = await buildTestApp(t, { ...FAST, WEBHOOK_RETRY_PERIOD_MS: '300' });
  const { call } = testApp;
  const receiver = await startReceiver(t);
  receiver.state.status = 500;
  const center = (await makeOrganization(testApp)).id;
  const subscription = await subscribe(testApp, ADMIN_KEY, { url: receiver.url, eventTypes: ['client.created'] });
  const url = `/v1/subscriptions/${subscription.id}`;

  const first = await makeClient(testApp, center);
  await until(async () => (await call(ADMIN_KEY, { method: 'GET', url })).json().status === 'failing', 'the subscription is failing');
  const second = await makeClient(testApp, center);
  const attemptsWhenFailing = receiver.received.length;
  await new Promise((resolve) => setTimeout(resolve, 600));
  t.equal(receiver.received.length, attemptsWhenFailing, 'a failing subscription is not tried again on its own');
  t.match((await call(ADMIN_KEY, { method: 'GET', url })).json(), {
    status: 'failing',
    backlog: { lastError: 'the receiver answered 500' },
  });

  receiver.state.status = 204;
  const resumed = await call(ADMIN_KEY, { method: 'POST', url: `${url}/replay`, payload: {} });
  t.equal(resumed.statusCode, 202);
  t.equal(resumed.json().status, 'active');
  await until(() => receiver.taken().length >= 2, 'the backlog is delivered');
  t.same(
    events(receiver.taken()).map((event) => event.data.id),
    [first.id, second.id],
    'the backlog kept while failing, in order',
  );

  const deliveries = (await call(ADMIN_KEY, { method: 'GET', url: `${url}/deliveries?limit=200` })).json().items;
  const firstTaken = deliveries.find((delivery: { succeeded: boolean }) => delivery.succeeded);
  const again = await call(ADMIN_KEY, { method: 'POST', url: `${url}/replay`, payload: { since: firstTaken.replayFrom } });
  t.equal(again.statusCode, 202);
  await until(() => receiver.taken().length >= 4, 'the replay sent both again');
  const ids = receiver.taken().map((request) => request.headers['webhook-id']);
  t.same(ids.slice(2), ids.slice(0, 2), 'a replay re-sends the events with their webhook-ids');
});
