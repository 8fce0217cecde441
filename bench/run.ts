/*
 * npm run bench [-- --clients 100000 --organizations 50 --assessments 5 --duration 10 --connections 200
 *                   --only floor,get,list,create,report,import,recurrence-flood,bulk-memory --soak SECONDS --profile]
 *
 * Generates (once per size, kept under bench/.data) a regional data set on the embedded
 * PostgreSQL, starts the service on a fresh copy of it as a separate process, measures the
 * scenarios of the integration issue with autocannon and prints them with the CPU the service
 * and PostgreSQL spent; writes them to bench/results.json. --profile writes the service's V8 CPU
 * profile to bench/.data/profiles when it stops. `--only bulk-memory` (bench/bulk-memory.ts) needs no
 * large data set and adds its result to bench/results.json, keeping the measurements already there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { createApiKey, revokeApiKey } from '../src/api-keys/service.js';
import { today } from '../src/calendar/dates.js';
import { systemContext } from '../src/context/request-context.js';
import { createDatabase } from '../src/db/database.js';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { answersScoring } from '../src/demo/answers.js';
import { InstrumentCatalog } from '../src/instruments/catalog.js';
import { bulkMemory } from './bulk-memory.js';
import { postgresCpuSeconds } from './cpu.js';
import { recurrenceFlood } from './recurrence-flood.js';
import { NAME_PREFIX, datasetExists, generateDataset, type DatasetSize } from './dataset.js';
import { load, percentile } from './load.js';
import { soak } from './soak.js';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '100000' },
    organizations: { type: 'string', default: '50' },
    assessments: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '200' },
    only: { type: 'string', default: 'floor,get,list,create,report,import,recurrence-flood' },
    soak: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const only = new Set(flags.only.split(','));
const size: DatasetSize = {
  clients: Number(flags.clients),
  organizations: Number(flags.organizations),
  assessmentsPerClient: Number(flags.assessments),
};
const duration = Number(flags.duration);
const connections = Number(flags.connections);
const log = (line: string) => console.error(`[bench] ${line}`);

/** Replaces database `copy` with a copy of `template` (file by file: seconds, not a replay) and gives its URL. */
async function copyDatabase(url: string, template: string, copy: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${template} STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  return url.replace(/\/[^/]+$/, `/${copy}`);
}

// --- the database and the data set ---
// The data set is generated once into `dataset` and every run measures a fresh copy of it, so that
// runs see the same data (the import and create scenarios add rows) and compare with each other.
const dataDir = `bench/.data/${size.clients}-${size.organizations}-${size.assessmentsPerClient}`;
const database = await startEmbeddedPostgres({ dataDir, database: 'dataset' });
const dataset = createDatabase({ connectionString: database.url, poolSize: 4 });
await migrateToLatest(dataset);
if (!(await datasetExists(dataset, size))) {
  const started = Date.now();
  log(`generating ${size.clients} clients over ${size.organizations} organizations with ${size.assessmentsPerClient} assessments each`);
  await generateDataset(dataset, new InstrumentCatalog(dataset), size, log);
  await sql`VACUUM ANALYZE`.execute(dataset);
  log(`data set ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
await dataset.destroy();
const runUrl = await copyDatabase(database.url, 'dataset', 'run');
const db = createDatabase({ connectionString: runUrl, poolSize: 4 });
const catalog = new InstrumentCatalog(db);
const organizations = await db.selectFrom('organizations').select('id').where('name', 'like', `${NAME_PREFIX}%`).orderBy('name').execute();
const staffByOrganization = new Map<string, string>();
for (const row of await db
  .selectFrom('staff')
  .select(['organization_id', 'id'])
  .where(
    'organization_id',
    'in',
    organizations.map((o) => o.id),
  )
  .execute()) {
  staffByOrganization.set(row.organization_id, row.id);
}
const sample = await db
  .selectFrom('clients')
  .select(['id', 'organization_id', 'care_form'])
  .where('status', '=', 'active')
  .orderBy(({ fn }) => fn('random'))
  .limit(5000)
  .execute();
const instruments = new Map((await catalog.all()).map((instrument) => [instrument.careForm, instrument]));
const answersOf = new Map([...instruments].map(([form, instrument]) => [form, answersScoring(instrument.items, 7)]));
const keys = systemContext(db, 'bench');
const regional = await keys.write((tx) => createApiKey(tx, { name: 'benchmark regional', role: 'regional' }));
const providers = new Map<string, { id: string; secret: string }>();
for (const { id } of organizations) {
  providers.set(id, await keys.write((tx) => createApiKey(tx, { name: 'benchmark provider', role: 'provider', organizationId: id })));
}

// --- the service, in a process of its own, as in production ---
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child: ChildProcess = fork('src/server.ts', [], {
  execArgv: [
    ...(flags.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/.data/profiles'] : []),
    '--expose-gc',
    '--import',
    'tsx',
    '--import',
    './bench/count-queries.ts',
  ],
  env: {
    ...process.env,
    DATABASE_URL: runUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    MIGRATE_ON_START: 'false',
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
for (let attempt = 0; ; attempt++) {
  const ready = await fetch(`${base}/health/ready`).then(
    (response) => response.ok,
    () => false,
  );
  if (ready) break;
  if (attempt > 100) throw new Error('the service did not become ready');
  await new Promise((resolve) => setTimeout(resolve, 200));
}

export interface ServiceStats {
  queries: number;
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  /** CPU seconds of PostgreSQL so far, where /proc tells. */
  postgresCpu?: number;
}
const postmasterPid = Number((await readFile(`${dataDir}/postgres/postmaster.pid`, 'utf8')).split('\n')[0]);
export const stats = async () => {
  const service = await new Promise<ServiceStats>((resolve) => {
    child.once('message', (message) => resolve(message as ServiceStats));
    child.send('stats');
  });
  return { ...service, postgresCpu: await postgresCpuSeconds(postmasterPid) };
};

/** CPU seconds the service and PostgreSQL spent between two readings. */
const cpuSeconds = (before: ServiceStats, after: ServiceStats) => ({
  service: Number(((after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6).toFixed(2)),
  postgres:
    before.postgresCpu === undefined || after.postgresCpu === undefined
      ? null
      : Number((after.postgresCpu - before.postgresCpu).toFixed(2)),
});

const pickClient = () => sample[Math.floor(Math.random() * sample.length)]!;
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

export interface Scenario {
  name: string;
  connections: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: number;
  roundTripsPerRequest: number;
  /** CPU seconds over the scenario: the service's process and PostgreSQL's (null where unknown). */
  cpuSeconds: { service: number; postgres: number | null };
  target: string;
  met: boolean;
}

/**
 * Each scenario starts on a maintained, quiet database, as pgbench starts its runs: the vacuum
 * that earlier scenarios' writes call for (a 100,000-line import on top of the create scenario's
 * rows crosses the assessments table's autovacuum threshold, and its vacuum then costs the import
 * 10 s of CPU) is done first, the statistics are fresh and the dirty pages written.
 */
async function quiesce(): Promise<void> {
  for (let waited = 0; waited < 120; waited++) {
    const { rows } = await sql<{
      busy: number;
    }>`SELECT count(*)::int AS busy FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`.execute(db);
    if (rows[0]!.busy === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await sql`VACUUM (ANALYZE)`.execute(db);
  await sql`CHECKPOINT`.execute(db);
}

async function measure(
  name: string,
  options: { connections: number; setupRequest: autocannon.Request['setupRequest'] },
  target: { p99Ms: number; text: string },
): Promise<Scenario> {
  // A short warm-up so that connections, plans and caches are in place before measuring.
  const requests = [{ setupRequest: options.setupRequest }];
  await load({ url: base, connections: Math.min(options.connections, 20), duration: 2, requests });
  await quiesce();
  const before = await stats();
  const times: number[] = [];
  let failures = 0;
  const result = await load({ url: base, connections: options.connections, duration, requests }, (statusCode, responseTime) => {
    times.push(responseTime);
    if (statusCode >= 400) failures += 1;
  });
  const after = await stats();
  times.sort((a, b) => a - b);
  const errors = failures + result.errors + result.timeouts;
  const latencyMs = { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times.at(-1) ?? 0 };
  const scenario: Scenario = {
    name,
    connections: options.connections,
    requests: times.length,
    seconds: duration,
    requestsPerSecond: Math.round(times.length / duration),
    latencyMs,
    errors,
    roundTripsPerRequest: Number(((after.queries - before.queries) / Math.max(1, times.length)).toFixed(2)),
    cpuSeconds: cpuSeconds(before, after),
    target: target.text,
    met: errors === 0 && latencyMs.p99 < target.p99Ms,
  };
  print(scenario);
  return scenario;
}

const cpuText = ({ cpuSeconds: cpu }: Scenario) => `cpu s: service ${cpu.service} postgres ${cpu.postgres ?? '?'}`;

function print(scenario: Scenario): void {
  const { latencyMs: l } = scenario;
  console.log(
    `${scenario.name.padEnd(44)} ${String(scenario.requestsPerSecond).padStart(6)} req/s  p50 ${l.p50.toFixed(1)}  p95 ${l.p95.toFixed(1)}  ` +
      `p99 ${l.p99.toFixed(1)}  max ${l.max.toFixed(1)} ms  errors ${scenario.errors}  db round trips/request ${scenario.roundTripsPerRequest}  ` +
      `${cpuText(scenario)}  ` +
      `${scenario.met ? 'meets' : 'MISSES'} ${scenario.target}`,
  );
}

/** Every client of every organization gets one new assessment, one NDJSON file per organization. */
async function bulkImport(): Promise<Scenario> {
  // After the data set's last assessment (September 2026), so that every line becomes the client's current one.
  const assessedOn = '2026-10-01';
  const files: Array<{ organizationId: string; body: string; lines: number }> = [];
  for (const { id } of organizations) {
    const clients = await db
      .selectFrom('clients')
      .select(['external_id', 'care_form'])
      .where('organization_id', '=', id)
      .where('status', '!=', 'deceased')
      .execute();
    const lines = clients.map((client) =>
      JSON.stringify({
        clientExternalId: client.external_id,
        instrumentId: instruments.get(client.care_form)!.id,
        assessedOn,
        answers: answersOf.get(client.care_form),
        conductedBy: [staffByOrganization.get(id)],
        notes: 'bench import',
      }),
    );
    files.push({ organizationId: id, body: `${lines.join('\n')}\n`, lines: lines.length });
  }
  const total = files.reduce((sum, file) => sum + file.lines, 0);
  await quiesce();
  const before = await stats();
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  const queue = [...files];
  // Two uploads at a time: one per core of this machine.
  await Promise.all(
    [0, 1].map(async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const sent = performance.now();
        const response = await fetch(`${base}/v1/bulk/assessments?organizationId=${file.organizationId}`, {
          method: 'POST',
          headers: { ...bearer(providers.get(file.organizationId)!.secret), 'content-type': 'application/x-ndjson' },
          body: file.body,
        });
        const result = (await response.json()) as { totals?: { created: number } };
        times.push(performance.now() - sent);
        if (!response.ok || result.totals?.created !== file.lines) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await stats();
  times.sort((a, b) => a - b);
  const scenario: Scenario = {
    name: `bulk import of ${total} assessments`,
    connections: 2,
    requests: files.length,
    seconds: Number(seconds.toFixed(2)),
    requestsPerSecond: Math.round(total / seconds),
    latencyMs: { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times.at(-1) ?? 0 },
    errors,
    roundTripsPerRequest: Number(((after.queries - before.queries) / total).toFixed(3)),
    cpuSeconds: cpuSeconds(before, after),
    target: 'all lines created in under 10 s (rate is lines/s; round trips per line)',
    met: errors === 0 && seconds < 10,
  };
  console.log(
    `${scenario.name.padEnd(44)} ${seconds.toFixed(2)} s  ${scenario.requestsPerSecond} lines/s  errors ${errors}  db round trips/line ${scenario.roundTripsPerRequest}  ${cpuText(scenario)}  ${scenario.met ? 'meets' : 'MISSES'} ${scenario.target}`,
  );
  return scenario;
}

const asOf = today();
const scenarios: Scenario[] = [];
try {
  // What this machine gives at all with the load generator on the same cores: no database, no key.
  if (only.has('floor'))
    scenarios.push(
      await measure(
        'floor: GET /health/live (no database, no key)',
        { connections, setupRequest: (request) => ({ ...request, path: '/health/live' }) },
        { p99Ms: Infinity, text: 'none: the baseline the other latencies stand on' },
      ),
    );
  if (only.has('get'))
    scenarios.push(
      await measure(
        'get a client with its latest assessment',
        {
          connections,
          setupRequest: (request) => ({ ...request, path: `/v1/clients/${pickClient().id}`, headers: bearer(regional.secret) }),
        },
        { p99Ms: 50, text: `p99 < 50 ms at ${connections} connections, no errors` },
      ),
    );
  if (only.has('list'))
    scenarios.push(
      await measure(
        'list clients of an organization by group',
        {
          connections,
          setupRequest: (request) => ({
            ...request,
            path: `/v1/clients?organizationId=${pickClient().organization_id}&group=${1 + Math.floor(Math.random() * 6)}&limit=50`,
            headers: bearer(regional.secret),
          }),
        },
        { p99Ms: 50, text: `p99 < 50 ms at ${connections} connections, no errors` },
      ),
    );
  if (only.has('create'))
    scenarios.push(
      await measure(
        'create an assessment',
        {
          connections,
          setupRequest: (request) => {
            const client = pickClient();
            return {
              ...request,
              method: 'POST',
              path: `/v1/clients/${client.id}/assessments`,
              headers: { ...bearer(providers.get(client.organization_id)!.secret), 'content-type': 'application/json' },
              body: JSON.stringify({
                instrumentId: instruments.get(client.care_form)!.id,
                assessedOn: asOf,
                answers: answersOf.get(client.care_form),
                conductedBy: [staffByOrganization.get(client.organization_id)],
              }),
            };
          },
        },
        { p99Ms: Infinity, text: 'no errors (writes have no latency target)' },
      ),
    );
  if (only.has('report'))
    scenarios.push(
      await measure(
        'regional long-term care report (all organizations)',
        {
          connections: 1,
          setupRequest: (request) => ({ ...request, path: `/v1/reports/long-term-care?asOf=${asOf}`, headers: bearer(regional.secret) }),
        },
        { p99Ms: 300, text: 'p99 < 300 ms, one request at a time, no errors' },
      ),
    );
  if (only.has('import')) scenarios.push(await bulkImport());
  const [firstOrganization] = organizations;
  const bulkMemoryResult =
    only.has('bulk-memory') && firstOrganization
      ? await bulkMemory({
          base,
          organizationId: firstOrganization.id,
          providerSecret: providers.get(firstOrganization.id)!.secret,
          stats,
          log,
        })
      : undefined;
  const flood =
    only.has('recurrence-flood') && firstOrganization
      ? await recurrenceFlood({
          base,
          db,
          organizationId: firstOrganization.id,
          providerSecret: providers.get(firstOrganization.id)!.secret,
          staffId: staffByOrganization.get(firstOrganization.id)!,
          seconds: duration,
          stats,
          log,
        })
      : undefined;
  const soaked = flags.soak
    ? await soak({
        base,
        seconds: Number(flags.soak),
        stats,
        sample,
        regional: regional.secret,
        providers,
        instruments,
        answersOf,
        staffByOrganization,
        log,
      })
    : undefined;

  const { count: clientCount } = await db
    .selectFrom('clients')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const measured = {
    ...(bulkMemoryResult ? { bulkMemory: { measuredAt: new Date().toISOString(), machine, ...bulkMemoryResult } } : {}),
    ...(flood ? { recurrenceFlood: { measuredAt: new Date().toISOString(), machine, ...flood } } : {}),
  };
  // Run alone, a scenario that needs no data set (memory) or compares with its own baseline (the
  // recurrence flood) joins the other scenarios' last results.
  const results =
    only.size === 1 && (bulkMemoryResult || flood)
      ? { ...JSON.parse(await readFile('bench/results.json', 'utf8')), ...measured }
      : {
          measuredAt: new Date().toISOString(),
          machine,
          dataset: { ...size, clientsInDatabase: clientCount },
          scenarios,
          ...(soaked ? { soak: soaked } : {}),
          ...measured,
        };
  await writeFile('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  log('written to bench/results.json');
  const missed =
    scenarios.filter((scenario) => !scenario.met).length +
    (soaked && !soaked.met ? 1 : 0) +
    (bulkMemoryResult && !bulkMemoryResult.met ? 1 : 0) +
    (flood && !flood.met ? 1 : 0);
  if (missed) log(`${missed} target(s) missed`);
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await keys.write((tx) => revokeApiKey(tx, regional.id));
  for (const provider of providers.values()) await keys.write((tx) => revokeApiKey(tx, provider.id));
  await db.destroy();
  await database.stop();
}
