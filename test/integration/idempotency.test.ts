import { sql } from 'kysely';
import t from 'tap';
import { requestHash } from '../../src/integration/idempotency.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeKey, makeOrganization, makeSnils } from '../helpers/factories.js';

t.test('Idempotency-Key on creates', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const body = () => ({
    organizationId,
    lastName: 'Повторова',
    firstName: 'Анна',
    birthDate: '1944-02-02',
    sex: 'female',
    snils: makeSnils(),
    careForm: 'home',
    livingSituation: 'lonely',
    socialSupport: 2,
  });
  const create = (key: string, payload: object, apiKey = ADMIN_KEY) =>
    call(apiKey, { method: 'POST', url: '/v1/clients', headers: { 'idempotency-key': key }, payload });
  const count = async () => (await database.db.selectFrom('clients').select('id').where('last_name', '=', 'Повторова').execute()).length;

  t.test('the same key and body answer the first result again, without a second record', async (t) => {
    const payload = body();
    const first = await create('key-1', payload);
    t.equal(first.statusCode, 201);
    const again = await create('key-1', payload);
    t.equal(again.statusCode, 201);
    t.equal(again.body, first.body);
    t.equal(again.headers.location, first.headers.location);
    t.equal(again.headers.etag, first.headers.etag);
    t.equal(again.headers['idempotent-replayed'], 'true');
    t.equal(await count(), 1);
    const audited = await database.db.selectFrom('audit_events').select('id').where('resource_id', '=', first.json().id).execute();
    t.equal(audited.length, 1, 'a replay is not a second write in the trail either');
  });

  t.test('the same body with its members in another order is the same request: a replay', async (t) => {
    // Another name, so that the other cases' count of records stays theirs.
    const payload = { ...body(), lastName: 'Переставленная' };
    const first = await create('key-reordered', payload);
    t.equal(first.statusCode, 201);
    const reordered = Object.fromEntries(Object.entries(payload).reverse());
    t.not(JSON.stringify(reordered), JSON.stringify(payload), 'the bodies differ as sent');
    const again = await create('key-reordered', reordered);
    t.equal(again.statusCode, 201);
    t.equal(again.headers['idempotent-replayed'], 'true');
    t.equal(again.body, first.body);
  });

  t.test('the same key with another body is a 422', async (t) => {
    const response = await create('key-1', body());
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ in: 'headers', pointer: '/idempotency-key' }]);
    t.equal(await count(), 1);
  });

  t.test('a refused request is kept as its answer too', async (t) => {
    const bad = { ...body(), snils: '112-233-445 96' };
    const first = await create('key-bad', bad);
    t.equal(first.statusCode, 422);
    const again = await create('key-bad', bad);
    t.equal(again.statusCode, 422);
    t.equal(again.body, first.body);
  });

  t.test('keys are per credential', async (t) => {
    const provider = (await makeKey(testApp, 'provider', organizationId)).secret;
    const response = await create('key-1', body(), provider);
    t.equal(response.statusCode, 201);
    t.equal(await count(), 2);
  });

  t.test('the same create sent at once from several clients yields exactly one record', async (t) => {
    const payload = body();
    const responses = await Promise.all([1, 2, 3, 4, 5, 6].map(() => create('key-race', payload)));
    const statuses = responses.map((response) => response.statusCode);
    t.ok(
      statuses.every((status) => status === 201 || status === 409),
      statuses.join(','),
    );
    t.ok(statuses.includes(201));
    const created = await database.db.selectFrom('clients').select('id').where('snils', '=', payload.snils.replace(/\D/g, '')).execute();
    t.equal(created.length, 1);
  });

  t.test('a claim left without an answer (the database went away mid-request) is free again after two minutes', async (t) => {
    const payload = body();
    // The claim the lost request made: the hash of the same request, no answer recorded.
    const hash = requestHash({ method: 'POST', url: '/v1/clients', body: payload });
    const claim = (key: string, minutesAgo: number) =>
      sql`INSERT INTO idempotency_keys (credential, key, request_hash, route, created_at)
          VALUES ('env:admin', ${key}, ${hash}, '/v1/clients', now() - make_interval(mins => ${minutesAgo}))`.execute(database.db);
    await claim('key-recent', 0);
    await claim('key-abandoned', 3);
    t.equal((await create('key-recent', payload)).statusCode, 409, 'a claim this young may still be running');
    const retried = await create('key-abandoned', payload);
    t.equal(retried.statusCode, 201);
    t.equal((await create('key-abandoned', payload)).headers['idempotent-replayed'], 'true', 'the new claim holds the answer now');
  });

  t.test('a malformed key is a 400', async (t) => {
    const response = await create('bad key with spaces', body());
    t.equal(response.statusCode, 400);
  });
});
