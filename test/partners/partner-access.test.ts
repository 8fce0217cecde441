import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { answersScoring } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('medical partners read only under an agreement and the client’s consent', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const otherCenter = (await makeOrganization(testApp)).id;
  const hospital = (await makeOrganization(testApp, { kind: 'medical' })).id;
  const partner = await makeKey(testApp, 'medical_partner', hospital);
  const staff = (await makeStaff(testApp, center)).id;
  const home = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;

  const client = await makeClient(testApp, center, { snils: '112-233-445 95', notes: 'внутренняя заметка', address: 'ул. Ленина, 1' });
  await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${client.id}/assessments`,
    payload: {
      instrumentId: 'bfd-home-2019',
      assessedOn: '2025-01-10',
      answers: answersScoring(home, 8),
      conductedBy: [staff],
      notes: 'со слов дочери: конфликт в семье',
    },
  });
  const consent = (status: string, date: string) =>
    call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client.id}/consents`,
      payload: { kind: 'medical_data_sharing', status, date, document: 'Заявление' },
    });
  const agreementBody = {
    medicalOrganizationId: hospital,
    organizationIds: [center],
    number: '№ 1-МВ',
    signedOn: '2025-01-01',
    validFrom: '2025-01-01',
    validTo: '2099-12-31',
    scope: ['assessments'],
  };
  const agreement = await call(ADMIN_KEY, { method: 'POST', url: '/v1/agreements', payload: agreementBody });
  t.equal(agreement.statusCode, 201);
  const agreementUrl = `/v1/agreements/${agreement.json().id}`;
  const patchAgreement = async (payload: Record<string, unknown>) => {
    const etag = (await call(ADMIN_KEY, { method: 'GET', url: agreementUrl })).headers.etag as string;
    const response = await call(ADMIN_KEY, { method: 'PATCH', url: agreementUrl, headers: { 'if-match': etag }, payload });
    t.equal(response.statusCode, 200, JSON.stringify(payload));
  };

  const byId = () => call(partner.secret, { method: 'GET', url: `/v1/partner/clients/${client.id}` });
  const bySnils = (snils = '11223344595') => call(partner.secret, { method: 'GET', url: `/v1/partner/clients?snils=${snils}` });
  const assessments = () => call(partner.secret, { method: 'GET', url: `/v1/partner/clients/${client.id}/assessments` });
  const lastEvent = () => database.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

  async function refused(t: Test, why: string) {
    const answers = [await byId(), await bySnils(), await assessments()];
    for (const response of answers) {
      t.equal(response.statusCode, 404, why);
      t.equal(response.json().detail, 'Client (unknown or not shared) not found', 'the same answer as an unknown client');
    }
    const event = await lastEvent();
    t.match(event, { outcome: 'denied', role: 'medical_partner', organization_id: hospital, action: 'read' }, `${why}: audited`);
  }

  t.test('no consent', async (t) => refused(t, 'no consent'));

  t.test('with consent and an active agreement the partner reads the client, masked', async (t) => {
    t.equal((await consent('granted', '2025-01-20')).statusCode, 201);
    const response = await byId();
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.match(body, { id: client.id, snils: '***-***-445 95', group: 4, selfCareReduction: 'severe', hours: { optimal: 16, minimal: 12 } });
    t.notOk('notes' in body || 'address' in body, 'no notes or address');
    t.notMatch(response.body, '11223344595');
    t.equal((await bySnils('112-233-445 95')).json().id, client.id);
    const list = await assessments();
    t.equal(list.json().items.length, 1);
    t.equal(list.json().items[0].result.breakdown.length, 11, 'with the item breakdown');
    t.notOk('notes' in list.json().items[0] || 'reason' in list.json().items[0], 'without the staff’s free text');
    t.notMatch(list.body, 'конфликт в семье');
    t.match(await lastEvent(), { outcome: 'allowed', client_id: client.id, resource_type: 'assessment' });
  });

  t.test('revoked consent', async (t) => {
    await consent('revoked', '2025-03-01');
    await refused(t, 'revoked consent');
    await consent('granted', '2025-04-01');
    t.equal((await byId()).statusCode, 200, 'granted again');
  });

  t.test('suspended agreement', async (t) => {
    await patchAgreement({ status: 'suspended' });
    await refused(t, 'suspended');
    await patchAgreement({ status: 'active' });
  });

  t.test('expired agreement', async (t) => {
    await patchAgreement({ validTo: '2025-12-31' });
    await refused(t, 'expired');
    await patchAgreement({ validTo: '2099-12-31' });
  });

  t.test('agreement not covering the organization', async (t) => {
    await patchAgreement({ organizationIds: [otherCenter] });
    await refused(t, 'not covered');
    await patchAgreement({ organizationIds: [center] });
  });

  t.test('scope without assessments', async (t) => {
    await patchAgreement({ scope: ['monitoring'] });
    await refused(t, 'scope');
    await patchAgreement({ scope: ['assessments'] });
    t.equal((await byId()).statusCode, 200);
  });

  t.test('another medical organization without an agreement', async (t) => {
    const stranger = await makeKey(testApp, 'medical_partner', (await makeOrganization(testApp, { kind: 'medical' })).id);
    const response = await call(stranger.secret, { method: 'GET', url: `/v1/partner/clients/${client.id}` });
    t.equal(response.statusCode, 404);
    t.match(await lastEvent(), { outcome: 'denied', client_id: client.id });
  });

  t.test('an unknown SNILS', async (t) => {
    const response = await bySnils('12345678964');
    t.equal(response.statusCode, 404);
    t.equal(response.json().detail, 'Client (unknown or not shared) not found');
    t.match(await lastEvent(), { outcome: 'denied', client_id: null });
  });

  t.test('an archived client is shared no more: the same 404 as an unknown client (issue 14.10)', async (t) => {
    const leaving = await makeClient(testApp, center);
    t.equal(
      (
        await call(ADMIN_KEY, {
          method: 'POST',
          url: `/v1/clients/${leaving.id}/consents`,
          payload: { kind: 'medical_data_sharing', status: 'granted', date: '2025-01-20', document: 'Заявление' },
        })
      ).statusCode,
      201,
    );
    const assessment = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${leaving.id}/assessments`,
      payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-01-10', answers: answersScoring(home, 8), conductedBy: [staff] },
    });
    t.equal(assessment.statusCode, 201);
    const reads = async () => {
      const urls = [
        `/v1/partner/clients/${leaving.id}`,
        `/v1/partner/clients?snils=${leaving.snils}`,
        `/v1/partner/clients/${leaving.id}/assessments`,
        `/fhir/r4/Patient/${leaving.id}`,
        `/fhir/r4/QuestionnaireResponse?subject=Patient/${leaving.id}`,
        `/fhir/r4/QuestionnaireResponse/${assessment.json().id}`,
      ];
      const answers = [];
      for (const url of urls) answers.push(await call(partner.secret, { method: 'GET', url }));
      return answers;
    };
    t.same(
      (await reads()).map((response) => response.statusCode),
      [200, 200, 200, 200, 200, 200],
      'shared while in care',
    );
    t.equal((await call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${leaving.id}/archive` })).statusCode, 200);
    const after = await reads();
    t.same(
      after.map((response) => response.statusCode),
      [404, 404, 404, 404, 404, 404],
      'archived: not shared',
    );
    t.equal(after[0]?.json().detail, 'Client (unknown or not shared) not found', 'the same answer as an unknown client');
    t.match(await lastEvent(), { outcome: 'denied', client_id: leaving.id }, 'the refusal is audited under the client');
  });

  t.test('a partner key reaches nothing else; no other key reaches the partner API', async (t) => {
    t.equal((await call(partner.secret, { method: 'GET', url: `/v1/clients/${client.id}` })).statusCode, 403);
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: `/v1/partner/clients/${client.id}` })).statusCode, 403);
  });

  t.test('the access log shows the provider who read its client', async (t) => {
    const provider = await makeKey(testApp, 'provider', center);
    const log = (await call(provider.secret, { method: 'GET', url: `/v1/clients/${client.id}/access-log?limit=200` })).json().items;
    t.ok(log.some((event: { role: string; outcome: string }) => event.role === 'medical_partner' && event.outcome === 'allowed'));
    t.ok(log.some((event: { role: string; outcome: string }) => event.role === 'medical_partner' && event.outcome === 'denied'));
    t.ok(log.some((event: { action: string; resourceType: string }) => event.action === 'create' && event.resourceType === 'consent'));
  });

  t.test('the trail cannot be changed or removed through the application’s connection', async (t) => {
    await t.rejects(sql`UPDATE audit_events SET outcome = 'allowed'`.execute(database.db), /append-only/);
    await t.rejects(sql`DELETE FROM audit_events`.execute(database.db), /append-only/);
    await t.rejects(sql`TRUNCATE audit_events`.execute(database.db), /append-only/);
  });
});

t.test('every write records its audit event in its own transaction', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const organization = await makeOrganization(testApp);
  const client = await makeClient(testApp, organization.id);
  const events = await database.db.selectFrom('audit_events').selectAll().where('client_id', '=', client.id).execute();
  t.match(events, [{ action: 'create', resource_type: 'client', resource_id: client.id, outcome: 'allowed', role: 'admin' }]);

  const archived = await call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${client.id}/archive` });
  t.equal(archived.statusCode, 200);
  t.match(await database.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow(), {
    action: 'archive',
    resource_type: 'client',
    client_id: client.id,
  });

  const before = (
    await database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  const refused = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/organizations',
    payload: { name: 'x', kind: 'social_service', regionCode: '37', inn: '7707083894' },
  });
  t.equal(refused.statusCode, 422);
  const after = (
    await database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  t.equal(Number(after), Number(before), 'a refused write leaves neither data nor an event');

  const report = await call(ADMIN_KEY, { method: 'GET', url: '/v1/reports/long-term-care' });
  t.equal(report.statusCode, 200);
  t.match(await database.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow(), {
    action: 'export',
    resource_type: 'long_term_care_report',
  });
});
