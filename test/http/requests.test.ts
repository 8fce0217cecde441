import { Writable } from 'node:stream';
import t from 'tap';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { loggerOptions } from '../../src/logger.js';
import { API_HEADERS } from '../../src/http/security-headers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { checkAnswersAgainstContract } from '../helpers/contract-answers.js';
import { createTestDatabase } from '../helpers/database.js';

t.test('request ids, logs and the HTTP surface', async (t) => {
  const database = await createTestDatabase();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const { transport: _pretty, ...options } = loggerOptions('info') as Record<string, unknown>;
  const logger = pino(options, sink);
  const config = loadConfig({ DATABASE_URL: database.url, API_ADMIN_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '5' });
  const app = await buildApp({ config, db: database.db, logger });
  checkAnswersAgainstContract(app);
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });

  t.test('a caller’s X-Request-Id is used in the logs and returned', async (t) => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/staff?limit=5',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-request-id': 'trace-42.a' },
    });
    t.equal(response.headers['x-request-id'], 'trace-42.a');
    const logged = lines.map((line) => JSON.parse(line)).filter((line) => line.reqId === 'trace-42.a');
    t.match(logged, [
      { msg: 'request completed', req: { method: 'GET', url: '/v1/staff?limit=5' }, res: { statusCode: 200 }, responseTime: Number },
    ]);
    t.equal(logged.length, 1, 'one line a request, once answered');
  });

  t.test('an unusable X-Request-Id is replaced by a generated one', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'bad id\nforged' } });
    t.match(response.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  });

  t.test('logs keep the key and personal data out', async (t) => {
    lines.length = 0;
    await app.inject({
      method: 'GET',
      url: '/v1/staff?snils=11223344595&lastName=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const text = lines.join('\n');
    t.ok(text.length > 0, 'the request was logged');
    t.notMatch(text, ADMIN_KEY);
    t.notMatch(text, '11223344595');
    t.notMatch(text, /%D0%98|Иванов/);
    t.match(text, 'snils=redacted');
  });

  t.test('unknown routes are 404 problems', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/v2/nothing' });
    t.equal(response.statusCode, 404);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(response.json(), { status: 404, title: 'No such operation', type: '/problems/route-not-found' });
  });

  t.test('Swagger UI and the contract are served without a key and without the internet', async (t) => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    t.equal(page.statusCode, 200);
    t.match(page.body, /swagger-ui/);
    t.notMatch(page.body, /https?:\/\/(?!127\.0\.0\.1)[a-z]/i, 'no external asset');
    const bundle = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    t.equal(bundle.statusCode, 200);
    const contract = await app.inject({ method: 'GET', url: '/openapi.json' });
    t.equal(contract.json().openapi, '3.1.0');
  });

  t.test('security headers: an answer gets what no browser may render or frame, a page helmet’s', async (t) => {
    const answer = await app.inject({ method: 'GET', url: '/health/live' });
    t.same(
      Object.keys(answer.headers).filter((name) => name in API_HEADERS),
      Object.keys(API_HEADERS),
    );
    t.equal(answer.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
    t.equal(answer.headers['x-content-type-options'], 'nosniff');
    t.notOk(answer.headers['cross-origin-opener-policy'], 'nothing that governs a page');
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    t.match(page.headers['content-security-policy'], /default-src 'self'/);
    t.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    t.equal(page.headers['x-content-type-options'], 'nosniff');
  });

  t.test('requests beyond the per-key rate are 429 problems with Retry-After', async (t) => {
    const key = { authorization: 'Bearer some-unknown-key-for-rate-limiting' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/staff', headers: key })).statusCode);
    t.same(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    const limited = await app.inject({ method: 'GET', url: '/v1/staff', headers: key });
    t.equal(limited.statusCode, 429);
    t.ok(limited.headers['retry-after']);
    t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
    const otherKey = await app.inject({ method: 'GET', url: '/v1/staff', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    t.not(otherKey.statusCode, 429, 'another key has its own budget');
  });
});

t.test('browsers may call only from the origins in CORS_ORIGINS', async (t) => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS: 'https://portal.example' });
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/clients',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
  const allowed = await preflight('https://portal.example');
  t.equal(allowed.headers['access-control-allow-origin'], 'https://portal.example');
  const foreign = await preflight('https://elsewhere.example');
  t.notOk(foreign.headers['access-control-allow-origin'], 'no Access-Control-Allow-Origin for another origin');
  const read = await app.inject({
    method: 'GET',
    url: '/v1/clients',
    headers: { origin: 'https://elsewhere.example', authorization: `Bearer ${ADMIN_KEY}` },
  });
  t.notOk(read.headers['access-control-allow-origin'], 'nor on the answer itself');
  t.notOk(read.headers['access-control-allow-credentials']);
});

t.test('without CORS_ORIGINS no origin is allowed', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject({
    method: 'OPTIONS',
    url: '/v1/clients',
    headers: { origin: 'https://portal.example', 'access-control-request-method': 'GET' },
  });
  t.notOk(response.headers['access-control-allow-origin']);
});
