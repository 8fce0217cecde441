import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { ADMIN_KEY } from '../helpers/app.js';
import { clientBody } from '../helpers/factories.js';
import { createTestDatabase } from '../helpers/database.js';
import { startReceiver, until } from './receiver.js';

/** One instance of the service with its worker, on the shared database. */
async function startInstance(url: string) {
  const config = loadConfig({
    DATABASE_URL: url,
    API_ADMIN_KEY: ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '100000',
    MIGRATE_ON_START: 'false',
    JOBS_WORKER: 'true',
    JOBS_POLL_INTERVAL_MS: '100',
    WEBHOOK_RETRY_INITIAL_MS: '100',
    WEBHOOK_RETRY_MAX_MS: '200',
    WEBHOOK_TIMEOUT_MS: '1000',
  });
  const db = createDatabase({ connectionString: url, poolSize: 4 });
  const app = await buildApp({ config, db, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  await app.ready();
  const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
    app.inject({ method, url: path, payload, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return {
    call,
    stop: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

t.test('several instances deliver each event once; a restart mid-delivery loses nothing', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const receiver = await startReceiver(t);
  receiver.state.delayMs = 20;
  const instances = [await startInstance(database.url), await startInstance(database.url)];
  const [one, two] = instances as [Awaited<ReturnType<typeof startInstance>>, Awaited<ReturnType<typeof startInstance>>];
  const organization = (await one.call('POST', '/v1/organizations', { name: 'КЦСОН', kind: 'social_service', regionCode: '37' })).json();
  const subscription = (await one.call('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: ['client.created'] })).json();

  const created: string[] = [];
  const register = async (count: number) => {
    for (let n = 0; n < count; n++) {
      // Alternating between the instances: each wakes the subscription in its own writes.
      const response = await instances[n % instances.length]!.call('POST', '/v1/clients', {
        organizationId: organization.id,
        ...clientBody(),
      });
      created.push(response.json().id);
    }
  };
  await register(20);
  await until(() => receiver.taken().length >= 20, 'the twenty events arrived');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ids = receiver.taken().map((request) => request.headers['webhook-id']);
  t.equal(ids.length, 20, 'with two workers, no event was sent twice');
  t.equal(new Set(ids).size, 20);

  // The receiver hangs; both instances stop while an event is in flight, a third takes over.
  Object.assign(receiver.state, { delayMs: 3000, status: 503 });
  await register(10);
  await until(() => receiver.received.length > 20, 'a delivery of the second batch started');
  await Promise.all([one.stop(), two.stop()]);
  t.equal(receiver.taken().length, 20, 'stopped mid-delivery: nothing of the second batch was taken');
  Object.assign(receiver.state, { delayMs: 0, status: 200 });
  const three = await startInstance(database.url);
  t.teardown(() => three.stop());
  // No write wakes the subscription: the restarted worker finds the retry its predecessor scheduled.
  await until(() => new Set(receiver.taken().map((request) => JSON.parse(request.body).data.id)).size >= 30, 'every event arrived');
  const delivered = receiver.taken().map((request) => JSON.parse(request.body).data.id as string);
  t.same([...new Set(delivered)], created, 'every event, in order, none lost');
  const status = (await three.call('GET', `/v1/subscriptions/${subscription.id}`)).json();
  t.match(status, { status: 'active', backlog: { attempts: 0 } });
});
