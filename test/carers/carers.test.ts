import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization } from '../helpers/factories.js';

const carerBody = (fields: Record<string, unknown> = {}) => ({
  fullName: 'Петрова Анна Ивановна',
  relation: 'child',
  livesWithClient: true,
  phone: '+7 (920) 123-45-67',
  email: 'petrova@example.ru',
  ...fields,
});

const representativeBody = (document: Record<string, unknown> = {}) => ({
  fullName: 'Сидоров Пётр Николаевич',
  document: {
    kind: 'guardianship_decision',
    number: '№ 37/1245',
    issuedOn: '2025-02-03',
    issuedBy: 'Управление социальной защиты населения по г. Иваново',
    ...document,
  },
});

t.test('a client’s carers', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;
  const client = (await makeClient(testApp, center)).id;
  const url = `/v1/clients/${client}/carers`;
  const otherProvider = (await makeKey(testApp, 'provider', other)).secret;
  const regional = (await makeKey(testApp, 'regional')).secret;

  t.test('a carer is registered with name, relation, living with the client and contacts', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload: carerBody() });
    t.equal(response.statusCode, 201);
    t.equal(response.headers.etag, '"1"');
    t.match(response.json(), {
      clientId: client,
      organizationId: center,
      fullName: 'Петрова Анна Ивановна',
      relation: 'child',
      livesWithClient: true,
      phone: '+7 (920) 123-45-67',
      email: 'petrova@example.ru',
      caresSince: null,
      caresUntil: null,
      caring: true,
      trained: false,
      training: [],
    });
    t.equal(response.headers.location, `${url}/${response.json().id}`);
    const listed = await call(regional, { method: 'GET', url });
    t.equal(listed.statusCode, 200, 'the region reads the carers as it reads the clients');
    t.same(
      listed.json().items.map((item: { id: string }) => item.id),
      [response.json().id],
    );
  });

  t.test('contacts are validated and a wrong one is a 400 naming its field', async (t) => {
    for (const [field, value] of [
      ['phone', '12-34'],
      ['phone', 'позвонить вечером'],
      ['email', 'petrova@'],
      ['relation', 'cousin'],
    ] as const) {
      const response = await call(ADMIN_KEY, { method: 'POST', url, payload: carerBody({ [field]: value }) });
      t.equal(response.statusCode, 400, `${field}: ${value}`);
      t.ok(
        response.json().errors.some((error: { pointer: string }) => error.pointer === `/${field}`),
        `${field} is named`,
      );
    }
    for (const phone of ['8 920 123 45 67', '+79201234567', '8(4932)41-00-00']) {
      t.equal((await call(ADMIN_KEY, { method: 'POST', url, payload: carerBody({ phone }) })).statusCode, 201, phone);
    }
  });

  t.test('an end before the start is a 422 naming caresUntil', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url,
      payload: carerBody({ caresSince: '2025-05-01', caresUntil: '2025-04-30' }),
    });
    t.equal(response.statusCode, 422);
    t.match(response.json(), { type: '/problems/carer-rule-violated', errors: [{ in: 'body', pointer: '/caresUntil' }] });
  });

  t.test('a change needs If-Match and the current ETag; a carer who stops caring is ended, not deleted', async (t) => {
    const created = await call(ADMIN_KEY, { method: 'POST', url, payload: carerBody({ caresSince: '2024-01-01' }) });
    const carerUrl = `${url}/${created.json().id}`;
    const patch = (headers: Record<string, string>, payload: Record<string, unknown>) =>
      call(ADMIN_KEY, { method: 'PATCH', url: carerUrl, headers, payload });
    t.equal((await patch({}, { livesWithClient: false })).statusCode, 428);
    t.equal((await patch({ 'if-match': '"7"' }, { livesWithClient: false })).statusCode, 412);
    const ended = await patch({ 'if-match': '"1"' }, { caresUntil: '2025-03-31', phone: null });
    t.equal(ended.statusCode, 200);
    t.equal(ended.headers.etag, '"2"');
    t.match(ended.json(), { caresUntil: '2025-03-31', caring: false, phone: null, email: 'petrova@example.ru' });
    t.equal((await patch({ 'if-match': '"1"' }, { livesWithClient: false })).statusCode, 412, 'the old ETag is stale');
    const early = await patch({ 'if-match': '"2"' }, { caresUntil: '2023-12-31' });
    t.equal(early.statusCode, 422, 'the end is checked against the kept start');
    const read = await call(ADMIN_KEY, { method: 'GET', url: carerUrl });
    t.equal(read.headers.etag, '"2"');
    t.equal(read.json().caresUntil, '2025-03-31');
    const feed = await database.db
      .selectFrom('changes')
      .select(['operation', 'version'])
      .where('entity_type', '=', 'carer')
      .where('entity_id', '=', created.json().id)
      .orderBy('seq')
      .execute();
    t.same(
      feed,
      [
        { operation: 'create', version: 1 },
        { operation: 'update', version: 2 },
      ],
      'the change feed follows carers',
    );
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['action', 'resource_type', 'client_id'])
      .where('resource_id', '=', created.json().id)
      .orderBy('id')
      .execute();
    t.same(audit, [
      { action: 'create', resource_type: 'carer', client_id: client },
      { action: 'update', resource_type: 'carer', client_id: client },
    ]);
  });

  t.test('another organization’s provider sees no carer and cannot add one', async (t) => {
    t.equal((await call(otherProvider, { method: 'GET', url })).statusCode, 404);
    t.equal((await call(otherProvider, { method: 'POST', url, payload: carerBody() })).statusCode, 404);
    const otherClient = (await makeClient(testApp, other)).id;
    const carer = (await call(ADMIN_KEY, { method: 'GET', url })).json().items[0].id;
    t.equal(
      (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${otherClient}/carers/${carer}` })).statusCode,
      404,
      'a carer is read under its own client only',
    );
  });

  t.test('the audit trail records carers by id, never by name', async (t) => {
    t.notMatch(JSON.stringify(await database.db.selectFrom('audit_events').selectAll().execute()), 'Петрова');
  });
});

t.test('a client’s representatives and the documents that empower them', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const client = (await makeClient(testApp, center)).id;
  const url = `/v1/clients/${client}/representatives`;

  t.test('a representative is registered with the document’s kind, number, issue and validity', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload: representativeBody({ validUntil: '2099-12-31' }) });
    t.equal(response.statusCode, 201);
    t.match(response.json(), {
      clientId: client,
      fullName: 'Сидоров Пётр Николаевич',
      document: { kind: 'guardianship_decision', number: '№ 37/1245', issuedOn: '2025-02-03', validUntil: '2099-12-31' },
      phone: null,
      empowered: true,
    });
  });

  t.test('a document that ends before it is issued, or is issued in the future, is a 422 naming the field', async (t) => {
    const ends = await call(ADMIN_KEY, { method: 'POST', url, payload: representativeBody({ validUntil: '2025-02-02' }) });
    t.match(ends.json(), { status: 422, type: '/problems/representative-rule-violated', errors: [{ pointer: '/document/validUntil' }] });
    const future = await call(ADMIN_KEY, { method: 'POST', url, payload: representativeBody({ issuedOn: '2099-01-01' }) });
    t.match(future.json(), { status: 422, errors: [{ pointer: '/document/issuedOn' }] });
    const kind = await call(ADMIN_KEY, { method: 'POST', url, payload: representativeBody({ kind: 'letter' }) });
    t.equal(kind.statusCode, 400);
  });

  t.test('the document changes under If-Match, field by field; an ended document leaves the representative unempowered', async (t) => {
    const created = await call(ADMIN_KEY, { method: 'POST', url, payload: representativeBody() });
    const representativeUrl = `${url}/${created.json().id}`;
    const patch = (etag: string, payload: Record<string, unknown>) =>
      call(ADMIN_KEY, { method: 'PATCH', url: representativeUrl, headers: { 'if-match': etag }, payload });
    const ended = await patch('"1"', { document: { validUntil: '2025-06-30' } });
    t.equal(ended.statusCode, 200);
    t.match(ended.json(), { empowered: false, document: { number: '№ 37/1245', validUntil: '2025-06-30' } });
    t.equal((await patch('"1"', { fullName: 'Сидоров П. Н.' })).statusCode, 412);
    t.match((await patch('"2"', { document: { issuedOn: '2025-07-01' } })).json(), {
      status: 422,
      errors: [{ pointer: '/document/validUntil' }],
    });
  });
});
