import pg from 'pg';
import t from 'tap';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { clientBody, makeOrganization } from '../helpers/factories.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (version 0.0.4). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The value of the one sample of `name` carrying these labels (others may be there too). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

async function scrape(testApp: TestApp): Promise<Sample[]> {
  const response = await testApp.call(METRICS_TOKEN, { method: 'GET', url: '/metrics' });
  if (response.statusCode !== 200) throw new Error(`scrape: ${response.statusCode} ${response.body}`);
  return parseExposition(response.body);
}

t.test('without METRICS_TOKEN there is no GET /metrics', async (t) => {
  const testApp = await buildTestApp(t);
  const response = await testApp.call(ADMIN_KEY, { method: 'GET', url: '/metrics' });
  t.equal(response.statusCode, 404);
  t.equal(response.json().type, '/problems/route-not-found');
});

t.test('GET /metrics', async (t) => {
  const testApp = await buildTestApp(t, { METRICS_TOKEN });

  t.test('without a token is a 401 problem asking for one', async (t) => {
    const response = await testApp.call(undefined, { method: 'GET', url: '/metrics' });
    t.equal(response.statusCode, 401);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.equal(response.json().type, '/problems/api-key-missing');
    t.equal(response.headers['www-authenticate'], 'Bearer');
  });

  t.test('with another token, even the admin API key, is a 401 invalid token', async (t) => {
    for (const key of [`${METRICS_TOKEN}x`, ADMIN_KEY]) {
      const response = await testApp.call(key, { method: 'GET', url: '/metrics' });
      t.equal(response.statusCode, 401, key);
      t.equal(response.json().type, '/problems/api-key-invalid');
      t.notMatch(response.body, /http_requests_total/);
    }
  });

  t.test('answers the Prometheus text format, with the process metrics', async (t) => {
    const response = await testApp.call(METRICS_TOKEN, { method: 'GET', url: '/metrics' });
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(response.body);
    t.ok(valueOf(samples, 'process_resident_memory_bytes'), 'default process metrics');
    t.match(response.body, /^# TYPE http_requests_total counter$/m);
    t.match(response.body, /^# TYPE http_request_duration_seconds histogram$/m);
  });

  t.test('counts requests by method, route template and status, never by the raw URL', async (t) => {
    const { id } = await makeOrganization(testApp);
    const missing = '00000000-0000-4000-8000-000000000000';
    const route = { method: 'GET', route: '/v1/organizations/:id' };
    const before = await scrape(testApp);
    await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/organizations/${id}` });
    await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/organizations/${id}` });
    await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/organizations/${missing}` });
    await testApp.call(ADMIN_KEY, { method: 'GET', url: `/no/such/path/${id}` });
    const after = await scrape(testApp);

    const moved = (name: string, labels: Record<string, string>) =>
      (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    t.equal(moved('http_requests_total', { ...route, status: '200' }), 2);
    t.equal(moved('http_requests_total', { ...route, status: '404' }), 1);
    t.equal(moved('http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' }), 1);
    t.equal(moved('http_request_duration_seconds_count', { ...route, status: '200' }), 2);
    t.ok((valueOf(after, 'http_request_duration_seconds_sum', { ...route, status: '200' }) ?? 0) > 0, 'durations observed');
    t.equal(moved('http_request_duration_seconds_bucket', { ...route, status: '200', le: '+Inf' }), 2);
    t.equal(moved('http_requests_total', { method: 'GET', route: '/metrics', status: '200' }), 1, 'the previous scrape');
    t.notOk(
      after.some((sample) => Object.values(sample.labels).some((value) => value.includes(id))),
      'no label carries an id from a URL',
    );
  });

  t.test('reports the database pool: connections in use and idle, the most it opens, queries waiting', async (t) => {
    const samples = await scrape(testApp);
    const inUse = valueOf(samples, 'db_pool_connections', { state: 'in_use' });
    const idle = valueOf(samples, 'db_pool_connections', { state: 'idle' });
    t.ok(Number.isInteger(inUse) && Number.isInteger(idle), 'both states are there');
    t.ok((idle ?? 0) >= 1, 'the connections of earlier requests went back to the pool');
    t.equal(valueOf(samples, 'db_pool_max_connections'), 5, "the test helper's pool size");
    t.equal(valueOf(samples, 'db_pool_waiting_requests'), 0);
  });

  t.test('NDJSON imports', async (t) => {
    const { id: organizationId } = await makeOrganization(testApp);
    const lines = [
      { externalId: 'M-1', ...clientBody() },
      { externalId: 'M-2', ...clientBody({ sex: 'unknown' }) },
      { externalId: 'M-3', ...clientBody() },
    ];
    const importClients = (atomic: boolean) =>
      testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: `/v1/bulk/clients?organizationId=${organizationId}&atomic=${atomic}`,
        headers: { 'content-type': 'application/x-ndjson' },
        payload: lines.map((line) => JSON.stringify(line)).join('\n'),
      });
    const clientLines = (samples: Sample[]) =>
      Object.fromEntries(
        ['created', 'updated', 'unchanged', 'failed'].map((outcome) => [
          outcome,
          valueOf(samples, 'bulk_lines_processed_total', { kind: 'clients', outcome }) ?? 0,
        ]),
      );

    t.test('an import that rolled back (atomic, a bad line) counts no line', async (t) => {
      const before = clientLines(await scrape(testApp));
      t.equal((await importClients(true)).statusCode, 422);
      t.same(clientLines(await scrape(testApp)), before);
    });

    t.test('a committed import counts its lines by kind and outcome', async (t) => {
      const before = clientLines(await scrape(testApp));
      const response = await importClients(false);
      t.same(response.json().totals, { lines: 3, created: 2, updated: 0, unchanged: 0, failed: 1 });
      const after = clientLines(await scrape(testApp));
      t.same(Object.fromEntries(Object.entries(after).map(([outcome, count]) => [outcome, count - (before[outcome] ?? 0)])), {
        created: 2,
        updated: 0,
        unchanged: 0,
        failed: 1,
      });
    });
  });

  t.test('the change feed lag is the age of the oldest transaction holding an id', async (t) => {
    const quiet = valueOf(await scrape(testApp), 'change_feed_lag_seconds');
    t.ok(Number.isFinite(quiet) && (quiet ?? -1) >= 0, `a number of seconds (${quiet})`);

    const holder = new pg.Client({ connectionString: testApp.database.url });
    await holder.connect();
    t.teardown(() => holder.end());
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const held = valueOf(await scrape(testApp), 'change_feed_lag_seconds') ?? 0;
    await holder.query('ROLLBACK');
    t.ok(held >= 1.2, `a transaction open 1.2 s holds the feed back at least that long (${held})`);
  });

  t.test('is not in the contract', async (t) => {
    const document = testApp.app.swagger() as { paths: Record<string, unknown> };
    t.notOk('/metrics' in document.paths);
    t.ok('/v1/organizations/{id}' in document.paths, 'the document has the API');
  });
});

t.test('a scrape answers when the database cannot: the lag reads NaN', async (t) => {
  const testApp = await buildTestApp(t, { METRICS_TOKEN }, { poolSize: 1 });
  // Ready first: getting ready loads the instrument catalogue, which needs the connection too.
  await testApp.app.ready();
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = () => undefined as void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  // The pool's one connection, taken by a transaction that waits for the scrape to finish.
  const transaction = testApp.database.db.transaction().execute(async () => {
    holding();
    await released;
  });
  await held;
  const started = Date.now();
  const samples = await scrape(testApp).finally(release);
  const elapsed = Date.now() - started;
  await transaction;
  t.ok(Number.isNaN(valueOf(samples, 'change_feed_lag_seconds')), 'NaN, not a stale or made-up number');
  t.ok(elapsed < 2500, `answered in ${elapsed} ms, before the pool's own 3 s connection timeout`);
  t.equal(valueOf(samples, 'db_pool_connections', { state: 'in_use' }), 1);
});
