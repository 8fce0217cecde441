import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeOrganization } from '../helpers/factories.js';

const UUID = '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1';

/** What a raw connection answers to `request`: node's HTTP parser refuses before Fastify or inject take part. */
function rawExchange(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server closes after its answer; a reset after it (unread request bytes) still leaves the answer read.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      if (!status) reject(new Error(`no HTTP answer: ${JSON.stringify(text)}`));
      else resolve({ status, headers: head.toLowerCase(), body });
    });
    socket.write(request);
  });
}

t.test('input PostgreSQL cannot take is refused before it, naming the field', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const refused = async (
    t: Test,
    options: { method: 'GET' | 'POST'; url: string; payload?: object },
    errors: Array<{ in: string; pointer: string }>,
  ) => {
    const response = await call(ADMIN_KEY, options);
    t.equal(response.statusCode, 400, `${options.method} ${options.url}`);
    t.equal(response.json().type, '/problems/invalid-request');
    t.match(response.json().errors, errors);
    t.equal(response.json().errors.length, errors.length, 'only the offending fields');
    t.notMatch(response.body, /\/problems\/\d|22021|22008|invalid byte sequence|out of range/, 'no PostgreSQL text or code');
    return response.json();
  };

  t.test('U+0000 in a query parameter is a 400 naming the parameter (issue 14.6: ?name=%00)', async (t) => {
    await refused(t, { method: 'GET', url: '/v1/clients?name=%00' }, [{ in: 'querystring', pointer: '/name' }]);
    await refused(t, { method: 'GET', url: '/v1/clients?name=%D0%98%00%D0%B2' }, [{ in: 'querystring', pointer: '/name' }]);
  });

  t.test('a month is from 2000-01 to 2100-12 (issue 14.6: month 0001-01, year 0000)', async (t) => {
    for (const month of ['0001-01', '0000-01', '1999-12', '2101-01']) {
      await refused(t, { method: 'POST', url: '/v1/monitoring-reports', payload: { organizationId, month } }, [
        { in: 'body', pointer: '/month' },
      ]);
      await refused(t, { method: 'GET', url: `/v1/monitoring-reports?fromMonth=${month}` }, [{ in: 'querystring', pointer: '/fromMonth' }]);
    }
    const inRange = await call(ADMIN_KEY, { method: 'GET', url: '/v1/monitoring-reports?fromMonth=2000-01&toMonth=2100-12' });
    t.equal(inRange.statusCode, 200, 'the edges themselves are months');
  });

  t.test('a session starts from 2000 to 2100 (issue 14.6: years 0 and 9999)', async (t) => {
    const session = (startsAt: string) => ({
      method: 'POST' as const,
      url: '/v1/activities',
      payload: { organizationId, activityTypeId: UUID, startsAt, responsibleStaff: [UUID] },
    });
    for (const startsAt of [
      '0000-01-01T10:00:00Z',
      '0001-01-01T10:00:00+03:00',
      '9999-12-31T10:00:00+03:00',
      '2101-01-01T03:00:00+03:00',
    ]) {
      const problem = await refused(t, session(startsAt), [{ in: 'body', pointer: '/startsAt' }]);
      t.equal(problem.errors[0].message, 'must be a moment in the years 2000 to 2100', startsAt);
    }
    await refused(t, { method: 'GET', url: '/v1/activities?from=0000-01-01T00:00:00Z' }, [{ in: 'querystring', pointer: '/from' }]);
  });

  t.test('a calendar date is from 1900-01-01 to 2100-12-31', async (t) => {
    const client = (birthDate: string) => ({
      method: 'POST' as const,
      url: '/v1/clients',
      payload: {
        organizationId,
        lastName: 'Датова',
        firstName: 'Анна',
        birthDate,
        sex: 'female',
        snils: '112-233-445 95',
        careForm: 'home',
        livingSituation: 'lonely',
        socialSupport: 2,
      },
    });
    t.match((await refused(t, client('1899-12-31'), [{ in: 'body', pointer: '/birthDate' }])).errors, [
      { message: 'must be a day from 1900-01-01 to 2100-12-31' },
    ]);
    await refused(t, client('0000-01-01'), [{ in: 'body', pointer: '/birthDate' }]);
    await refused(t, { method: 'GET', url: '/v1/reports/long-term-care?asOf=2101-01-01' }, [{ in: 'querystring', pointer: '/asOf' }]);
  });

  t.test('a name of only a zero-width space or other invisible characters is blank (issue 14.10)', async (t) => {
    for (const name of ['\u200B', '\u200B\u200D \uFEFF', '\u2060\u00AD', '\u200E']) {
      await refused(t, { method: 'POST', url: '/v1/organizations', payload: { name, kind: 'social_service', regionCode: '37' } }, [
        { in: 'body', pointer: '/name' },
      ]);
    }
    const visible = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/organizations',
      payload: { name: '\u200BЦентр', kind: 'social_service', regionCode: '37' },
    });
    t.equal(visible.statusCode, 201, 'a name with a visible character is a name');
  });
});

t.test('If-Match compares strongly: a weak ETag matches no version (issue 14.10)', async (t) => {
  const testApp = await buildTestApp(t);
  const { id } = await makeOrganization(testApp);
  const patch = (ifMatch: string) =>
    testApp.call(ADMIN_KEY, {
      method: 'PATCH',
      url: `/v1/organizations/${id}`,
      headers: { 'if-match': ifMatch },
      payload: { address: 'г. Шуя' },
    });
  const weak = await patch('W/"1"');
  t.equal(weak.statusCode, 412);
  t.equal(weak.json().type, '/problems/stale-version');
  t.equal((await patch('W/"1", "1"')).statusCode, 200, 'the strong tag in the same list still matches');
});

t.test('errors node’s HTTP parser raises before routing are problem+json too (issue 14.7)', async (t) => {
  const { app } = await buildTestApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  t.test('a request line beyond the header limit is a 431', async (t) => {
    const answer = await rawExchange(port, `GET /v1/clients?name=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    t.equal(answer.status, 431);
    t.match(answer.headers, 'content-type: application/problem+json');
    t.match(JSON.parse(answer.body), { type: '/problems/headers-too-large', status: 431, title: 'Request header fields too large' });
  });

  t.test('a malformed header line is a 400 problem', async (t) => {
    const answer = await rawExchange(port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nthis is no header\r\n\r\n');
    t.equal(answer.status, 400);
    t.match(answer.headers, 'content-type: application/problem+json');
    t.match(JSON.parse(answer.body), { type: '/problems/invalid-request', status: 400, detail: 'The request is not valid HTTP/1.1.' });
    t.notMatch(answer.body, 'Client Error');
  });

  t.test('the same server still answers well-formed requests', async (t) => {
    const answer = await rawExchange(port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    t.equal(answer.status, 200);
  });
});
