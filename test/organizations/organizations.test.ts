import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeKey, makeOrganization } from '../helpers/factories.js';

const valid = {
  name: 'ОБУСО «Ивановский комплексный центр социального обслуживания населения»',
  shortName: 'ОБУСО «Ивановский КЦСОН»',
  kind: 'social_service',
  regionCode: '37',
  inn: '7707083893',
  address: '153012, г. Иваново, пер. Свободный, д. 4',
};

t.test('POST /v1/organizations', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;

  t.test('creates an organization and stores every field', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/organizations', payload: valid });
    t.equal(response.statusCode, 201);
    const body = response.json();
    t.match(body, { ...valid, id: String });
    t.equal(response.headers.location, `/v1/organizations/${body.id}`);
    t.equal(response.headers.etag, '"1"');
    const row = await database.db.selectFrom('organizations').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    t.equal(row.name, valid.name);
    t.equal(row.inn, valid.inn);
  });

  t.test('an INN with wrong check digits is a 422 naming /inn', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/organizations', payload: { ...valid, inn: '7707083894' } });
    t.equal(response.statusCode, 422);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(response.json().errors, [{ pointer: '/inn' }]);
  });

  t.test('a second organization with the same INN is a 409', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/organizations', payload: { ...valid, name: 'Другая' } });
    t.equal(response.statusCode, 409);
    t.match(response.json().detail, /INN 7707083893/);
  });

  t.test('unknown fields, wrong types and a missing name are each named', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/organizations',
      payload: { kind: 'school', regionCode: 37, colour: 'red' },
    });
    t.equal(response.statusCode, 400);
    const pointers = response
      .json()
      .errors.map((error: { pointer: string }) => error.pointer)
      .sort();
    t.same(pointers, ['/colour', '/kind', '/name', '/regionCode']);
    t.match(
      response.json().errors.find((e: { pointer: string }) => e.pointer === '/kind'),
      {
        message: 'must be one of: social_service, medical',
      },
    );
  });

  t.test('a body over the limit is a 413 problem', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/organizations',
      payload: { ...valid, address: 'x'.repeat(1024 * 1024 + 10) },
    });
    t.equal(response.statusCode, 413);
    t.equal(response.json().status, 413);
  });

  t.test('a body that is not JSON is a 400; another content type a 415', async (t) => {
    const broken = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/organizations',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    t.equal(broken.statusCode, 400);
    t.equal(broken.headers['content-type'], 'application/problem+json; charset=utf-8');
    const xml = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/organizations',
      headers: { 'content-type': 'application/xml' },
      payload: '<organization/>',
    });
    t.equal(xml.statusCode, 415);
  });
});

t.test('GET and PATCH /v1/organizations/:id', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organization = await makeOrganization(testApp);
  const url = `/v1/organizations/${organization.id}`;

  t.test('an update with the current ETag applies and bumps the ETag', async (t) => {
    const read = await call(ADMIN_KEY, { method: 'GET', url });
    const etag = read.headers.etag as string;
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': etag },
      payload: { address: 'г. Кострома' },
    });
    t.equal(response.statusCode, 200);
    t.equal(response.json().address, 'г. Кострома');
    t.not(response.headers.etag, etag);
  });

  t.test('a stale If-Match is a 412 and changes nothing', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': '"1"' },
      payload: { address: 'г. Иваново' },
    });
    t.equal(response.statusCode, 412);
    const read = await call(ADMIN_KEY, { method: 'GET', url });
    t.equal(read.json().address, 'г. Кострома');
  });

  t.test('an update without If-Match is a 428', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, payload: { address: 'x' } });
    t.equal(response.statusCode, 428);
  });

  t.test('an unknown id is a 404 problem; a malformed id a 400', async (t) => {
    const missing = await call(ADMIN_KEY, { method: 'GET', url: '/v1/organizations/00000000-0000-4000-8000-000000000000' });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().type, '/problems/not-found');
    const malformed = await call(ADMIN_KEY, { method: 'GET', url: '/v1/organizations/42' });
    t.equal(malformed.statusCode, 400);
    t.match(malformed.json().errors, [{ in: 'params', pointer: '/id' }]);
  });

  t.test('of two concurrent updates with the same ETag exactly one wins', async (t) => {
    const etag = (await call(ADMIN_KEY, { method: 'GET', url })).headers.etag as string;
    const attempts = await Promise.all(
      ['А', 'Б', 'В', 'Г'].map((name) => call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': etag }, payload: { name } })),
    );
    t.same(attempts.map((response) => response.statusCode).sort(), [200, 412, 412, 412]);
  });
});

t.test('If-Match with * or a list of ETags (RFC 9110)', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organization = await makeOrganization(testApp);
  const url = `/v1/organizations/${organization.id}`;
  const patch = (ifMatch: string, address: string) =>
    call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': ifMatch }, payload: { address } });
  const current = async () => {
    const read = await call(ADMIN_KEY, { method: 'GET', url });
    return { etag: read.headers.etag as string, address: read.json().address as string };
  };

  t.test('* updates whatever the current version is', async (t) => {
    const response = await patch('*', 'г. Шуя');
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"2"');
    t.same(await current(), { etag: '"2"', address: 'г. Шуя' });
  });

  t.test('a list updates when any of its ETags is the current one', async (t) => {
    const response = await patch('"1", "2", W/"7"', 'г. Кинешма');
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"3"');
    t.same(await current(), { etag: '"3"', address: 'г. Кинешма' });
  });

  t.test('a list without the current ETag is a 412 and changes nothing', async (t) => {
    for (const ifMatch of ['"1", "2"', '"1", "x3"', '"3" "4"', '3']) {
      const response = await patch(ifMatch, 'г. Вичуга');
      t.equal(response.statusCode, 412, ifMatch);
      t.equal(response.json().type, '/problems/stale-version', ifMatch);
    }
    t.same(await current(), { etag: '"3"', address: 'г. Кинешма' });
  });

  t.test('* on an unknown organization is a 404', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: '/v1/organizations/00000000-0000-4000-8000-000000000000',
      headers: { 'if-match': '*' },
      payload: { address: 'x' },
    });
    t.equal(response.statusCode, 404);
  });
});

t.test('a provider sees only its own organization', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const own = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const { secret } = await makeKey(testApp, 'provider', own.id);

  const list = await call(secret, { method: 'GET', url: '/v1/organizations' });
  t.same(
    list.json().items.map((item: { id: string }) => item.id),
    [own.id],
  );
  t.equal((await call(secret, { method: 'GET', url: `/v1/organizations/${own.id}` })).statusCode, 200);
  t.equal((await call(secret, { method: 'GET', url: `/v1/organizations/${other.id}` })).statusCode, 404);
});
