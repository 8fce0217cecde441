import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeDepartment, makeKey, makeOrganization, makeSnils } from '../helpers/factories.js';

t.test('POST /v1/clients', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const organization = await makeOrganization(testApp);
  const inpatient = await makeDepartment(testApp, organization.id, { name: 'Отделение «Милосердие»', careForm: 'inpatient' });
  const valid = {
    organizationId: organization.id,
    departmentId: inpatient.id,
    lastName: 'Ёлкина',
    firstName: 'Анна',
    middleName: 'Семёновна',
    birthDate: '1938-11-02',
    sex: 'female',
    snils: '112-233-445 95',
    careForm: 'inpatient',
    livingSituation: 'lonely',
    socialSupport: 4,
    externalId: 'IVS-1',
    notes: "O'Brien; DROP TABLE clients; <script>",
  };

  t.test('registers a client, storing SNILS as digits and text unchanged', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/clients', payload: valid });
    t.equal(response.statusCode, 201);
    t.match(response.json(), { ...valid, snils: '11223344595', status: 'active', latestAssessment: null, archivedAt: null });
    const row = await database.db.selectFrom('clients').selectAll().where('id', '=', response.json().id).executeTakeFirstOrThrow();
    t.equal(row.snils, '11223344595');
    t.equal(row.notes, valid.notes);
    t.equal(row.last_name, 'Ёлкина');
  });

  t.test('a second client with the same SNILS is a 409 naming the existing client', async (t) => {
    const existing = await database.db.selectFrom('clients').select('id').where('snils', '=', '11223344595').executeTakeFirstOrThrow();
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/clients',
      payload: { ...valid, externalId: 'IVS-2', snils: '11223344595' },
    });
    t.equal(response.statusCode, 409);
    t.equal(response.json().existingId, existing.id);
  });

  t.test('a provider of another organization gets the 409 without the id', async (t) => {
    const other = await makeOrganization(testApp);
    const key = (await makeKey(testApp, 'provider', other.id)).secret;
    const response = await call(key, {
      method: 'POST',
      url: '/v1/clients',
      payload: { ...valid, organizationId: other.id, departmentId: undefined, careForm: 'home' },
    });
    t.equal(response.statusCode, 409);
    t.notOk('existingId' in response.json());
    t.notMatch(response.json().detail, /[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  t.test('the same external id twice in one organization is a 409', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/clients', payload: { ...valid, snils: makeSnils() } });
    t.equal(response.statusCode, 409);
    t.match(response.json().detail, /IVS-1/);
  });

  t.test('a wrong SNILS check number is a 422 naming /snils; a malformed one a 400', async (t) => {
    const wrong = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/clients',
      payload: { ...valid, snils: '112-233-445 96', externalId: 'x1' },
    });
    t.equal(wrong.statusCode, 422);
    t.match(wrong.json().errors, [{ pointer: '/snils' }]);
    const malformed = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/clients',
      payload: { ...valid, snils: '1122334459', externalId: 'x2' },
    });
    t.equal(malformed.statusCode, 400);
  });

  t.test('a department of another care form or organization is refused', async (t) => {
    const homeClient = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/clients',
      payload: { ...valid, careForm: 'home', snils: makeSnils(), externalId: 'x3' },
    });
    t.equal(homeClient.statusCode, 422);
    t.match(homeClient.json().errors, [{ pointer: '/careForm' }]);
    const other = await makeOrganization(testApp);
    const foreign = await makeDepartment(testApp, other.id, { careForm: 'inpatient' });
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/clients',
      payload: { ...valid, departmentId: foreign.id, snils: makeSnils(), externalId: 'x4' },
    });
    t.match(response.json().errors, [{ pointer: '/departmentId' }]);
  });

  t.test('a birth date in the future is a 422; one not on the calendar a 400', async (t) => {
    for (const [birthDate, status] of [
      ['2099-01-01', 422],
      ['1950-02-30', 400],
    ] as const) {
      const response = await call(ADMIN_KEY, {
        method: 'POST',
        url: '/v1/clients',
        payload: { ...valid, birthDate, snils: makeSnils(), externalId: birthDate },
      });
      t.equal(response.statusCode, status, birthDate);
      t.match(response.json().errors, [{ pointer: '/birthDate' }]);
    }
  });
});

t.test('GET /v1/clients filters', async (t) => {
  const testApp = await buildTestApp(t);
  const organization = await makeOrganization(testApp);
  const ivanova = await makeClient(testApp, organization.id, { lastName: 'Иванова', firstName: 'Мария' });
  const ivanov = await makeClient(testApp, organization.id, { lastName: 'Иванов', firstName: 'Пётр', sex: 'male', status: 'suspended' });
  const yolkin = await makeClient(testApp, organization.id, { lastName: 'Ёлкин', firstName: 'Олег', sex: 'male', careForm: 'inpatient' });
  const list = async (query: string) =>
    (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?${query}` }))
      .json()
      .items.map((item: { id: string }) => item.id)
      .sort();

  t.same(await list('name=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2'), [ivanova.id, ivanov.id].sort(), 'иванов, lower case, matches both');
  t.same(await list(`name=${encodeURIComponent('ИВАНОВА М')}`), [ivanova.id], 'upper case and the first name');
  t.same(await list(`name=${encodeURIComponent('елкин')}`), [yolkin.id], 'е finds ё');
  t.same(await list(`name=${encodeURIComponent('%')}`), [], 'a LIKE wildcard is a literal character');
  t.same(await list('status=suspended'), [ivanov.id]);
  t.same(await list('careForm=inpatient'), [yolkin.id]);
  t.same(await list(`snils=${ivanova.snils}`), [ivanova.id]);

  await testApp.call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${yolkin.id}/archive` });
  t.same(await list('careForm=inpatient'), [], 'archived clients leave the list');
  t.same(await list('careForm=inpatient&includeArchived=true'), [yolkin.id]);
  const archived = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${yolkin.id}` });
  t.ok(archived.json().archivedAt, 'and keep their record');
  const update = await testApp.call(ADMIN_KEY, {
    method: 'PATCH',
    url: `/v1/clients/${yolkin.id}`,
    headers: { 'if-match': archived.headers.etag as string },
    payload: { notes: 'x' },
  });
  t.equal(update.statusCode, 422, 'an archived client cannot change');
});

t.test('PATCH /v1/clients/:id', async (t) => {
  const testApp = await buildTestApp(t);
  const organization = await makeOrganization(testApp);
  const client = await makeClient(testApp, organization.id);
  const url = `/v1/clients/${client.id}`;
  const read = await testApp.call(ADMIN_KEY, { method: 'GET', url });
  const updated = await testApp.call(ADMIN_KEY, {
    method: 'PATCH',
    url,
    headers: { 'if-match': read.headers.etag as string },
    payload: { lastName: 'Смирнова', livingSituation: 'lives_with_family' },
  });
  t.equal(updated.statusCode, 200);
  t.match(updated.json(), { lastName: 'Смирнова', livingSituation: 'lives_with_family' });
  const found = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?name=${encodeURIComponent('смирнова')}` });
  t.same(
    found.json().items.map((item: { id: string }) => item.id),
    [client.id],
    'the new name is searchable',
  );
  const stale = await testApp.call(ADMIN_KEY, {
    method: 'PATCH',
    url,
    headers: { 'if-match': read.headers.etag as string },
    payload: { lastName: 'Петрова' },
  });
  t.equal(stale.statusCode, 412);
});

t.test('a provider sees and changes only its own clients', async (t) => {
  const testApp = await buildTestApp(t);
  const own = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const mine = await makeClient(testApp, own.id);
  const theirs = await makeClient(testApp, other.id);
  const key = (await makeKey(testApp, 'provider', own.id)).secret;

  const list = await testApp.call(key, { method: 'GET', url: `/v1/clients?organizationId=${other.id}` });
  t.same(list.json().items, []);
  const all = await testApp.call(key, { method: 'GET', url: '/v1/clients' });
  t.same(
    all.json().items.map((item: { id: string }) => item.id),
    [mine.id],
  );
  t.equal((await testApp.call(key, { method: 'GET', url: `/v1/clients/${theirs.id}` })).statusCode, 404);
  t.equal((await testApp.call(key, { method: 'POST', url: `/v1/clients/${theirs.id}/archive` })).statusCode, 404);
  const created = await testApp.call(key, {
    method: 'POST',
    url: '/v1/clients',
    payload: {
      organizationId: other.id,
      lastName: 'Чужая',
      firstName: 'Анна',
      birthDate: '1950-01-01',
      sex: 'female',
      snils: makeSnils(),
      careForm: 'home',
      livingSituation: 'lonely',
      socialSupport: 1,
    },
  });
  t.equal(created.statusCode, 403);
});
