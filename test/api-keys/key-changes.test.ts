/*
 * Changes to keys made outside this process (through another instance, or in the database) reach
 * its key cache through the `api_key_changes` notifications, within a second rather than the
 * cache's TTL.
 */
import { sql } from 'kysely';
import pg from 'pg';
import t from 'tap';
import { KeyCache } from '../../src/api-keys/key-cache.js';
import { hashSecret } from '../../src/api-keys/secrets.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { makeKey } from '../helpers/factories.js';

const LISTENER = 'ltc-registry key changes';

async function until(condition: () => Promise<boolean>, within: number): Promise<boolean> {
  const deadline = Date.now() + within;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

async function listenerPids({ database }: TestApp): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${LISTENER}`.execute(database.db);
  return rows.map((row) => row.pid);
}

const revokeInDatabase = ({ database }: TestApp, id: string) =>
  database.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();

t.test('key changes from outside this process', async (t) => {
  const testApp = await buildTestApp(t);
  const use = (secret: string) => testApp.call(secret, { method: 'GET', url: '/v1/organizations' });
  const refused = (secret: string) => async () => (await use(secret)).statusCode === 401;
  await testApp.app.ready();
  t.ok(await until(async () => (await listenerPids(testApp)).length === 1, 5_000), 'the app listens on a connection of its own');

  t.test('a key revoked in the database is refused within a second, well inside the cache TTL', async (t) => {
    const { id, secret } = await makeKey(testApp, 'regional');
    t.equal((await use(secret)).statusCode, 200, 'the key works');
    t.ok(testApp.app.keyCache.get(hashSecret(secret)), 'and is cached');
    await revokeInDatabase(testApp, id);
    const started = Date.now();
    t.ok(await until(refused(secret), 1_000), 'refused within a second');
    t.ok(Date.now() - started < KeyCache.TTL_MS, 'not by the TTL running out');
  });

  t.test('a revocation while the listener is away is not missed: it is refused within a second', async (t) => {
    const { id, secret } = await makeKey(testApp, 'regional');
    t.equal((await use(secret)).statusCode, 200, 'the key works');
    t.ok(testApp.app.keyCache.get(hashSecret(secret)), 'and is cached');
    const [pid] = await listenerPids(testApp);
    await sql`SELECT pg_terminate_backend(${pid}::int)`.execute(testApp.database.db);
    await revokeInDatabase(testApp, id);
    t.ok(await until(refused(secret), 1_000), 'refused within a second');
    t.ok(
      await until(async () => {
        const pids = await listenerPids(testApp);
        return pids.length === 1 && pids[0] !== pid;
      }, 5_000),
      'the listener reconnects',
    );
    const { id: laterId, secret: later } = await makeKey(testApp, 'regional');
    t.ok(
      await until(async () => (await use(later)).statusCode === 200 && testApp.app.keyCache.get(hashSecret(later)) !== undefined, 1_000),
      'once listening again, keys are cached again',
    );
    await revokeInDatabase(testApp, laterId);
    t.ok(await until(refused(later), 1_000), 'and hears revocations again');
  });

  t.test('the database announces a key’s revocation on commit, and not the record of its use', async (t) => {
    const { id } = await makeKey(testApp, 'regional');
    const listener = new pg.Client({ connectionString: testApp.database.url });
    await listener.connect();
    t.teardown(() => listener.end());
    const heard: string[] = [];
    listener.on('notification', ({ channel, payload }) => heard.push(`${channel} ${payload}`));
    await listener.query('LISTEN api_key_changes');

    await testApp.database.db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', id).execute();
    await testApp.database.db.transaction().execute(async (tx) => {
      await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
      await sql`SELECT pg_sleep(0.2)`.execute(tx);
      t.same(heard, [], 'nothing before the revocation commits');
    });
    t.ok(await until(async () => heard.length > 0, 1_000));
    t.same(heard, [`api_key_changes ${id}`], 'the revocation, once; the use was not announced');
  });

  t.test('closing the app closes its listener', async (t) => {
    await testApp.app.close();
    t.ok(await until(async () => (await listenerPids(testApp)).length === 0, 2_000));
  });
});
