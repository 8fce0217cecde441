/*
 * Imports over real sockets: an upload that stalls or is cut off gives its database connection
 * back, and a long import of bad lines leaves the service answering everyone else.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import t from 'tap';
import { UPLOAD_IDLE_MS } from '../../src/bulk/service.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { clientBody, makeOrganization } from '../helpers/factories.js';

interface Answer {
  status: number;
  body: string;
}

/** A POST whose body the test writes piece by piece; `answer` settles when the response has ended. */
function upload(port: number, path: string) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/x-ndjson' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
  return { request, answer };
}

function get(port: number, path: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${ADMIN_KEY}` } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      })
      .on('error', reject);
  });
}

/** Transactions the service has open on the test's database, as PostgreSQL reports them. */
async function openTransactions(testApp: TestApp): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    SELECT count(*)::int AS count FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`.execute(testApp.database.db);
  return rows[0]!.count;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

const withinMs = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);

t.test('POST /v1/bulk/clients over a socket', async (t) => {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = testApp.app.server.address() as AddressInfo;
  const path = `/v1/bulk/clients?organizationId=${organizationId}`;
  const lines = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, index) => `${JSON.stringify({ externalId: `${prefix}-${index}`, ...clientBody() })}\n`).join('');
  const stored = async (prefix: string) =>
    (await testApp.database.db.selectFrom('clients').select('id').where('external_id', 'like', `${prefix}-%`).execute()).length;

  t.test('an upload that stops arriving is a 408 after the idle limit and frees its connection', async (t) => {
    const { request, answer } = upload(port, path);
    t.teardown(() => request.destroy());
    request.write(lines('STALL', 1500));
    await until(async () => (await openTransactions(testApp)) === 1, 'the import holds its transaction', 30_000);
    const answered = await withinMs(answer, UPLOAD_IDLE_MS + 5000);
    if (answered === 'no answer') return t.fail(`no answer ${UPLOAD_IDLE_MS + 5000} ms after the body stopped`);
    t.equal(answered.status, 408);
    t.equal(JSON.parse(answered.body).type, '/problems/upload-stalled');
    t.equal(await openTransactions(testApp), 0, 'no transaction left open');
    t.equal(await stored('STALL'), 0, 'the lines written before the stall were rolled back');
  });

  t.test('an upload cut off mid-way rolls back and frees its connection at once', async (t) => {
    const { request, answer } = upload(port, path);
    answer.catch(() => undefined);
    request.write(lines('CUT', 1500));
    await until(async () => (await openTransactions(testApp)) === 1, 'the import holds its transaction', 30_000);
    request.destroy();
    // Well before the idle limit: the abort itself ends the import, not the stall timer.
    const waited = await until(async () => (await openTransactions(testApp)) === 0, 'the transaction ends', UPLOAD_IDLE_MS / 2);
    t.ok(waited < UPLOAD_IDLE_MS / 2, `released ${waited} ms after the socket closed`);
    t.equal(await stored('CUT'), 0);
  });

  t.test('other callers are served while 300,000 bad lines are imported', async (t) => {
    const { request, answer } = upload(port, path);
    const client = (
      await testApp.call(ADMIN_KEY, { method: 'POST', url: '/v1/clients', payload: { organizationId, ...clientBody() } })
    ).json();
    let sending = true;
    const sent = (async () => {
      const piece = '{}\n'.repeat(50_000);
      for (let index = 0; index < 6; index++) {
        if (!request.write(piece)) await new Promise((resolve) => request.once('drain', resolve));
      }
      request.end();
      sending = false;
    })();
    const reads: Array<{ status: number }> = [];
    while (sending) reads.push(await get(port, `/v1/clients/${client.id}`));
    await sent;
    const answered = await withinMs(answer, 60_000);
    if (answered === 'no answer') return t.fail('the import did not answer within a minute');
    t.equal(answered.status, 200);
    const body = JSON.parse(answered.body);
    t.same(body.totals, { lines: 300_000, created: 0, updated: 0, unchanged: 0, failed: 300_000 });
    t.equal(body.failuresOmitted, 299_000);
    t.ok(reads.length > 0, `${reads.length} reads while the import ran`);
    // How fast they were is the benchmark's to say; here, that they were answered meanwhile at all.
    t.ok(
      reads.every((read) => read.status === 200),
      'every read answered 200',
    );
  });
});
