import { createClient } from '../../src/clients/service.js';
import type { CreateClient } from '../../src/clients/schemas.js';
/*
 * Faults: the database goes down and comes back while writes are in flight. The service must
 * answer 503 problems (no hang, no crash, no 500), say it is not ready, recover without a restart
 * and leave no write half-done: every write answered 201 is stored with its audit event, and every
 * other one left nothing behind.
 *
 * This file runs a PostgreSQL server of its own, because it stops and restarts it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Type } from '@sinclair/typebox';
import pg from 'pg';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { snilsCheckNumber } from '../../src/clients/snils.js';
import { clientBody } from '../helpers/factories.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { problemResponses } from '../../src/http/problem.js';
import { DatabaseUnavailable } from '../../src/http/problems.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ADMIN_KEY } from '../helpers/app.js';
import { checkAnswersAgainstContract } from '../helpers/contract-answers.js';

const POOL_SIZE = 6;
/** Far above anything a request should take; reaching it means the request hangs. */
const HANG_MS = 30_000;

interface Outcome {
  label: string;
  status: number | 'hang' | 'threw';
  response?: LightMyRequestResponse;
  /** Sent once the database was fully stopped. */
  whileDown: boolean;
}

/** The answer to a request, or 'hang' when none comes in HANG_MS. */
async function settle(app: FastifyInstance, options: InjectOptions, label: string, whileDown = false): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  try {
    const response = await Promise.race([
      app.inject({ ...options, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...options.headers } }),
      deadline,
    ]);
    if (response === 'hang') return { label, status: 'hang', whileDown };
    return { label, status: response.statusCode, response, whileDown };
  } catch {
    return { label, status: 'threw', whileDown };
  } finally {
    clearTimeout(timer);
  }
}

let snilsSequence = 0;
/** Distinct valid SNILS numbers, so no write of this file is refused as a duplicate. */
function nextSnils(): string {
  const number = String(300_000_000 + ++snilsSequence);
  return `${number}${String(snilsCheckNumber(number)).padStart(2, '0')}`;
}

/** A client registration whose last name identifies the request in the database afterwards. */
function registration(organizationId: string, label: string): InjectOptions {
  return {
    method: 'POST',
    url: '/v1/clients',
    payload: { organizationId, ...clientBody({ lastName: label, snils: nextSnils() }) },
  };
}

/** A connection of the test's own, which a database shutdown may end without crashing the test. */
async function sideConnection(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = HANG_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Backends of the service waiting for a row lock, as PostgreSQL itself reports them. */
async function waitingOnLock(observer: pg.Client): Promise<number> {
  const { rows } = await observer.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity
      WHERE application_name = 'ltc-registry' AND wait_event_type = 'Lock' AND datname = current_database()`,
  );
  return rows[0]!.count;
}

/**
 * Holds the organization's row FOR UPDATE, so registering a client of it (whose foreign key check
 * takes FOR KEY SHARE on that row) stops inside its transaction until the lock goes.
 */
async function lockOrganization(url: string, organizationId: string): Promise<pg.Client> {
  const locker = await sideConnection(url);
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
  return locker;
}

function isUnavailableProblem(outcome: Outcome): boolean {
  const response = outcome.response;
  return (
    outcome.status === 503 &&
    response?.headers['content-type'] === 'application/problem+json; charset=utf-8' &&
    response.json().type === '/problems/database-unavailable'
  );
}

t.test('PostgreSQL down and back with writes in flight', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ltc-outage-'));
  let server: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir, database: 'ltc', ephemeral: true });
  const db = createDatabase({ connectionString: server.url, poolSize: POOL_SIZE });
  await migrateToLatest(db);
  const config = loadConfig({ DATABASE_URL: server.url, API_ADMIN_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '1000000' });
  const app = await buildApp({ config, db, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  checkAnswersAgainstContract(app);

  // A write can be held at the end of its unit of work, just before its audit event and commit:
  // the real client registration, in a route of the test's own that waits there when asked to.
  let holdBeforeCommit: { reached: () => void; release: Promise<void> } | undefined;
  const audit = { action: 'create', resource: 'client', client: 'result.id' } as const;
  // Documented as it answers: every answer is checked against the contract.
  const schema = { response: { 201: Type.Object({ id: Type.String() }), ...problemResponses(DatabaseUnavailable) } };
  app.post('/v1/probes/held-registration', { schema, config: { access: { roles: ['admin'] }, audit } }, async (request, reply) => {
    const row = await request.ctx.write(async (tx) => {
      const created = await createClient(tx, request.body as CreateClient);
      if (holdBeforeCommit) {
        holdBeforeCommit.reached();
        await holdBeforeCommit.release;
      }
      return created;
    });
    return reply.code(201).send({ id: row.id });
  });
  await app.ready();

  const restart = async () => {
    server = await startEmbeddedPostgres({ dataDir, database: 'ltc', ephemeral: true, port: server.port });
  };
  t.teardown(async () => {
    await app.close();
    await db.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const organization = async (name: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      payload: { name, kind: 'social_service', regionCode: '37' },
    });
    if (response.statusCode !== 201) throw new Error(`organization: ${response.statusCode} ${response.body}`);
    return response.json().id as string;
  };
  const lockedOrganization = await organization('Центр, чья строка заблокирована');
  const openOrganization = await organization('Центр под нагрузкой');
  const outcomes: Outcome[] = [];

  await t.test('writes in flight and writes while down are 503 problems; readiness is 503; nothing hangs', async (t) => {
    // Three writes stopped inside their transactions, on a row lock, when the database goes.
    const locker = await lockOrganization(server.url, lockedOrganization);
    const observer = await sideConnection(server.url);
    t.teardown(() => Promise.allSettled([locker.end(), observer.end()]));
    const inTransaction = ['held-1', 'held-2', 'held-3'].map((label) => settle(app, registration(lockedOrganization, label), label));
    await until(async () => (await waitingOnLock(observer)) === 3, 'three writes wait on the lock');

    // A steady stream of writes from three workers, before, during and after the shutdown.
    let databaseDown = false;
    let stopWorkers = false;
    let sent = 0;
    const worker = async () => {
      while (!stopWorkers) {
        const label = `stream-${++sent}`;
        const down = databaseDown;
        outcomes.push(await settle(app, registration(openOrganization, label), label, down));
      }
    };
    const workers = [worker(), worker(), worker()];
    await until(() => outcomes.filter((outcome) => outcome.status === 201).length >= 15, 'fifteen writes succeed');

    await server.stop();
    databaseDown = true;
    await until(() => outcomes.filter((outcome) => outcome.whileDown).length >= 12, 'twelve writes are tried while down');
    stopWorkers = true;
    await Promise.all(workers);
    outcomes.push(...(await Promise.all(inTransaction)));

    const held = outcomes.filter((outcome) => outcome.label.startsWith('held-'));
    t.same(
      held.map((outcome) => outcome.status),
      [503, 503, 503],
      'the writes inside their transactions when the database went are 503',
    );
    t.ok(
      held.every(isUnavailableProblem),
      `as database-unavailable problems (got ${held.map((outcome) => outcome.response?.body).join(' | ')})`,
    );
    const whileDown = outcomes.filter((outcome) => outcome.whileDown);
    t.ok(
      whileDown.every(isUnavailableProblem),
      `every write sent while the database is down is a 503 problem (got ${whileDown.map((outcome) => outcome.status).join(', ')})`,
    );
    const unexpected = outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503);
    t.same(
      unexpected.map((outcome) => `${outcome.label}: ${outcome.status} ${outcome.response?.body ?? ''}`),
      [],
      'every write is answered, 201 or 503: none hangs, throws or fails with a 500',
    );

    const ready = await settle(app, { method: 'GET', url: '/health/ready' }, 'ready');
    t.ok(isUnavailableProblem(ready), 'readiness is a 503 problem while the database is down');
    const live = await settle(app, { method: 'GET', url: '/health/live' }, 'live');
    t.equal(live.status, 200, 'the process itself is alive');
    const read = await settle(app, { method: 'GET', url: '/v1/clients' }, 'read');
    t.ok(isUnavailableProblem(read), 'a read is a 503 problem too');
  });

  await t.test('a write whose commit meets a stopped database is a 503 and its connection goes back to the pool', async (t) => {
    await restart();
    let reached!: () => void;
    const atCommit = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    holdBeforeCommit = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
    const write = settle(app, { ...registration(openOrganization, 'at-commit'), url: '/v1/probes/held-registration' }, 'at-commit');
    await atCommit;
    await server.stop();
    release();
    const outcome = await write;
    holdBeforeCommit = undefined;
    outcomes.push(outcome);
    t.ok(isUnavailableProblem(outcome), `the write is a 503 problem (got ${outcome.status} ${outcome.response?.body ?? ''})`);
  });

  await t.test('the service recovers without a restart, with every connection of its pool', async (t) => {
    await restart();
    const ready = await settle(app, { method: 'GET', url: '/health/ready' }, 'ready');
    t.equal(ready.status, 200, 'ready again as soon as the database is back');

    // Every connection of the pool can be checked out at once: none was lost to a failed request.
    const locker = await lockOrganization(server.url, lockedOrganization);
    const observer = await sideConnection(server.url);
    t.teardown(() => Promise.allSettled([locker.end(), observer.end()]));
    const labels = Array.from({ length: POOL_SIZE }, (_, index) => `after-${index + 1}`);
    const writes = labels.map((label) => settle(app, registration(lockedOrganization, label), label));
    await until(async () => (await waitingOnLock(observer)) === POOL_SIZE, `${POOL_SIZE} writes hold a connection each`);
    await locker.query('COMMIT');
    const after = await Promise.all(writes);
    t.same(
      after.map((outcome) => outcome.status),
      labels.map(() => 201),
      'all of them succeed',
    );
    outcomes.push(...after);
    const read = await settle(app, { method: 'GET', url: '/v1/clients?limit=1' }, 'read');
    t.equal(read.status, 200, 'reads work again');
  });

  await t.test('no write is half-done: exactly the writes answered 201 are stored, each with its audit event', async (t) => {
    const accepted = outcomes.filter((outcome) => outcome.status === 201);
    const refused = outcomes.filter((outcome) => outcome.status !== 201);
    t.ok(refused.length >= 16, `writes were refused during the outage (${refused.length})`);
    const stored = await db
      .selectFrom('clients')
      .select(['id', 'last_name'])
      .where('organization_id', 'in', [lockedOrganization, openOrganization])
      .execute();
    t.same(
      stored.map((row) => row.last_name).sort(),
      accepted.map((outcome) => outcome.label).sort(),
      'the stored clients are exactly the writes answered 201',
    );
    t.same(
      stored.map((row) => row.id).sort(),
      accepted.map((outcome) => outcome.response!.json().id).sort(),
      'under the ids they were answered with',
    );
    const audited = await db
      .selectFrom('audit_events')
      .select('resource_id')
      .where('resource_type', '=', 'client')
      .where('action', '=', 'create')
      .execute();
    t.same(
      audited.map((row) => row.resource_id).sort(),
      stored.map((row) => row.id).sort(),
      'each stored client has exactly one audit event, and no refused write left one',
    );
  });
});
