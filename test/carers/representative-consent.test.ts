import t from 'tap';
import { answersScoring } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('a consent signed by a representative', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const hospital = (await makeOrganization(testApp, { kind: 'medical' })).id;
  const partner = (await makeKey(testApp, 'medical_partner', hospital)).secret;
  const staff = (await makeStaff(testApp, center)).id;
  const home = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const client = await makeClient(testApp, center, { snils: '112-233-445 95' });
  const otherClient = await makeClient(testApp, center);
  await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${client.id}/assessments`,
    payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-01-10', answers: answersScoring(home, 8), conductedBy: [staff] },
  });
  const agreement = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/agreements',
    payload: {
      medicalOrganizationId: hospital,
      organizationIds: [center],
      number: '№ 1-МВ',
      signedOn: '2025-01-01',
      validFrom: '2025-01-01',
      validTo: '2099-12-31',
      scope: ['assessments'],
    },
  });
  t.equal(agreement.statusCode, 201);

  const representative = async (clientId: string, document: Record<string, unknown>) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${clientId}/representatives`,
      payload: {
        fullName: 'Сидоров Пётр Николаевич',
        document: { kind: 'guardianship_decision', number: '№ 37/1245', issuedOn: '2025-02-01', issuedBy: 'Орган опеки', ...document },
      },
    });
    t.equal(response.statusCode, 201);
    return response.json().id as string;
  };
  const guardian = await representative(client.id, {});
  const attorney = await representative(client.id, { kind: 'power_of_attorney', validUntil: '2025-06-30' });
  const othersGuardian = await representative(otherClient.id, {});

  const consent = (status: string, date: string, representativeId?: string | null) =>
    call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client.id}/consents`,
      payload: {
        kind: 'medical_data_sharing',
        status,
        date,
        document: 'Заявление',
        ...(representativeId === undefined ? {} : { representativeId }),
      },
    });

  /** What the partner reads of the client: each read's status and body, as the partner receives them. */
  const partnerReads = async () =>
    Promise.all(
      [
        `/v1/partner/clients/${client.id}`,
        '/v1/partner/clients?snils=11223344595',
        `/v1/partner/clients/${client.id}/assessments`,
        `/fhir/r4/Patient/${client.id}`,
      ].map(async (url) => {
        const response = await call(partner, { method: 'GET', url });
        const body = response.json();
        // The FHIR Patient's meta.lastUpdated and an error's request id differ between two reads of the same record.
        delete body.requestId;
        delete body.meta;
        return { url, status: response.statusCode, body };
      }),
    );

  let withOwnConsent: Awaited<ReturnType<typeof partnerReads>> = [];

  t.test('the client’s own consent records who signed it', async (t) => {
    const own = await consent('granted', '2025-03-01');
    t.equal(own.statusCode, 201);
    t.match(own.json(), { signedBy: 'client', representativeId: null });
    withOwnConsent = await partnerReads();
  });

  t.test('a representative’s consent grants partner access exactly as the client’s own', async (t) => {
    t.same(
      withOwnConsent.map((read) => read.status),
      [200, 200, 200, 200],
      'the client’s own consent opens every partner read',
    );
    t.equal((await consent('revoked', '2025-03-02')).statusCode, 201);
    const revoked = await partnerReads();
    t.same(
      revoked.map((read) => read.status),
      [404, 404, 404, 404],
      'revoked by the client: nothing to read',
    );
    const signed = await consent('granted', '2025-03-03', guardian);
    t.equal(signed.statusCode, 201);
    t.match(signed.json(), { signedBy: 'representative', representativeId: guardian });
    t.same(await partnerReads(), withOwnConsent, 'the same reads give the same answers');
  });

  t.test('a representative’s revocation closes access exactly as the client’s own', async (t) => {
    t.equal((await consent('revoked', '2025-03-04', guardian)).statusCode, 201);
    const reads = await partnerReads();
    t.same(
      reads.map((read) => read.status),
      [404, 404, 404, 404],
    );
    t.equal((await consent('granted', '2025-03-05')).statusCode, 201, 'the client may grant again');
    t.same(await partnerReads(), withOwnConsent);
  });

  t.test('a representative signs only while the document empowers them', async (t) => {
    const before = await database.db.selectFrom('consents').select('id').execute();
    const expired = await consent('granted', '2025-07-01', attorney);
    t.equal(expired.statusCode, 422, 'the power of attorney ended on 2025-06-30');
    t.match(expired.json(), {
      type: '/problems/representative-not-empowered',
      errors: [{ in: 'body', pointer: '/representativeId', message: /was not empowered on 2025-07-01/ }],
    });
    t.equal((await consent('granted', '2025-01-31', guardian)).statusCode, 422, 'the day before the guardianship decision');
    const foreign = await consent('granted', '2025-04-01', othersGuardian);
    t.match(foreign.json(), { status: 422, errors: [{ pointer: '/representativeId', message: 'is not a representative of the client' }] });
    const unknown = await consent('granted', '2025-04-01', '00000000-0000-4000-8000-000000000000');
    t.equal(unknown.statusCode, 422);
    t.equal((await database.db.selectFrom('consents').select('id').execute()).length, before.length, 'nothing was recorded');
    t.same(await partnerReads(), withOwnConsent, 'the refused consents changed nothing');
    const inTime = await consent('revoked', '2025-06-30', attorney);
    t.equal(inTime.statusCode, 201, 'on its last valid day the attorney signs');
    const listed = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client.id}/consents` });
    t.match(listed.json().items.at(-1), { signedBy: 'representative', representativeId: attorney, date: '2025-06-30' });
  });

  t.test('the database keeps a consent’s representative the client’s own', async (t) => {
    const [row] = await database.db.selectFrom('consents').select(['id', 'client_id']).where('client_id', '=', client.id).execute();
    await t.rejects(
      database.db
        .updateTable('consents')
        .set({ representative_id: othersGuardian })
        .where('id', '=', row?.id ?? '')
        .execute(),
      /foreign key/,
    );
  });
});
