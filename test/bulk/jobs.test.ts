import t from 'tap';
import { runJob, watchJob, JOB_CHUNK_LINES, STALE_AFTER_MS } from '../../src/bulk/jobs-service.js';
import { InstrumentCatalog } from '../../src/instruments/catalog.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { clientBody, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

interface Job {
  id: string;
  status: string;
  organizationId: string;
  totalLines: number;
  processedLines: number;
  totals: Record<string, number>;
  error?: { type: string };
}

interface Failure {
  line: number;
  pointer: string;
  problem: { status: number; detail: string; errors?: unknown[] };
}

/**
 * A file of clients that exercises what a job must do as the synchronous import does: good
 * lines, blank lines (numbers still count), a line that is not JSON, one that breaks its schema,
 * one that is not UTF-8, one longer than a line may be, and lines repeating an earlier line's
 * externalId across chunks (they fail only if the job remembers the earlier chunks).
 */
function clientFile(count: number): Buffer {
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) lines.push(JSON.stringify({ externalId: `J-${n}`, ...clientBody() }));
  lines[9] = '';
  lines[20] = '{"externalId": "J-broken", ';
  lines[30] = JSON.stringify({ externalId: 'J-schema', ...clientBody({ sex: 'unknown' }) });
  lines[40] = JSON.stringify({ externalId: 'J-long', ...clientBody({ notes: 'я'.repeat(600_000) }) });
  lines[JOB_CHUNK_LINES + 40] = JSON.stringify({ externalId: 'J-3', ...clientBody() });
  lines[2 * JOB_CHUNK_LINES + 5] = JSON.stringify({ externalId: 'J-700', ...clientBody() });
  const text = Buffer.from(lines.join('\n') + '\n');
  // Line count + 1: bytes that are not UTF-8.
  return Buffer.concat([text, Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]);
}

/** The file is larger than BULK_ASYNC_ABOVE_BYTES' default: an app importing it synchronously raises that. */
const SYNCHRONOUS = { BULK_ASYNC_ABOVE_BYTES: String(50 * 1024 * 1024) };

function importFile(testApp: TestApp, organizationId: string, body: string | Buffer, options: { key?: string; async?: boolean } = {}) {
  return testApp.call(options.key ?? ADMIN_KEY, {
    method: 'POST',
    url: `/v1/bulk/clients?organizationId=${organizationId}`,
    headers: { 'content-type': 'application/x-ndjson', ...(options.async ? { prefer: 'respond-async' } : {}) },
    payload: body,
  });
}

async function getJob(testApp: TestApp, id: string, key = ADMIN_KEY): Promise<Job> {
  return (await testApp.call(key, { method: 'GET', url: `/v1/bulk/jobs/${id}` })).json();
}

async function finished(testApp: TestApp, id: string, timeoutMs = 60_000): Promise<Job> {
  const start = Date.now();
  for (;;) {
    const job = await getJob(testApp, id);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    if (Date.now() - start > timeoutMs) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function failuresOf(testApp: TestApp, id: string): Promise<Failure[]> {
  const response = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/bulk/jobs/${id}/failures` });
  if (response.statusCode !== 200) throw new Error(`failures: ${response.statusCode} ${response.body}`);
  return response.body
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Failure);
}

/** The failed lines of a synchronous answer, as a job lists them. */
function syncFailures(body: { results: Array<{ line: number; outcome: string; problem?: Failure['problem'] }> }): Failure[] {
  return body.results
    .filter((result) => result.outcome === 'failed')
    .map(({ line, problem }) => ({
      line,
      pointer: (problem?.errors?.[0] as { pointer?: string } | undefined)?.pointer ?? '',
      problem: problem!,
    }));
}

const file = clientFile(2 * JOB_CHUNK_LINES + 120);

t.test('a job gives the totals and failures of a synchronous import of the same file', async (t) => {
  const sync = await buildTestApp(t, SYNCHRONOUS);
  const syncOrganization = (await makeOrganization(sync)).id;
  const syncAnswer = await importFile(sync, syncOrganization, file);
  t.equal(syncAnswer.statusCode, 200);
  const expected = syncAnswer.json();

  // Another database: the file's SNILS are unique in the register.
  const jobs = await buildTestApp(t, { JOBS_WORKER: 'true', JOBS_POLL_INTERVAL_MS: '100' });
  const organizationId = (await makeOrganization(jobs)).id;
  const accepted = await importFile(jobs, organizationId, file, { async: true });
  t.equal(accepted.statusCode, 202);
  const job = accepted.json<Job>();
  t.equal(accepted.headers.location, `/v1/bulk/jobs/${job.id}`);
  t.equal(accepted.headers['preference-applied'], 'respond-async');
  t.equal(job.totalLines, expected.totals.lines, 'the stored file counts the lines the synchronous import read');

  const done = await finished(jobs, job.id);
  t.equal(done.status, 'succeeded');
  t.same(done.totals, expected.totals, 'the same totals');
  t.equal(done.processedLines, done.totalLines);
  const failures = await failuresOf(jobs, job.id);
  t.same(failures, syncFailures(expected), 'the same failed lines, pointers and problems');
  t.same(
    failures.map(({ line }) => line),
    [21, 31, 41, JOB_CHUNK_LINES + 41, 2 * JOB_CHUNK_LINES + 6, 2 * JOB_CHUNK_LINES + 121],
    'a repeat of a line of an earlier chunk fails, as in one transaction',
  );
  const stored = await jobs.database.db.selectFrom('clients').select('external_id').where('organization_id', '=', organizationId).execute();
  t.equal(stored.length, expected.totals.created);
  t.same(
    (await jobs.database.db.selectFrom('bulk_import_job_lines').select('line').where('job_id', '=', job.id).execute()).length,
    0,
    'the stored lines are gone once the job is over',
  );
});

t.test('a body above BULK_ASYNC_ABOVE_BYTES goes async unasked; an atomic import never', async (t) => {
  const testApp = await buildTestApp(t, { BULK_ASYNC_ABOVE_BYTES: '200' });
  const organizationId = (await makeOrganization(testApp)).id;
  const body = [1, 2].map((n) => JSON.stringify({ externalId: `T-${n}`, ...clientBody() })).join('\n');
  const accepted = await importFile(testApp, organizationId, body);
  t.equal(accepted.statusCode, 202, 'a large body is a job');
  t.equal(accepted.json().status, 'queued');
  const small = await importFile(testApp, organizationId, '{}\n');
  t.equal(small.statusCode, 200, 'a small body is imported at once');
  const atomic = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/bulk/clients?organizationId=${organizationId}&atomic=true`,
    headers: { 'content-type': 'application/x-ndjson', prefer: 'respond-async' },
    payload: body,
  });
  t.equal(atomic.statusCode, 200, 'atomic=true runs in one transaction, synchronously');
  t.notOk(atomic.headers['preference-applied']);
});

t.test('a provider sees its own organization’s jobs only, and its job runs in its scope', async (t) => {
  const testApp = await buildTestApp(t, { JOBS_WORKER: 'true', JOBS_POLL_INTERVAL_MS: '100' });
  const own = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;
  const provider = await makeKey(testApp, 'provider', own);
  const stranger = await makeKey(testApp, 'provider', other);
  const body = JSON.stringify({ externalId: 'P-1', ...clientBody() }) + '\n';

  const refused = await importFile(testApp, other, body, { key: provider.secret, async: true });
  t.equal(refused.statusCode, 403, 'no job for another organization');
  const accepted = await importFile(testApp, own, body, { key: provider.secret, async: true });
  t.equal(accepted.statusCode, 202);
  const job = accepted.json<Job>();
  t.equal((await finished(testApp, job.id)).totals.created, 1);

  t.equal((await testApp.call(stranger.secret, { method: 'GET', url: `/v1/bulk/jobs/${job.id}` })).statusCode, 404);
  t.equal((await testApp.call(stranger.secret, { method: 'GET', url: `/v1/bulk/jobs/${job.id}/failures` })).statusCode, 404);
  const listed = (await testApp.call(stranger.secret, { method: 'GET', url: '/v1/bulk/jobs' })).json();
  t.same(listed.items, [], 'another provider lists none of it');
  const mine = (await testApp.call(provider.secret, { method: 'GET', url: '/v1/bulk/jobs' })).json();
  t.same(
    mine.items.map((item: Job) => item.id),
    [job.id],
  );
  t.equal((await getJob(testApp, job.id, provider.secret)).status, 'succeeded');
});

t.test('a job whose worker died resumes after its last committed chunk: each line imported once', async (t) => {
  // No worker: the test runs the task itself, and stops it after one chunk as a crash would.
  const testApp = await buildTestApp(t);
  const { db } = testApp.database;
  const settings = { catalog: new InstrumentCatalog(db), reassessmentMonths: 6 };
  const organizationId = (await makeOrganization(testApp)).id;
  const job = (await importFile(testApp, organizationId, file, { async: true })).json<Job>();
  t.equal(job.status, 'queued');

  await runJob(db, job.id, { settings, attempt: 1, maxAttempts: 5, chunks: 1 });
  const halfway = await getJob(testApp, job.id);
  t.equal(halfway.status, 'running');
  t.equal(halfway.processedLines, JOB_CHUNK_LINES, 'the first chunk committed: its lines, blank ones not counted');
  t.equal(
    (await db.selectFrom('clients').select('id').where('organization_id', '=', organizationId).execute()).length,
    halfway.totals.created,
    'with its records',
  );

  t.equal(await watchJob(db, job.id, new Date(Date.now() + STALE_AFTER_MS / 2)), 'alive', 'a fresh heartbeat is left alone');
  t.equal(await watchJob(db, job.id, new Date(Date.now() + 2 * STALE_AFTER_MS)), 'requeued', 'a stale one is queued again');
  t.equal((await getJob(testApp, job.id)).status, 'queued');

  await runJob(db, job.id, { settings, attempt: 1, maxAttempts: 5 });
  const done = await getJob(testApp, job.id);
  t.equal(done.status, 'succeeded');

  const sync = await buildTestApp(t, SYNCHRONOUS);
  const expected = (await importFile(sync, (await makeOrganization(sync)).id, file)).json();
  t.same(done.totals, expected.totals, 'the totals of one uninterrupted import');
  t.same(await failuresOf(testApp, job.id), syncFailures(expected), 'the failures of one uninterrupted import');
  const rows = await db.selectFrom('clients').select('external_id').where('organization_id', '=', organizationId).execute();
  t.equal(rows.length, expected.totals.created);
  t.equal(new Set(rows.map((row) => row.external_id)).size, rows.length, 'no client twice');
  t.equal(await watchJob(db, job.id), 'over');
});

t.test('a job whose key was revoked ends failed, saying why', async (t) => {
  const testApp = await buildTestApp(t);
  const { db } = testApp.database;
  const organizationId = (await makeOrganization(testApp)).id;
  const provider = await makeKey(testApp, 'provider', organizationId);
  const body = JSON.stringify({ externalId: 'R-1', ...clientBody() }) + '\n';
  const job = (await importFile(testApp, organizationId, body, { key: provider.secret, async: true })).json<Job>();
  t.equal((await testApp.call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${provider.id}` })).statusCode < 300, true);

  await runJob(db, job.id, { settings: { catalog: new InstrumentCatalog(db), reassessmentMonths: 6 }, attempt: 1, maxAttempts: 5 });
  const failed = await getJob(testApp, job.id);
  t.equal(failed.status, 'failed');
  t.equal(failed.error?.type, '/problems/import-job-credential-revoked');
  t.equal(failed.totals.created, 0);
});

t.test('an assessment job gives the totals and failures of a synchronous import too', async (t) => {
  /** A database with two clients and a staff member, and a file of their assessments over 600 days. */
  async function setUp(testApp: TestApp) {
    const organizationId = (await makeOrganization(testApp)).id;
    const staffId = (await makeStaff(testApp, organizationId)).id;
    const clients = ['A-1', 'A-2'].map((externalId) => JSON.stringify({ externalId, ...clientBody() })).join('\n');
    t.equal((await importFile(testApp, organizationId, clients)).statusCode, 200);
    const home: FormItem[] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
    const lines = Array.from({ length: JOB_CHUNK_LINES + 100 }, (_, index) =>
      JSON.stringify({
        clientExternalId: index % 2 ? 'A-2' : 'A-1',
        instrumentId: 'bfd-home-2019',
        assessedOn: new Date(Date.UTC(2020, 0, 1) + index * 86_400_000).toISOString().slice(0, 10),
        answers: answersScoring(home, index % 16),
        conductedBy: [staffId],
      }),
    );
    lines[4] = lines[4]!.replace('"A-1"', '"A-unknown"');
    lines[6] = lines[6]!.replace('"bfd-home-2019"', '7');
    lines[JOB_CHUNK_LINES + 50] = lines[1]!;
    return { organizationId, body: lines.join('\n') + '\n' };
  }
  const send = (testApp: TestApp, organizationId: string, body: string, async: boolean) =>
    testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/bulk/assessments?organizationId=${organizationId}`,
      headers: { 'content-type': 'application/x-ndjson', ...(async ? { prefer: 'respond-async' } : {}) },
      payload: body,
    });

  const sync = await buildTestApp(t);
  const syncFile = await setUp(sync);
  const expected = (await send(sync, syncFile.organizationId, syncFile.body, false)).json();

  const jobs = await buildTestApp(t, { JOBS_WORKER: 'true', JOBS_POLL_INTERVAL_MS: '100' });
  const jobFile = await setUp(jobs);
  const accepted = await send(jobs, jobFile.organizationId, jobFile.body, true);
  t.equal(accepted.statusCode, 202);
  const done = await finished(jobs, accepted.json<Job>().id);
  t.equal(done.status, 'succeeded');
  t.same(done.totals, expected.totals);
  const failures = await failuresOf(jobs, done.id);
  t.same(failures, syncFailures(expected));
  t.same(
    failures.map(({ line }) => line),
    [5, 7, JOB_CHUNK_LINES + 51],
  );
});

t.test('a job that keeps meeting a fault of the service is retried, then ends failed, saying why', async (t) => {
  const testApp = await buildTestApp(t);
  const { db } = testApp.database;
  const organizationId = (await makeOrganization(testApp)).id;
  const accepted = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/bulk/assessments?organizationId=${organizationId}`,
    headers: { 'content-type': 'application/x-ndjson', prefer: 'respond-async' },
    payload: '{}\n',
  });
  const { id } = accepted.json<Job>();
  // The forms cannot be read: a fault of the service, not of the file.
  const broken = { catalog: { all: () => Promise.reject(new Error('the catalog is unreachable')) }, reassessmentMonths: 6 };
  const settings = broken as unknown as Parameters<typeof runJob>[2]['settings'];

  await t.rejects(runJob(db, id, { settings, attempt: 1, maxAttempts: 2 }), /unreachable/, 'thrown, for the queue to retry');
  t.equal((await getJob(testApp, id)).status, 'queued', 'waiting for its retry');
  await runJob(db, id, { settings, attempt: 2, maxAttempts: 2 });
  const failed = await getJob(testApp, id);
  t.equal(failed.status, 'failed');
  t.equal(failed.error?.type, '/problems/import-job-abandoned');
  t.equal(failed.processedLines, 0);
});
