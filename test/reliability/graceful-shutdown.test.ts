/*
 * Faults: graceful shutdown under load. The real server process gets SIGTERM while requests run:
 * every request it accepted completes (those inside the database at the signal answer 201 and are
 * stored), it accepts no new connection, nothing is cut off half-done, and it exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { snilsCheckNumber } from '../../src/clients/snils.js';
import { clientBody } from '../helpers/factories.js';
import { ADMIN_KEY } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Requests inside the database (on a row lock) when the signal comes. */
const IN_DATABASE = 5;
/** The load around them: reads and writes on keep-alive connections. */
const LOAD = 150;
const LOAD_SOCKETS = 16;
/** Far above anything here should take; reaching it means a hang. */
const HANG_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Answer {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: string;
  /** The connection failed instead: ECONNREFUSED, ECONNRESET, … */
  error?: string;
}

function send(port: number, agent: http.Agent | false, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        timeout: HANG_MS,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: text }));
        response.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: response.statusCode, error: error.code ?? error.message }),
        );
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('hang'), { code: 'HANG' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(payload);
  });
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let snilsSequence = 0;
function nextSnils(): string {
  const number = String(400_000_000 + ++snilsSequence);
  return `${number}${String(snilsCheckNumber(number)).padStart(2, '0')}`;
}

t.test('SIGTERM under load: accepted requests complete, new ones are refused, the process exits 0', async (t) => {
  const database = await createTestDatabase();
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      API_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      DATABASE_POOL_SIZE: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    server.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const running = () => server.exitCode === null && server.signalCode === null;
  const loadAgent = new http.Agent({ keepAlive: true, maxSockets: LOAD_SOCKETS });
  const heldAgent = new http.Agent({ keepAlive: true, maxSockets: IN_DATABASE });
  const observer = new pg.Client({ connectionString: database.url });
  const locker = new pg.Client({ connectionString: database.url });
  t.teardown(async () => {
    if (running()) server.kill('SIGKILL');
    await exited;
    loadAgent.destroy();
    heldAgent.destroy();
    await Promise.allSettled([observer.end(), locker.end()]);
    await database.drop();
  });

  await until(async () => {
    if (!running()) throw new Error(`the server exited at start-up:\n${output}`);
    return (await send(port, false, 'GET', '/health/ready')).status === 200;
  }, 'the server is ready');

  const organization = await send(port, false, 'POST', '/v1/organizations', {
    name: 'Центр, чья строка заблокирована',
    kind: 'social_service',
    regionCode: '37',
  });
  t.equal(organization.status, 201, 'the server serves');
  const organizationId = JSON.parse(organization.body!).id as string;

  // Requests that are inside the server, in their transactions, when the signal comes: registering
  // a client checks its organization's row (FOR KEY SHARE), which the locker holds FOR UPDATE.
  await Promise.all([observer.connect(), locker.connect()]);
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
  const heldLabels = Array.from({ length: IN_DATABASE }, (_, index) => `Задержанная-${index + 1}`);
  const held = heldLabels.map((lastName) =>
    send(port, heldAgent, 'POST', '/v1/clients', { organizationId, ...clientBody({ lastName, snils: nextSnils() }) }),
  );
  const waitingOnLock = async () => {
    const { rows } = await observer.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'ltc-registry' AND wait_event_type = 'Lock'`,
    );
    return rows[0]!.count;
  };
  await until(async () => (await waitingOnLock()) === IN_DATABASE, `${IN_DATABASE} writes wait inside the server`);

  // The load: reads and writes queued on keep-alive connections. SIGTERM goes out as the 20th
  // answer arrives, so some are answered before the signal, some run at it, some are sent after it.
  let answered = 0;
  let signalled!: (sent: boolean) => void;
  const signal = new Promise<boolean>((resolve) => (signalled = resolve));
  const load = Array.from({ length: LOAD }, (_, index) => {
    const write = index % 2 === 0;
    const name = `Центр под нагрузкой № ${index + 1}`;
    const answer = write
      ? send(port, loadAgent, 'POST', '/v1/organizations', { name, kind: 'social_service', regionCode: '37' })
      : send(port, loadAgent, 'GET', '/v1/clients?limit=5');
    return answer.then((result) => {
      if (++answered === 20) signalled(server.kill('SIGTERM'));
      return { write, name, ...result };
    });
  });

  t.ok(await signal, 'SIGTERM sent while the load runs');
  // The listening socket closes at once: a new connection is refused while the work drains.
  await until(async () => (await send(port, false, 'GET', '/health/live')).error === 'ECONNREFUSED', 'new connections are refused');
  t.pass('a new connection after SIGTERM is refused');
  t.ok(running(), 'the server still runs, draining the requests it accepted');
  t.equal(await waitingOnLock(), IN_DATABASE, 'the requests inside the server are still running');

  await locker.query('COMMIT');
  const heldAnswers = await Promise.all(held);
  t.same(
    heldAnswers.map((answer) => answer.status ?? answer.error),
    heldLabels.map(() => 201),
    'every request running at the signal completes with its answer',
  );
  t.same(
    heldAnswers.map((answer) => answer.headers?.connection),
    heldLabels.map(() => 'close'),
    'and ends its keep-alive connection, so the close does not wait for it to idle out',
  );
  const loadAnswers = await Promise.all(load);
  const { code, signal: exitSignal } = await exited;
  t.same({ code, signal: exitSignal }, { code: 0, signal: null }, `the process exits 0${output ? ` (log:\n${output})` : ''}`);

  // Every load request either got a whole answer or never reached the server.
  const answers = loadAnswers.filter((answer) => answer.status !== undefined && answer.error === undefined);
  const refused = loadAnswers.filter((answer) => answer.error !== undefined);
  t.same(
    answers.filter((answer) => !(answer.status! < 300 || answer.status === 503)).map((answer) => `${answer.status} ${answer.body}`),
    [],
    'every answer is a success, or the 503 of a request that came after the close began',
  );
  t.ok(
    answers.filter((answer) => answer.status === 503).every((answer) => answer.headers!.connection === 'close'),
    'a 503 while closing also closes its connection',
  );
  t.same(
    answers
      .filter((answer) => answer.status === 503)
      .map((answer) => `${String(answer.headers!['content-type'])} ${(JSON.parse(answer.body!) as { type: string }).type}`)
      .filter((answer) => answer !== 'application/problem+json; charset=utf-8 /problems/shutting-down'),
    [],
    'a 503 while closing is the catalogue’s problem',
  );
  t.same(
    refused.filter((answer) => !['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(answer.error!)).map((answer) => answer.error),
    [],
    'a request without an answer failed to connect or was reset before it was read: none hangs',
  );
  t.ok(answers.filter((answer) => answer.status! < 300).length >= 20, 'the load was served until the signal');
  const tally = new Map<string, number>();
  for (const answer of loadAnswers)
    tally.set(String(answer.status ?? answer.error), (tally.get(String(answer.status ?? answer.error)) ?? 0) + 1);
  t.comment(`load: ${[...tally].map(([outcome, count]) => `${outcome} ×${count}`).join(', ')}`);
  t.equal(answers.length + refused.length, LOAD, 'every request of the load ended');

  const stored = new Set((await database.db.selectFrom('organizations').select('name').execute()).map((row) => row.name));
  const writes = loadAnswers.filter((answer) => answer.write);
  t.same(
    writes.filter((answer) => answer.status === 201 && !stored.has(answer.name)).map((answer) => answer.name),
    [],
    'every write answered 201 is stored',
  );
  t.same(
    writes
      .filter((answer) => answer.status !== 201 && stored.has(answer.name))
      .map((answer) => `${answer.name}: ${answer.status ?? answer.error}`),
    [],
    'no write without its 201 is stored: none was cut off after it was done',
  );
  const clients = await database.db.selectFrom('clients').select('last_name').where('organization_id', '=', organizationId).execute();
  t.same(clients.map((row) => row.last_name).sort(), [...heldLabels].sort(), 'the writes running at the signal are stored');
  t.notMatch(output, /"level":(50|60)/, 'nothing was logged as an error');
});
