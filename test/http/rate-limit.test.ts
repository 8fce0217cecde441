/*
 * Issue 14, item 4: the rate limit is kept per credential, that is per key as authentication reads
 * it from the Authorization header, not per spelling of the header.
 */
import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeKey } from '../helpers/factories.js';

const BUDGET = 3;

t.test('the rate limit', async (t) => {
  const testApp = await buildTestApp(t, { RATE_LIMIT_PER_MINUTE: String(BUDGET) });
  const { app } = testApp;
  const list = (authorization?: string) =>
    app.inject({ method: 'GET', url: '/v1/organizations', headers: authorization ? { authorization } : {} });

  t.test('`Bearer K`, `bearer K`, `BEARER K` and `Bearer  K` spend one budget: the fourth is a 429', async (t) => {
    const { secret } = await makeKey(testApp, 'regional');
    const spellings = [`Bearer ${secret}`, `bearer ${secret}`, `BEARER ${secret}`, `Bearer  ${secret}`];
    const statuses: number[] = [];
    for (const authorization of spellings) statuses.push((await list(authorization)).statusCode);
    t.same(statuses, [200, 200, 200, 429]);
    const refused = await list(`Bearer ${secret}`);
    t.equal(refused.statusCode, 429, 'and the key stays refused in any spelling');
    t.equal(refused.json().type, '/problems/rate-limited');
  });

  t.test('another key has a budget of its own', async (t) => {
    const { secret } = await makeKey(testApp, 'regional');
    for (let i = 0; i < BUDGET; i++) await list(`bearer ${secret}`);
    t.equal((await list(`Bearer ${secret}`)).statusCode, 429, 'this key has spent its budget');
    t.equal((await list(`Bearer ${ADMIN_KEY}`)).statusCode, 200, 'the admin key has not');
  });

  t.test('calls without a readable key share the budget of their address', async (t) => {
    const statuses: number[] = [];
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer two words'])
      statuses.push((await list(authorization)).statusCode);
    t.same(statuses, [401, 401, 401, 429]);
  });
});
