/*
 * More than one instance (issue 14): production runs several service processes on one PostgreSQL
 * behind a load balancer. Two real server processes are started at the same moment on one empty
 * database: they migrate it once between them, and what one does the other sees (keys and their
 * revocation, idempotent replays, the change feed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import t from 'tap';
import { snilsCheckNumber } from '../../src/clients/snils.js';
import { createDatabase } from '../../src/db/database.js';
import { freePort } from '../../src/db/embedded.js';
import { createMigrator } from '../../src/db/migrate.js';
import { ADMIN_KEY } from '../helpers/app.js';
import { testServerUrl } from '../helpers/database.js';
import { clientBody } from '../helpers/factories.js';
import { withDatabase } from '../helpers/server-url.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Far above what a start should take on two shared cores; reaching it means a hang. */
const START_MS = 60_000;
const WRITES_PER_INSTANCE = 25;

interface Instance {
  name: string;
  url: string;
  process: ChildProcess;
  /** The JSON lines it logged. */
  log: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      API_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'true',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: Array<Record<string, unknown>> = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        log.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        log.push({ level: 60, msg: line });
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, url: `http://127.0.0.1:${port}`, process: child, log, exited };
}

const running = ({ process }: Instance) => process.exitCode === null && process.signalCode === null;
const logText = ({ name, log }: Instance) => `${name}:\n${log.map((line) => JSON.stringify(line)).join('\n')}`;

async function ready(instance: Instance): Promise<void> {
  const deadline = Date.now() + START_MS;
  for (;;) {
    if (!running(instance)) throw new Error(`${instance.name} exited at start-up\n${logText(instance)}`);
    const status = await fetch(`${instance.url}/health/ready`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${instance.name} is not ready after ${START_MS} ms\n${logText(instance)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = Record<string, unknown>>(
  instance: Instance,
  method: string,
  path: string,
  { key = ADMIN_KEY, body, headers = {} }: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

let snilsSequence = 0;
function nextSnils(): string {
  const number = String(500_000_000 + ++snilsSequence);
  return `${number}${String(snilsCheckNumber(number)).padStart(2, '0')}`;
}

interface Change {
  type: string;
  id: string;
  operation: string;
}
interface ChangesPage {
  items: Change[];
  cursor: string;
}

t.test('two instances started at once on one empty database', async (t) => {
  const name = `ltc_two_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const databaseUrl = withDatabase(testServerUrl(), name);
  const db = createDatabase({ connectionString: databaseUrl, poolSize: 2 });
  const instances = await Promise.all([startInstance('A', databaseUrl), startInstance('B', databaseUrl)]);
  const [a, b] = instances;
  t.teardown(async () => {
    for (const instance of instances) if (running(instance)) instance.process.kill('SIGKILL');
    await Promise.all(instances.map((instance) => instance.exited));
    await db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  await Promise.all(instances.map(ready));

  t.test('both come up and the migrations are applied exactly once between them', async (t) => {
    const all = (await createMigrator(db).getMigrations()).map((migration) => migration.name);
    const outcomes = instances.map((instance) =>
      instance.log.find((line) => line.msg === 'migrations applied' || line.msg === 'database schema is up to date'),
    );
    t.ok(
      outcomes.every((outcome) => outcome !== undefined),
      'each instance migrated on start, or found nothing left to do',
    );
    const applied = outcomes.flatMap((outcome) => (outcome?.applied ?? []) as string[]);
    t.same([...applied].sort(), [...all].sort(), 'each migration was applied by exactly one instance');
    const { rows } = await sql<{ names: number; rows: number }>`
      SELECT count(DISTINCT name)::int AS names, count(*)::int AS rows FROM kysely_migration`.execute(db);
    t.same(rows, [{ names: all.length, rows: all.length }], 'one kysely_migration row per migration');
    t.equal((await db.selectFrom('instruments').select('id').execute()).length, 2, 'the instruments were seeded once');
    t.same(
      instances.flatMap((instance) => instance.log.filter((line) => Number(line.level) >= 50)),
      [],
      'nothing was logged as an error',
    );
  });

  t.test('a key created through A works on B; revoked through A, B refuses it within a second', async (t) => {
    const created = await call<{ id: string; secret: string }>(a, 'POST', '/v1/api-keys', { body: { name: 'оба узла', role: 'regional' } });
    t.equal(created.status, 201);
    const { id, secret } = created.body;
    t.equal((await call(b, 'GET', '/v1/organizations', { key: secret })).status, 200, 'B accepts it (and caches it)');
    t.equal((await call(b, 'GET', '/v1/organizations', { key: secret })).status, 200, 'B accepts it again, from its cache');

    t.equal((await call(a, 'DELETE', `/v1/api-keys/${id}`)).status, 200, 'revoked through A');
    const revokedAt = Date.now();
    let status = 0;
    while (Date.now() - revokedAt < 1_000) {
      status = (await call(b, 'GET', '/v1/organizations', { key: secret })).status;
      if (status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    t.equal(status, 401, `B refuses it ${Date.now() - revokedAt} ms after the revocation`);
    t.equal((await call(a, 'GET', '/v1/organizations', { key: secret })).status, 401, 'and so does A');
  });

  t.test('a create sent to A with an Idempotency-Key and retried on B is a replay: one record, the same answer', async (t) => {
    const body = { name: `Центр двух узлов ${randomBytes(3).toString('hex')}`, kind: 'social_service', regionCode: '37' };
    const headers = { 'idempotency-key': `two-instances-${randomBytes(6).toString('hex')}` };
    const first = await call(a, 'POST', '/v1/organizations', { body, headers });
    const retry = await call(b, 'POST', '/v1/organizations', { body, headers });
    t.equal(first.status, 201);
    t.equal(retry.status, 201);
    t.equal(retry.headers.get('idempotent-replayed'), 'true', 'B answers it as a replay');
    t.same(retry.body, first.body, 'with the first answer');
    t.equal(retry.headers.get('location'), first.headers.get('location'));
    const stored = await db.selectFrom('organizations').select('id').where('name', '=', body.name).execute();
    t.same(
      stored.map((row) => row.id),
      [first.body.id],
      'one record',
    );
  });

  t.test('writes through both at once are each in the change feed exactly once, in feed order, read from either', async (t) => {
    const organization = await call<{ id: string }>(a, 'POST', '/v1/organizations', {
      body: { name: 'Центр ленты изменений', kind: 'social_service', regionCode: '37' },
    });
    const organizationId = organization.body.id;
    const start = (await call<ChangesPage>(b, 'GET', '/v1/changes?limit=1000')).body.cursor;

    // A reader follows the feed through both instances, page by page, while the writes go on.
    const seen: Change[] = [];
    let writing = true;
    const follow = (async () => {
      let cursor = start;
      let turn = 0;
      for (;;) {
        const stillWriting = writing;
        const page = await call<ChangesPage>(instances[turn++ % 2]!, 'GET', `/v1/changes?limit=7&since=${cursor}`);
        seen.push(...page.body.items);
        cursor = page.body.cursor;
        if (!stillWriting && page.body.items.length === 0) return;
      }
    })();
    const writes = await Promise.all(
      Array.from({ length: WRITES_PER_INSTANCE * 2 }, (_, index) =>
        call<{ id: string }>(instances[index % 2]!, 'POST', '/v1/clients', {
          body: { organizationId, ...clientBody({ snils: nextSnils() }) },
        }),
      ),
    );
    writing = false;
    await follow;

    t.same(
      writes.filter((write) => write.status !== 201).map((write) => `${write.status} ${JSON.stringify(write.body)}`),
      [],
      'every write succeeded',
    );
    const created = writes.map((write) => write.body.id);
    const clientCreations = seen.filter((change) => change.type === 'client' && change.operation === 'create').map((change) => change.id);
    t.same([...clientCreations].sort(), [...created].sort(), 'each write exactly once: none missed, none repeated');
    const feedOrder = await db
      .selectFrom('changes')
      .select('entity_id')
      .where('entity_type', '=', 'client')
      .where('operation', '=', 'create')
      .where('entity_id', 'in', created)
      .orderBy('xid')
      .orderBy('seq')
      .execute();
    t.same(
      clientCreations,
      feedOrder.map((row) => row.entity_id),
      'in the order of the feed',
    );
  });

  t.test('both shut down cleanly', async (t) => {
    for (const instance of instances) instance.process.kill('SIGTERM');
    const exits = await Promise.all(instances.map((instance) => instance.exited));
    t.same(
      exits,
      instances.map(() => ({ code: 0, signal: null })),
      'both exit 0',
    );
    t.same(
      instances.flatMap((instance) => instance.log.filter((line) => Number(line.level) >= 50)),
      [],
      'nothing was logged as an error',
    );
  });
});
