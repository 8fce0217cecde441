import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeKey, makeOrganization } from '../helpers/factories.js';

t.test('API keys', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const center = await makeOrganization(testApp);
  const hospital = await makeOrganization(testApp, { kind: 'medical' });

  t.test('the secret is answered once and only its SHA-256 is stored', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/api-keys', payload: { name: 'РИС', role: 'regional' } });
    t.equal(response.statusCode, 201);
    const { id, secret } = response.json();
    t.match(secret, /^ltc_[A-Za-z0-9_-]{43}$/);
    const row = await database.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    t.equal(row.secret_hash.length, 32);
    t.notOk(JSON.stringify(row).includes(secret), 'no column holds the secret');
    const list = await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys' });
    t.notOk(list.body.includes('secret'), 'lists never carry secrets');
  });

  t.test('a key works at once and records its use', async (t) => {
    const { id, secret } = await makeKey(testApp, 'regional');
    t.equal((await call(secret, { method: 'GET', url: '/v1/organizations' })).statusCode, 200);
    const row = await database.db.selectFrom('api_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    t.ok(row.last_used_at);
  });

  t.test('organization rules of the roles', async (t) => {
    const create = (payload: Record<string, unknown>) => call(ADMIN_KEY, { method: 'POST', url: '/v1/api-keys', payload: { name: 'k', ...payload } });
    const pointer = async (payload: Record<string, unknown>) => {
      const response = await create(payload);
      t.equal(response.statusCode, 422, JSON.stringify(payload));
      t.match(response.json().errors, [{ pointer: '/organizationId' }]);
    };
    await pointer({ role: 'provider' });
    await pointer({ role: 'admin', organizationId: center.id });
    await pointer({ role: 'provider', organizationId: hospital.id });
    await pointer({ role: 'medical_partner', organizationId: center.id });
    t.equal((await create({ role: 'medical_partner', organizationId: hospital.id })).statusCode, 201);
    t.equal((await create({ role: 'provider', organizationId: center.id })).statusCode, 201);
  });

  t.test('revocation is effective immediately and kept in the list on request', async (t) => {
    const { id, secret } = await makeKey(testApp, 'provider', center.id);
    t.equal((await call(secret, { method: 'GET', url: '/v1/staff' })).statusCode, 200);
    const revoked = await call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${id}` });
    t.equal(revoked.statusCode, 200);
    t.ok(revoked.json().revokedAt);
    const refused = await call(secret, { method: 'GET', url: '/v1/staff' });
    t.equal(refused.statusCode, 401);
    t.match(refused.headers['www-authenticate'], /Bearer/);
    const active = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys' })).json().items.map((key: { id: string }) => key.id);
    t.notOk(active.includes(id));
    const all = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys?includeRevoked=true' })).json().items.map((key: { id: string }) => key.id);
    t.ok(all.includes(id));
    t.equal((await call(ADMIN_KEY, { method: 'DELETE', url: '/v1/api-keys/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
  });

  t.test('a malformed Authorization header is a 401 problem', async (t) => {
    const response = await call(undefined, { method: 'GET', url: '/v1/staff', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    t.equal(response.statusCode, 401);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  });
});
