import { createHash } from 'node:crypto';
import t from 'tap';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeKey, makeOrganization } from '../helpers/factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const PROBLEM = 'application/problem+json; charset=utf-8';

function keyRow({ database }: TestApp, id: string) {
  return database.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

async function keyCount({ database }: TestApp): Promise<number> {
  const { n } = await database.db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

const listedIds = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

t.test('POST /v1/api-keys', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const hospital = await makeOrganization(testApp, { kind: 'medical' });
  const create = (payload: Record<string, unknown>) =>
    call(ADMIN_KEY, { method: 'POST', url: '/v1/api-keys', payload: { name: 'ключ', ...payload } });

  t.test('answers the secret once and stores only its 32-byte SHA-256', async (t) => {
    const response = await create({ name: 'Региональная информационная система', role: 'regional' });
    t.equal(response.statusCode, 201);
    t.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    t.match(body, { id: String, name: 'Региональная информационная система', role: 'regional', organizationId: null, revokedAt: null });
    t.match(body.secret, /^ltc_[A-Za-z0-9_-]{43}$/);

    const row = await keyRow(testApp, body.id);
    t.ok(row, 'the key is stored');
    t.ok(Buffer.isBuffer(row?.secret_hash));
    t.equal(row?.secret_hash.length, 32);
    t.same(row?.secret_hash, createHash('sha256').update(body.secret, 'utf8').digest(), 'the hash is the SHA-256 of the secret');
    for (const [column, value] of Object.entries(row ?? {})) {
      const text = Buffer.isBuffer(value) ? value.toString('utf8') + value.toString('hex') + value.toString('base64') : String(value);
      t.notOk(text.includes(body.secret), `column ${column} does not hold the secret`);
      t.notOk(text.includes(body.secret.slice(4)), `column ${column} does not hold the secret without its prefix`);
    }
  });

  t.test('every answer carries a different secret', async (t) => {
    const first = (await create({ role: 'regional' })).json();
    const second = (await create({ role: 'regional' })).json();
    t.not(first.secret, second.secret);
    t.not(first.id, second.id);
  });

  t.test('a provider key without organizationId is a 422 naming /organizationId and stores nothing', async (t) => {
    const before = await keyCount(testApp);
    const response = await create({ role: 'provider' });
    t.equal(response.statusCode, 422);
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.json().errors, [{ in: 'body', pointer: '/organizationId' }]);
    t.equal(await keyCount(testApp), before);
  });

  t.test('an admin key with an organizationId is a 422 naming /organizationId and stores nothing', async (t) => {
    const before = await keyCount(testApp);
    const response = await create({ role: 'admin', organizationId: center.id });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ in: 'body', pointer: '/organizationId' }]);
    t.equal(await keyCount(testApp), before);
  });

  t.test('a regional key with an organizationId is a 422 naming /organizationId', async (t) => {
    const response = await create({ role: 'regional', organizationId: center.id });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ pointer: '/organizationId' }]);
  });

  t.test('a provider key for a medical organization is a 422 naming /organizationId and stores nothing', async (t) => {
    const before = await keyCount(testApp);
    const response = await create({ role: 'provider', organizationId: hospital.id });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ in: 'body', pointer: '/organizationId' }]);
    t.equal(await keyCount(testApp), before);
  });

  t.test('a provider key for an unknown organization is a 422 naming /organizationId', async (t) => {
    const response = await create({ role: 'provider', organizationId: UNKNOWN_ID });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ pointer: '/organizationId' }]);
  });

  t.test('a medical_partner key for a social-service organization is a 422 naming /organizationId', async (t) => {
    const response = await create({ role: 'medical_partner', organizationId: center.id });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ pointer: '/organizationId' }]);
  });

  t.test('a medical_partner key for a medical organization is created', async (t) => {
    const response = await create({ role: 'medical_partner', organizationId: hospital.id });
    t.equal(response.statusCode, 201);
    t.match(response.json(), { role: 'medical_partner', organizationId: hospital.id });
    const row = await keyRow(testApp, response.json().id);
    t.equal(row?.role, 'medical_partner');
    t.equal(row?.organization_id, hospital.id);
  });

  t.test('a provider key for a social-service organization is created', async (t) => {
    const response = await create({ role: 'provider', organizationId: center.id });
    t.equal(response.statusCode, 201);
    t.equal((await keyRow(testApp, response.json().id))?.organization_id, center.id);
  });

  t.test('an unknown role is a 400 naming /role', async (t) => {
    const response = await create({ role: 'superuser' });
    t.equal(response.statusCode, 400);
    t.match(response.json().errors, [{ in: 'body', pointer: '/role' }]);
  });

  t.test('an Idempotency-Key is not honoured here, so no copy of the secret is kept for replays', async (t) => {
    const send = () =>
      call(ADMIN_KEY, {
        method: 'POST',
        url: '/v1/api-keys',
        headers: { 'idempotency-key': 'key-creation-1' },
        payload: { name: 'Повтор', role: 'regional' },
      });
    const first = await send();
    const second = await send();
    t.equal(first.statusCode, 201);
    t.equal(second.statusCode, 201);
    t.not(second.headers['idempotent-replayed'], 'true');
    t.not(first.json().secret, second.json().secret, 'each request makes its own key');
    const kept = await testApp.database.db.selectFrom('idempotency_keys').selectAll().where('route', '=', '/v1/api-keys').execute();
    t.same(kept, [], 'nothing stored for key creation');
  });
});

t.test('GET /v1/api-keys', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const regional = await makeKey(testApp, 'regional');
  const provider = await makeKey(testApp, 'provider', center.id);
  const revoked = await makeKey(testApp, 'regional');
  t.equal((await call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${revoked.id}` })).statusCode, 200);

  t.test('lists the keys without any secret', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys' });
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.same(listedIds(body), [regional.id, provider.id]);
    for (const item of body.items) {
      t.notOk('secret' in item, 'no secret field');
      t.notOk('secretHash' in item || 'secret_hash' in item, 'no hash field');
    }
    t.notOk(response.body.includes('secret'), 'the word secret is nowhere in the answer');
    for (const key of [regional, provider, revoked]) t.notOk(response.body.includes(key.secret));
    t.match(body.items[1], { id: provider.id, role: 'provider', organizationId: center.id, revokedAt: null });
  });

  t.test('revoked keys are left out unless includeRevoked=true', async (t) => {
    const active = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys?includeRevoked=false' })).json();
    t.notOk(listedIds(active).includes(revoked.id));
    const all = await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys?includeRevoked=true' });
    t.equal(all.statusCode, 200);
    t.same(listedIds(all.json()), [regional.id, provider.id, revoked.id]);
    t.match(all.json().items[2], { id: revoked.id, revokedAt: String });
    t.notOk(all.body.includes('secret'));
  });
});

t.test('DELETE /v1/api-keys/:id', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);

  t.test('revokes at once: the next request with the key is a 401 and revoked_at is set', async (t) => {
    const { id, secret } = await makeKey(testApp, 'provider', center.id);
    t.equal((await call(secret, { method: 'GET', url: '/v1/staff' })).statusCode, 200, 'the key works before');
    const response = await call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${id}` });
    t.equal(response.statusCode, 200);
    t.match(response.json(), { id, revokedAt: String });
    t.notOk('secret' in response.json());
    const row = await keyRow(testApp, id);
    t.ok(row?.revoked_at instanceof Date, 'revoked_at is set');
    const refused = await call(secret, { method: 'GET', url: '/v1/staff' });
    t.equal(refused.statusCode, 401);
    t.equal(refused.headers['content-type'], PROBLEM);
    t.match(refused.headers['www-authenticate'], /^Bearer/);
  });

  t.test('revoking again keeps the first revocation time', async (t) => {
    const { id } = await makeKey(testApp, 'regional');
    const first = (await call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${id}` })).json();
    const second = await call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${id}` });
    t.equal(second.statusCode, 200);
    t.equal(second.json().revokedAt, first.revokedAt);
    t.equal((await keyRow(testApp, id))?.revoked_at?.toISOString(), first.revokedAt);
  });

  t.test('revoking an unknown id is a 404', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${UNKNOWN_ID}` });
    t.equal(response.statusCode, 404);
    t.equal(response.json().type, '/problems/not-found');
    t.equal(await keyRow(testApp, UNKNOWN_ID), undefined);
  });
});

t.test('API keys are for admins only', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const target = await makeKey(testApp, 'regional');
  const callers = {
    regional: await makeKey(testApp, 'regional'),
    provider: await makeKey(testApp, 'provider', center.id),
  };

  for (const [role, caller] of Object.entries(callers)) {
    t.test(`a ${role} key gets a 403 on create, list and revoke, and changes nothing`, async (t) => {
      const before = await keyCount(testApp);
      const created = await call(caller.secret, { method: 'POST', url: '/v1/api-keys', payload: { name: 'самовольный', role: 'admin' } });
      t.equal(created.statusCode, 403);
      t.equal(created.headers['content-type'], PROBLEM);
      t.equal(await keyCount(testApp), before, 'no key was created');

      const listed = await call(caller.secret, { method: 'GET', url: '/v1/api-keys' });
      t.equal(listed.statusCode, 403);
      t.notOk(listed.body.includes(target.id));

      const revoked = await call(caller.secret, { method: 'DELETE', url: `/v1/api-keys/${target.id}` });
      t.equal(revoked.statusCode, 403);
      t.equal((await keyRow(testApp, target.id))?.revoked_at, null, 'the key is not revoked');
    });
  }
});

t.test('authentication', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;

  t.test('a new key works at once', async (t) => {
    const { secret } = await makeKey(testApp, 'regional');
    const response = await call(secret, { method: 'GET', url: '/v1/organizations' });
    t.equal(response.statusCode, 200);
    t.type(response.json().items, Array);
  });

  t.test('last_used_at is set once the key is used', async (t) => {
    const { id, secret } = await makeKey(testApp, 'regional');
    t.equal((await keyRow(testApp, id))?.last_used_at, null, 'not used yet');
    t.equal((await call(secret, { method: 'GET', url: '/v1/organizations' })).statusCode, 200);
    const row = await keyRow(testApp, id);
    t.ok(row?.last_used_at instanceof Date, 'last_used_at is set');
    const listed = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/api-keys' })).json();
    t.equal(listed.items.find((item: { id: string }) => item.id === id)?.lastUsedAt, row?.last_used_at?.toISOString());
  });

  t.test('a request without Authorization is a 401 problem with WWW-Authenticate: Bearer', async (t) => {
    const response = await call(undefined, { method: 'GET', url: '/v1/organizations' });
    t.equal(response.statusCode, 401);
    t.equal(response.headers['www-authenticate'], 'Bearer');
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.json(), {
      type: '/problems/api-key-missing',
      title: 'API key missing',
      status: 401,
      detail: String,
      requestId: String,
    });
  });

  t.test('a malformed Authorization header (Basic) is a 401 problem', async (t) => {
    const response = await call(undefined, { method: 'GET', url: '/v1/organizations', headers: { authorization: 'Basic abc' } });
    t.equal(response.statusCode, 401);
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.headers['www-authenticate'], /^Bearer/);
    t.equal(response.json().status, 401);
  });

  t.test('an unknown bearer key is a 401 problem', async (t) => {
    const response = await call('ltc_this-key-was-never-issued-by-the-registry-00', { method: 'GET', url: '/v1/organizations' });
    t.equal(response.statusCode, 401);
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.headers['www-authenticate'], /^Bearer/);
  });
});
