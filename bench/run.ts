/*
 * npm run bench [-- --clients 100000 --organizations 50 --assessments 5 --duration 10
 *                   --connections 50,200 --rounds 2
 *                   --only noop,get,list,create,report,import,recurrence-flood,bulk-memory,import-jobs,webhooks --soak SECONDS --profile]
 *
 * Generates (once per size, kept under bench/.data) a regional data set on the embedded
 * PostgreSQL, starts the service on a fresh copy of it as a separate process, measures the
 * scenarios of the integration issue with autocannon and prints them with the CPU the service
 * and PostgreSQL spent; writes them to bench/results.json. Each read (get, list) is measured at
 * every --connections count on the service and then on its floor (bench/floor-server.ts: the
 * service's SQL on a bare route), the import next to a raw SQL floor (bench/import-floor.ts), and
 * the ratios service ÷ floor are printed and written too. --profile writes the service's V8 CPU
 * profile to bench/.data/profiles when it stops. A run of some scenarios (`--only`) replaces their
 * results in bench/results.json and keeps the others' last ones, each with the date it was measured.
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
import { LIST_LIMIT, floorQueries } from './floor-queries.js';
import { importFloorSeconds, type ImportLine } from './import-floor.js';
import { recurrenceFlood } from './recurrence-flood.js';
import { NAME_PREFIX, datasetExists, generateDataset, type DatasetSize } from './dataset.js';
import { load, percentile } from './load.js';
import { soak } from './soak.js';
import { webhookRate } from './webhook-rate.js';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '100000' },
    organizations: { type: 'string', default: '50' },
    assessments: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50,200' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string', default: 'noop,get,list,create,report,import,import-jobs,recurrence-flood,webhooks' },
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
const connectionCounts = flags.connections.split(',').map(Number);
const connections = Math.max(...connectionCounts);
const rounds = Number(flags.rounds);
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

export interface ServiceStats {
  queries: number;
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  /** CPU seconds of PostgreSQL so far, where /proc tells. */
  postgresCpu?: number;
}

/** A process under load: the service or its floor, answering its stats over IPC (bench/count-queries.ts). */
interface Server {
  base: string;
  child: ChildProcess;
  stats: () => Promise<ServiceStats>;
}

const postmasterPid = Number((await readFile(`${dataDir}/postgres/postmaster.pid`, 'utf8')).split('\n')[0]);
/** The floor's pool is the service's size, so neither has more connections to PostgreSQL. */
const POOL_SIZE = 10;

/** Forks `module` with the query counter preloaded and waits until it answers /health/ready. */
async function startServer(module: string, execArgv: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = fork(module, [], {
    execArgv: [...execArgv, '--expose-gc', '--import', 'tsx', '--import', './bench/count-queries.ts'],
    env: { ...process.env, ...env, DATABASE_URL: runUrl, DATABASE_POOL_SIZE: String(POOL_SIZE), HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 100) throw new Error(`${module} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stats = async () => {
    const own = await new Promise<ServiceStats>((resolve) => {
      child.once('message', (message) => resolve(message as ServiceStats));
      child.send('stats');
    });
    return { ...own, postgresCpu: await postgresCpuSeconds(postmasterPid) };
  };
  return { base, child, stats };
}

async function stopServer({ child }: Server): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

// --- the service, in a process of its own, as in production; its floor in another ---
const service = await startServer('src/server.ts', flags.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/.data/profiles'] : [], {
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '100000000',
  MIGRATE_ON_START: 'false',
  // The synchronous import scenarios send files above the default size of an import job; the job scenario asks for jobs.
  BULK_ASYNC_ABOVE_BYTES: String(2 ** 40),
});
const floor = await startServer('bench/floor-server.ts', [], { FLOOR_QUERIES: JSON.stringify(await floorQueries(today())) });
const { base, stats } = service;

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
  server: Server = service,
): Promise<Scenario> {
  // A short warm-up so that connections, plans and caches are in place before measuring.
  const requests = [{ setupRequest: options.setupRequest }];
  await load({ url: server.base, connections: Math.min(options.connections, 20), duration: 2, requests });
  await quiesce();
  const before = await server.stats();
  const times: number[] = [];
  let failures = 0;
  const result = await load({ url: server.base, connections: options.connections, duration, requests }, (statusCode, responseTime) => {
    times.push(responseTime);
    if (statusCode >= 400) failures += 1;
  });
  const after = await server.stats();
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

const cpuText = ({ cpuSeconds: cpu }: Scenario) => `cpu s: app ${cpu.service} postgres ${cpu.postgres ?? '?'}`;

function print(scenario: Scenario): void {
  const { latencyMs: l } = scenario;
  console.log(
    `${scenario.name.padEnd(44)} ${String(scenario.requestsPerSecond).padStart(6)} req/s  p50 ${l.p50.toFixed(1)}  p95 ${l.p95.toFixed(1)}  ` +
      `p99 ${l.p99.toFixed(1)}  max ${l.max.toFixed(1)} ms  errors ${scenario.errors}  db round trips/request ${scenario.roundTripsPerRequest}  ` +
      `${cpuText(scenario)}  ` +
      `${scenario.met ? 'meets' : 'MISSES'} ${scenario.target}`,
  );
}

/** A read on the service next to the same read on its floor, in one run: the ratios the targets are set in. */
export interface FloorComparison {
  name: string;
  connections: number;
  /** Service ÷ floor, of the rounds' medians: requests per second, and p99 latency. */
  throughputRatio: number;
  p99Ratio: number;
  /** Milliseconds of the process's CPU per answered request, the rounds' median. */
  appCpuMsPerRequest: { service: number; floor: number };
  /** Every round of the floor (the service's are among the scenarios). */
  floor: Scenario[];
}

const cpuMsPerRequest = (scenario: Scenario) => (scenario.cpuSeconds.service * 1000) / Math.max(1, scenario.requests);
const ratio = (service: number, floor: number) => Number((service / floor).toFixed(2));
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Measures a read at every connection count, `--rounds` times, the service then the floor in each
 * round, with the same requests (the floor takes the service's paths and ignores the key) and the
 * same duration; the ratios are of the rounds' medians, so one disturbed round moves them less.
 */
async function measureAgainstFloor(
  name: string,
  setupRequest: autocannon.Request['setupRequest'],
  target: (connections: number) => { p99Ms: number; text: string },
): Promise<FloorComparison[]> {
  const comparisons: FloorComparison[] = [];
  for (const count of connectionCounts) {
    const serviceRounds: Scenario[] = [];
    const floorRounds: Scenario[] = [];
    for (let round = 1; round <= rounds; round++) {
      serviceRounds.push(await measure(name, { connections: count, setupRequest }, target(count)));
      floorRounds.push(
        await measure(
          `floor: ${name}`,
          { connections: count, setupRequest },
          { p99Ms: Infinity, text: 'none: the service is measured against it' },
          floor,
        ),
      );
    }
    scenarios.push(...serviceRounds);
    const medianOf = (measured: Scenario[], value: (scenario: Scenario) => number) => median(measured.map(value));
    comparisons.push({
      name,
      connections: count,
      throughputRatio: ratio(
        medianOf(serviceRounds, (s) => s.requestsPerSecond),
        medianOf(floorRounds, (s) => s.requestsPerSecond),
      ),
      p99Ratio: ratio(
        medianOf(serviceRounds, (s) => s.latencyMs.p99),
        medianOf(floorRounds, (s) => s.latencyMs.p99),
      ),
      appCpuMsPerRequest: {
        service: Number(medianOf(serviceRounds, cpuMsPerRequest).toFixed(3)),
        floor: Number(medianOf(floorRounds, cpuMsPerRequest).toFixed(3)),
      },
      floor: floorRounds,
    });
  }
  return comparisons;
}

function printComparisons(comparisons: FloorComparison[], importFloor: ImportFloor | undefined): void {
  if (!comparisons.length && !importFloor) return;
  console.log('\nservice ÷ floor, measured in this run');
  console.log(
    `${'read'.padEnd(44)} ${'conns'.padStart(5)}  ${'req/s'.padStart(6)}  ${'p99'.padStart(6)}  app CPU ms/request service / floor`,
  );
  for (const c of comparisons) {
    console.log(
      `${c.name.padEnd(44)} ${String(c.connections).padStart(5)}  ${c.throughputRatio.toFixed(2).padStart(6)}  ${c.p99Ratio.toFixed(2).padStart(6)}  ` +
        `${c.appCpuMsPerRequest.service} / ${c.appCpuMsPerRequest.floor}`,
    );
  }
  if (importFloor) {
    console.log(
      `${'import (time, service ÷ floor)'.padEnd(44)} ${''.padStart(5)}  ${importFloor.ratio.toFixed(2).padStart(6)}  ` +
        `service ${importFloor.serviceSeconds} s, floor ${importFloor.floorSeconds} s`,
    );
  }
}

/** The import next to its floor: seconds of each, and import ÷ floor. */
export interface ImportFloor {
  lines: number;
  serviceSeconds: number;
  floorSeconds: number;
  ratio: number;
}

/** An NDJSON file of one assessment, on `assessedOn`, for each of the organization's clients but the deceased. */
async function assessmentFile(organizationId: string, assessedOn: string) {
  const clients = await db
    .selectFrom('clients')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('status', '!=', 'deceased')
    .execute();
  const floorLines: ImportLine[] = [];
  const lines = clients.map((client) => {
    const line = {
      instrument: instruments.get(client.care_form)!,
      assessedOn,
      answers: answersOf.get(client.care_form)!,
      conductedBy: [staffByOrganization.get(organizationId)!],
      notes: 'bench import',
    };
    floorLines.push({ client, ...line });
    const { instrument, ...fields } = line;
    return JSON.stringify({ clientExternalId: client.external_id, instrumentId: instrument.id, ...fields });
  });
  return { organizationId, body: `${lines.join('\n')}\n`, lines: lines.length, floorLines };
}

async function bulkImport(): Promise<{ scenario: Scenario; importFloor: ImportFloor }> {
  // After the data set's last assessment (September 2026), so that every line becomes the client's current one.
  const files = await Promise.all(organizations.map(({ id }) => assessmentFile(id, '2026-10-01')));
  const floorLines = files.flatMap((file) => file.floorLines);
  const total = files.reduce((sum, file) => sum + file.lines, 0);
  await quiesce();
  const floorSeconds = await importFloorSeconds(db, runUrl, floorLines);
  log(`import floor: ${total} rows in one INSERT … SELECT in ${floorSeconds.toFixed(2)} s (rolled back)`);
  // The floor's rolled-back rows are dead tuples: vacuumed before the service imports.
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
  const importFloor: ImportFloor = {
    lines: total,
    serviceSeconds: scenario.seconds,
    floorSeconds: Number(floorSeconds.toFixed(2)),
    ratio: ratio(seconds, floorSeconds),
  };
  return { scenario, importFloor };
}

/**
 * The same import as import jobs: every organization's file sent with `Prefer: respond-async` (two
 * uploads at a time), timed until the last job succeeded, next to the raw SQL floor of its lines.
 */
async function importJobs(): Promise<{ scenario: Scenario; importFloor: ImportFloor }> {
  // A day after the synchronous import's and the webhook scenario's: every line a new assessment.
  const files = await Promise.all(organizations.map(({ id }) => assessmentFile(id, '2026-10-03')));
  const total = files.reduce((sum, file) => sum + file.lines, 0);
  await quiesce();
  const floorSeconds = await importFloorSeconds(
    db,
    runUrl,
    files.flatMap((file) => file.floorLines),
  );
  await quiesce();
  const before = await stats();
  const started = performance.now();
  const queue = [...files];
  const jobs: Array<{ location: string; secret: string; lines: number }> = [];
  await Promise.all(
    [0, 1].map(async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const secret = providers.get(file.organizationId)!.secret;
        const response = await fetch(`${base}/v1/bulk/assessments?organizationId=${file.organizationId}`, {
          method: 'POST',
          headers: { ...bearer(secret), 'content-type': 'application/x-ndjson', prefer: 'respond-async' },
          body: file.body,
        });
        await response.arrayBuffer();
        jobs.push({ location: response.headers.get('location') ?? '', secret, lines: file.lines });
      }
    }),
  );
  let errors = 0;
  let peakRss = 0;
  for (const job of jobs) {
    for (;;) {
      const answer = (await (await fetch(`${base}${job.location}`, { headers: bearer(job.secret) })).json()) as {
        status?: string;
        totals?: { created: number };
      };
      if (answer.status === 'succeeded' || answer.status === 'failed') {
        if (answer.status === 'failed' || answer.totals?.created !== job.lines) errors += 1;
        break;
      }
      peakRss = Math.max(peakRss, (await stats()).memory.rss);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await stats();
  const scenario: Scenario = {
    name: `import jobs of ${total} assessments`,
    connections: 2,
    requests: files.length,
    seconds: Number(seconds.toFixed(2)),
    requestsPerSecond: Math.round(total / seconds),
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
    errors,
    roundTripsPerRequest: Number(((after.queries - before.queries) / total).toFixed(3)),
    cpuSeconds: cpuSeconds(before, after),
    target: `every job succeeded with every line created (rate is lines/s; peak service RSS ${Math.round(peakRss / 2 ** 20)} MiB)`,
    met: errors === 0,
  };
  console.log(
    `${scenario.name.padEnd(44)} ${seconds.toFixed(2)} s  ${scenario.requestsPerSecond} lines/s  errors ${errors}  floor ${floorSeconds.toFixed(2)} s  ${cpuText(scenario)}  ${scenario.target}`,
  );
  return {
    scenario,
    importFloor: {
      lines: total,
      serviceSeconds: scenario.seconds,
      floorSeconds: Number(floorSeconds.toFixed(2)),
      ratio: ratio(seconds, floorSeconds),
    },
  };
}

/** What bench/results.json holds: the last measurement of every scenario, each with its date. */
interface Results {
  measuredAt: string;
  scenarios: Array<Scenario & { measuredAt?: string }>;
  floor: { comparisons: Array<FloorComparison & { measuredAt?: string }>; import?: ImportFloor };
  [other: string]: unknown;
}

async function readPreviousResults(): Promise<Results | undefined> {
  return readFile('bench/results.json', 'utf8').then(
    (text) => JSON.parse(text) as Results,
    () => undefined,
  );
}

/**
 * A run of some scenarios (`--only`) replaces their results and keeps the others' last ones: a
 * scenario by its name and connection count, a floor comparison likewise, the other sections whole.
 */
function mergeResults(previous: Results | undefined, run: Results): Results {
  if (!previous) return run;
  const importFloor = run.floor.import ?? previous.floor?.import;
  const same = (a: { name: string; connections: number }) => (b: { name: string; connections: number }) =>
    a.name === b.name && a.connections === b.connections;
  const keep = <T extends { name: string; connections: number; measuredAt?: string }>(old: T[], fresh: T[]) => [
    ...old.filter((item) => !fresh.some(same(item))).map((item) => ({ ...item, measuredAt: item.measuredAt ?? previous.measuredAt })),
    ...fresh,
  ];
  return {
    ...previous,
    ...run,
    scenarios: keep(previous.scenarios ?? [], run.scenarios),
    floor: {
      comparisons: keep(previous.floor?.comparisons ?? [], run.floor.comparisons),
      ...(importFloor ? { import: importFloor } : {}),
    },
  };
}

const asOf = today();
const scenarios: Scenario[] = [];
const comparisons: FloorComparison[] = [];
let importFloor: ImportFloor | undefined;
try {
  // What this machine gives at all with the load generator on the same cores: no database, no key.
  if (only.has('noop'))
    scenarios.push(
      await measure(
        'noop: GET /health/live (no database, no key)',
        { connections, setupRequest: (request) => ({ ...request, path: '/health/live' }) },
        { p99Ms: Infinity, text: 'none: what the machine answers at all' },
      ),
    );
  const readTarget = (count: number) => ({ p99Ms: 50, text: `p99 < 50 ms at ${count} connections, no errors` });
  if (only.has('get'))
    comparisons.push(
      ...(await measureAgainstFloor(
        'get a client with its latest assessment',
        (request) => ({ ...request, path: `/v1/clients/${pickClient().id}`, headers: bearer(regional.secret) }),
        readTarget,
      )),
    );
  if (only.has('list'))
    comparisons.push(
      ...(await measureAgainstFloor(
        'list clients of an organization by group',
        (request) => ({
          ...request,
          path: `/v1/clients?organizationId=${pickClient().organization_id}&group=${1 + Math.floor(Math.random() * 6)}&limit=${LIST_LIMIT}`,
          headers: bearer(regional.secret),
        }),
        readTarget,
      )),
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
  if (only.has('import')) {
    const imported = await bulkImport();
    scenarios.push(imported.scenario);
    importFloor = imported.importFloor;
  }
  const jobs = only.has('import-jobs') ? await importJobs() : undefined;
  if (jobs) scenarios.push(jobs.scenario);
  printComparisons(comparisons, importFloor);
  if (jobs)
    log(`import jobs ÷ their floor: ${jobs.importFloor.ratio} (${jobs.importFloor.serviceSeconds} s ÷ ${jobs.importFloor.floorSeconds} s)`);
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
  const webhooks =
    only.has('webhooks') && firstOrganization
      ? await (async () => {
          // A day after the import scenario's: new assessments, each an event.
          const file = await assessmentFile(firstOrganization.id, '2026-10-02');
          await quiesce();
          return webhookRate({
            base,
            organizationId: firstOrganization.id,
            providerSecret: providers.get(firstOrganization.id)!.secret,
            importBody: file.body,
            lines: file.lines,
            stats,
            log,
          });
        })()
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
    ...(jobs ? { importJobFloor: { measuredAt: new Date().toISOString(), ...jobs.importFloor } } : {}),
    ...(webhooks ? { webhookDelivery: { measuredAt: new Date().toISOString(), machine, ...webhooks } } : {}),
  };
  const measuredAt = new Date().toISOString();
  const results = mergeResults(await readPreviousResults(), {
    measuredAt,
    machine,
    dataset: { ...size, clientsInDatabase: clientCount },
    scenarios: scenarios.map((scenario) => ({ ...scenario, measuredAt })),
    floor: {
      comparisons: comparisons.map((comparison) => ({ ...comparison, measuredAt })),
      ...(importFloor ? { import: importFloor } : {}),
    },
    ...(soaked ? { soak: soaked } : {}),
    ...measured,
  });
  await writeFile('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  log('written to bench/results.json');
  const missed =
    scenarios.filter((scenario) => !scenario.met).length +
    (soaked && !soaked.met ? 1 : 0) +
    (bulkMemoryResult && !bulkMemoryResult.met ? 1 : 0) +
    (flood && !flood.met ? 1 : 0) +
    (webhooks && !webhooks.met ? 1 : 0);
  if (missed) log(`${missed} target(s) missed`);
} finally {
  await stopServer(service);
  await stopServer(floor);
  await keys.write((tx) => revokeApiKey(tx, regional.id));
  for (const provider of providers.values()) await keys.write((tx) => revokeApiKey(tx, provider.id));
  await db.destroy();
  await database.stop();
}
