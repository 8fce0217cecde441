/*
 * Contract fuzzing: for every operation of the OpenAPI document, requests made by fast-check from
 * the operation's own schemas, valid ones and ones with one thing wrong: a wrong type, a missing or
 * unknown field, a huge string, deep nesting, invalid UTF-8, SQL and HTML, a wrong content type or
 * method, boundary numbers and dates, RFC 5545 rules that never end, unknown ids. Whatever is sent:
 *
 * - the answer is never a 5xx, and comes within MAX_ANSWER_MS (one event loop serves everyone);
 * - every error is problem+json (an OperationOutcome under /fhir/) with its own status;
 * - a request that breaks its documented schema is a 400 (a body over the limit 413, a content
 *   type the operation does not take 415); an unknown id is a 404, or at least no success;
 * - every 2xx answer has a documented content type and, as JSON, matches its documented schema;
 * - what was stored reads back exactly: every free-text string sent (SQL fragments, markup,
 *   Cyrillic) is in the answer and in a later GET unchanged, also for NDJSON imports.
 *
 * Most requests use the admin key (the partner's on partner and FHIR routes); a few other callers
 * check that the rules hold for them too. Seeded: a failure names the operation, the seed and the
 * path of the counterexample; replay it with
 *   FUZZ_OPERATION='POST /v1/clients' FUZZ_SEED=<seed> FUZZ_PATH=<path> npm test -- test/http/fuzz.test.ts
 * FUZZ_RUNS sets the runs per operation (default 50); FUZZ_SEED alone explores other requests.
 */
import t from 'tap';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { answersScoring } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import {
  activityTypeBody,
  clientBody,
  makeActivity,
  makeClient,
  makeDepartment,
  makeKey,
  makeOrganization,
  makeSnils,
  makeStaff,
  programBody,
  freshDay,
} from '../helpers/factories.js';
import {
  ContractValidator,
  INVALID_UTF8,
  RAW_PAYLOADS,
  WRONG_CONTENT_TYPES,
  allAt,
  allStrings,
  applyBodyMutation,
  arbitraryFor,
  bodyMutationArbitrary,
  freeTextArbitrary,
  freeTexts,
  getAt,
  hashOf,
  isFreeText,
  mainBranch,
  memberArbitrary,
  operationsOf,
  rawPayload,
  recurrenceRuleArbitrary,
  unusableJson,
  type ArbitraryContext,
  type BodyMutation,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type Path,
  type RawPayload,
  type Schema,
} from '../helpers/fuzz.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const ONLY = process.env.FUZZ_OPERATION;
const REPLAY_PATH = process.env.FUZZ_PATH;
const MAX_ANSWER_MS = 3000;

// ---------------------------------------------------------------------------------------------
// Fixtures: real rows for every path parameter, made once

interface Fixtures {
  organization: string;
  otherOrganization: string;
  editedOrganization: string;
  hospital: string;
  department: string;
  editedDepartment: string;
  staff: string;
  editedStaff: string;
  /** Shared with the medical partner (agreement and consent); only read. */
  client: string;
  clientExternalId: string;
  editedClient: string;
  consentClient: string;
  assessment: string;
  answers: Record<string, string>;
  activityType: string;
  editedActivityType: string;
  activity: string;
  editedActivity: string;
  program: string;
  /** An active program, whose goals take reviews. */
  activeProgram: { client: string; id: string; goal: string };
  plan: string;
  report: string;
  editedAgreement: string;
  carer: string;
  representative: string;
  careSession: string;
  keys: { admin: string; regional: string; provider: string; otherProvider: string; partner: string };
}

let sequence = 0;
const unique = () => `${++sequence}`;

/** Sessions at a new hour each time, so that staff are rarely double-booked. */
let sessionHour = 0;
const nextStart = () => new Date(Date.UTC(2024, 0, 1) + ++sessionHour * 3 * 3_600_000).toISOString();

async function createFixtures(testApp: TestApp): Promise<Fixtures> {
  const post = async (url: string, payload: unknown) => {
    const response = await testApp.call(ADMIN_KEY, { method: 'POST', url, payload: payload as InjectOptions['payload'] });
    if (response.statusCode >= 300) throw new Error(`fixture ${url}: ${response.statusCode} ${response.body}`);
    return response.json<{ id: string }>();
  };
  const organization = (await makeOrganization(testApp)).id;
  const otherOrganization = (await makeOrganization(testApp)).id;
  const hospital = (await makeOrganization(testApp, { kind: 'medical' })).id;
  const staff = (await makeStaff(testApp, organization)).id;
  const clientExternalId = 'FUZZ-CLIENT-1';
  const client = (await makeClient(testApp, organization, { externalId: clientExternalId })).id;
  const form = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json();
  const answers = answersScoring(form.items, 5);
  const assessment = (
    await post(`/v1/clients/${client}/assessments`, {
      instrumentId: 'bfd-home-2019',
      assessedOn: '2025-01-15',
      answers,
      conductedBy: [staff],
    })
  ).id;
  const typeFields = {
    organizationId: organization,
    nameEn: 'Own class',
    direction: 'cultural_leisure',
    participation: 'active',
    defaultDurationMinutes: 60,
    components: ['social'],
  };
  const activityType = (await post('/v1/activity-types', { ...typeFields, nameRu: 'Своё занятие' })).id;
  const session = () => ({ organizationId: organization, activityTypeId: activityType, startsAt: nextStart(), responsibleStaff: [staff] });
  await post(`/v1/clients/${client}/consents`, {
    kind: 'medical_data_sharing',
    status: 'granted',
    date: '2025-01-01',
    document: 'Заявление',
  });
  await post('/v1/agreements', {
    medicalOrganizationId: hospital,
    organizationIds: [organization],
    number: '№ П-1',
    signedOn: '2025-01-01',
    validFrom: '2025-01-01',
    validTo: '2099-12-31',
    scope: ['assessments'],
  });
  return {
    organization,
    otherOrganization,
    editedOrganization: (await makeOrganization(testApp)).id,
    hospital,
    department: (await makeDepartment(testApp, organization)).id,
    editedDepartment: (await makeDepartment(testApp, organization)).id,
    staff,
    editedStaff: (await makeStaff(testApp, organization)).id,
    client,
    clientExternalId,
    editedClient: (await makeClient(testApp, organization)).id,
    consentClient: (await makeClient(testApp, organization)).id,
    assessment,
    answers,
    activityType,
    editedActivityType: (await post('/v1/activity-types', { ...typeFields, nameRu: 'Правленое занятие' })).id,
    activity: (await makeActivity(testApp, session())).id,
    editedActivity: (await makeActivity(testApp, session())).id,
    program: (await post(`/v1/clients/${client}/support-programs`, program({ activityType, staff }))).id,
    activeProgram: await activeProgram(testApp, organization, program({ activityType, staff })),
    plan: (await post(`/v1/organizations/${organization}/implementation-plans`, { title: 'План внедрения' })).id,
    report: (await post('/v1/monitoring-reports', { organizationId: organization, month: '2025-02' })).id,
    editedAgreement: (
      await post('/v1/agreements', {
        medicalOrganizationId: hospital,
        organizationIds: [otherOrganization],
        number: '№ П-2',
        signedOn: '2025-01-01',
        validFrom: '2025-01-01',
        validTo: '2026-12-31',
        scope: ['assessments'],
      })
    ).id,
    carer: (await post(`/v1/clients/${client}/carers`, { fullName: 'Петрова Анна', relation: 'child', livesWithClient: true })).id,
    representative: (
      await post(`/v1/clients/${client}/representatives`, {
        fullName: 'Сидоров Пётр',
        document: { kind: 'power_of_attorney', number: '№ 1', issuedOn: '2025-01-01', issuedBy: 'Нотариус' },
      })
    ).id,
    careSession: (
      await post('/v1/care-sessions', {
        organizationId: organization,
        courseId: 'mobile-school-of-care-2019',
        heldOn: '2025-03-01',
        conductedBy: [staff],
        topics: ['mobility'],
      })
    ).id,
    keys: {
      admin: ADMIN_KEY,
      regional: (await makeKey(testApp, 'regional')).secret,
      provider: (await makeKey(testApp, 'provider', organization)).secret,
      otherProvider: (await makeKey(testApp, 'provider', otherOrganization)).secret,
      partner: (await makeKey(testApp, 'medical_partner', hospital)).secret,
    },
  };
}

const program = (f: Pick<Fixtures, 'activityType' | 'staff'>) => programBody(f.activityType, f.staff);

async function activeProgram(testApp: TestApp, organization: string, body: unknown): Promise<Fixtures['activeProgram']> {
  const client = (await makeClient(testApp, organization)).id;
  const url = `/v1/clients/${client}/support-programs`;
  const created = await testApp.call(ADMIN_KEY, { method: 'POST', url, payload: body as InjectOptions['payload'] });
  const { id } = created.json<{ id: string }>();
  const started = await testApp.call(ADMIN_KEY, {
    method: 'PATCH',
    url: `${url}/${id}`,
    headers: { 'if-match': created.headers.etag as string },
    payload: { status: 'active' },
  });
  if (started.statusCode !== 200) throw new Error(`fixture active program: ${started.statusCode} ${started.body}`);
  return { client, id, goal: started.json<{ goals: { id: string }[] }>().goals[0]!.id };
}

// ---------------------------------------------------------------------------------------------
// A valid request of every operation, which the fuzzer then changes

interface Base {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** The JSON body; for NDJSON operations, the lines. */
  body?: unknown;
}
type BaseBuilder = (f: Fixtures, testApp: TestApp) => Base | Promise<Base>;

async function etag(testApp: TestApp, url: string): Promise<Record<string, string>> {
  const response = await testApp.call(ADMIN_KEY, { method: 'GET', url });
  return { 'if-match': response.headers.etag as string };
}

async function created(testApp: TestApp, url: string, payload: unknown): Promise<{ id: string; etag: string }> {
  const response = await testApp.call(ADMIN_KEY, { method: 'POST', url, payload: payload as InjectOptions['payload'] });
  if (response.statusCode !== 201) throw new Error(`base ${url}: ${response.statusCode} ${response.body}`);
  return { id: response.json().id, etag: response.headers.etag as string };
}

let submittedMonths = 0;
/** A month not submitted before, from 2000-01 on: a month takes one first submission. */
const unsubmittedMonth = () => {
  const n = submittedMonths++;
  return `${2000 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
};
let submission: Promise<{ id: string }> | undefined;
/** One submission for the reads to read, made once. */
const aSubmission = (testApp: TestApp) =>
  (submission ??= created(testApp, '/v1/reports/long-term-care/submissions', { month: unsubmittedMonth() }));

const assessmentBody = (f: Fixtures, status: 'draft' | 'final' = 'final') => ({
  instrumentId: 'bfd-home-2019',
  assessedOn: freshDay(),
  answers: f.answers,
  conductedBy: [f.staff],
  status,
});

const clientFields = () => clientBody({ lastName: `Иванова-${unique()}` });

const typeBody = (f: Fixtures) => activityTypeBody(f.organization, `Занятие ${unique()}`);

const session = (f: Fixtures) => ({
  organizationId: f.organization,
  activityTypeId: f.activityType,
  startsAt: nextStart(),
  responsibleStaff: [f.staff],
});
const agreementBody = (f: Fixtures) => ({
  medicalOrganizationId: f.hospital,
  organizationIds: [f.otherOrganization],
  number: `№ ${unique()}`,
  signedOn: '2025-01-01',
  validFrom: '2025-01-01',
  validTo: '2026-12-31',
  scope: ['assessments'],
  status: 'suspended',
});

/** A fresh open reassessment signal: a new client's self-care skills three steps down between two observations. */
async function openSignal(f: Fixtures, testApp: TestApp): Promise<string> {
  const clientId = (await makeClient(testApp, f.organization)).id;
  for (const [observedOn, selfCareSkills] of [
    ['2025-01-10', 4],
    ['2025-02-10', 1],
  ] as const) {
    await created(testApp, `/v1/clients/${clientId}/observations`, {
      observedOn,
      staffId: f.staff,
      method: 'observation',
      indicators: {
        selfCareSkills,
        rangeOfInterests: 2,
        communication: 2,
        emotionalStability: 2,
        depressiveEpisodes: 1,
        aggressiveness: 0,
      },
    });
  }
  const listed = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/reassessment-signals?clientId=${clientId}` });
  return listed.json().items[0].id;
}

/** One import job of the organization, made once (its worker is off: it stays queued), for the job reads. */
let bulkJobId: string | undefined;
async function bulkJob(f: Fixtures, testApp: TestApp): Promise<string> {
  bulkJobId ??= (
    await testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/bulk/clients?organizationId=${f.organization}`,
      headers: { 'content-type': 'application/x-ndjson', prefer: 'respond-async' },
      payload: `${JSON.stringify({ externalId: 'FUZZ-JOB-1', ...clientBody() })}\n`,
    })
  ).json<{ id: string }>().id;
  return bulkJobId;
}

/** A fresh home-care visit of the fixtures' client: a visit is corrected once. */
async function careVisit(f: Fixtures, testApp: TestApp): Promise<string> {
  const created = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${f.client}/care-visits`,
    payload: { careAssistantId: f.staff, startedAt: '2025-02-04T10:00:00+03:00', durationMinutes: 60, services: ['hygiene'] },
  });
  return created.json<{ id: string }>().id;
}

/** One webhook subscription of the organization, made once, for the subscription's routes. */
let subscriptionId: string | undefined;
async function subscription(f: Fixtures, testApp: TestApp): Promise<string> {
  subscriptionId ??= (
    await testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { url: 'https://eis.region.example/hooks', eventTypes: ['client.created'], organizationId: f.organization },
    })
  ).json<{ id: string }>().id;
  return subscriptionId;
}

const BASES: Record<string, BaseBuilder> = {
  'GET /health/live': () => ({}),
  'GET /health/ready': () => ({}),
  'POST /v1/api-keys': () => ({ body: { name: `key ${unique()}`, role: 'regional' } }),
  'GET /v1/api-keys': () => ({}),
  'DELETE /v1/api-keys/{id}': async (_f, testApp) => ({ params: { id: (await makeKey(testApp, 'regional')).id } }),
  'POST /v1/organizations': () => ({ body: { name: `Центр ${unique()}`, kind: 'social_service', regionCode: '37' } }),
  'GET /v1/organizations': () => ({}),
  'GET /v1/organizations/{id}': (f) => ({ params: { id: f.organization } }),
  'PATCH /v1/organizations/{id}': async (f, testApp) => ({
    params: { id: f.editedOrganization },
    headers: await etag(testApp, `/v1/organizations/${f.editedOrganization}`),
    body: { address: `адрес ${unique()}` },
  }),
  'POST /v1/organizations/{id}/departments': (f) => ({
    params: { id: f.organization },
    body: { name: `Отделение ${unique()}`, careForm: 'home' },
  }),
  'GET /v1/organizations/{id}/departments': (f) => ({ params: { id: f.organization } }),
  'GET /v1/organizations/{id}/departments/{departmentId}': (f) => ({ params: { id: f.organization, departmentId: f.department } }),
  'PATCH /v1/organizations/{id}/departments/{departmentId}': async (f, testApp) => ({
    params: { id: f.organization, departmentId: f.editedDepartment },
    headers: await etag(testApp, `/v1/organizations/${f.organization}/departments/${f.editedDepartment}`),
    body: { name: `Отделение ${unique()}` },
  }),
  'POST /v1/staff': (f) => ({ body: { organizationId: f.organization, fullName: `Сотрудник ${unique()}`, position: 'nurse' } }),
  'GET /v1/staff': () => ({}),
  'GET /v1/staff/{id}': (f) => ({ params: { id: f.staff } }),
  'PATCH /v1/staff/{id}': async (f, testApp) => ({
    params: { id: f.editedStaff },
    headers: await etag(testApp, `/v1/staff/${f.editedStaff}`),
    body: { fullName: `Сотрудник ${unique()}` },
  }),
  'GET /v1/instruments': () => ({}),
  'GET /v1/instruments/{id}': () => ({ params: { id: 'bfd-inpatient-2019' } }),
  'POST /v1/clients': (f) => ({ body: { organizationId: f.organization, ...clientFields() } }),
  'GET /v1/clients': () => ({}),
  'GET /v1/clients/{id}': (f) => ({ params: { id: f.client } }),
  'PATCH /v1/clients/{id}': async (f, testApp) => ({
    params: { id: f.editedClient },
    headers: await etag(testApp, `/v1/clients/${f.editedClient}`),
    body: { notes: `заметка ${unique()}` },
  }),
  'POST /v1/clients/{id}/archive': async (f, testApp) => ({ params: { id: (await makeClient(testApp, f.organization)).id } }),
  'POST /v1/clients/{clientId}/assessments': (f) => ({ params: { clientId: f.client }, body: assessmentBody(f) }),
  'GET /v1/clients/{clientId}/assessments': (f) => ({ params: { clientId: f.client } }),
  'GET /v1/clients/{clientId}/dynamics': (f) => ({ params: { clientId: f.client } }),
  'GET /v1/assessments': () => ({}),
  'GET /v1/assessments/{id}': (f) => ({ params: { id: f.assessment } }),
  'PATCH /v1/assessments/{id}': async (f, testApp) => {
    const draft = await created(testApp, `/v1/clients/${f.client}/assessments`, assessmentBody(f, 'draft'));
    return { params: { id: draft.id }, headers: { 'if-match': draft.etag }, body: { notes: 'уточнено' } };
  },
  'POST /v1/assessments/{id}/finalize': async (f, testApp) => {
    const draft = await created(testApp, `/v1/clients/${f.client}/assessments`, assessmentBody(f, 'draft'));
    return { params: { id: draft.id }, headers: { 'if-match': draft.etag } };
  },
  'POST /v1/assessments/{id}/decision': async (f, testApp) => {
    // A fresh final assessment each run, decided on its own day by two staff members of the organization.
    const body = assessmentBody(f);
    const assessment = await created(testApp, `/v1/clients/${f.client}/assessments`, body);
    return {
      params: { id: assessment.id },
      body: { decidedGroup: 5, reason: 'Решение комиссии', decidedBy: [f.staff, f.editedStaff], decidedOn: body.assessedOn },
    };
  },
  'GET /v1/assessments/{id}/decisions': (f) => ({ params: { id: f.assessment } }),
  'GET /v1/reassessments': () => ({}),
  'GET /v1/reassessment-signals': () => ({}),
  'GET /v1/reassessment-signals/{id}': async (f, testApp) => ({ params: { id: await openSignal(f, testApp) } }),
  'POST /v1/reassessment-signals/{id}/resolve': async (f, testApp) => ({
    params: { id: await openSignal(f, testApp) },
    body: { staffId: f.staff, dismissed: true, reason: `Осмотрен ${unique()}` },
  }),
  'POST /v1/activity-types': (f) => ({ body: typeBody(f) }),
  'GET /v1/activity-types': () => ({}),
  'GET /v1/activity-types/{id}': (f) => ({ params: { id: f.activityType } }),
  'PATCH /v1/activity-types/{id}': async (f, testApp) => ({
    params: { id: f.editedActivityType },
    headers: await etag(testApp, `/v1/activity-types/${f.editedActivityType}`),
    body: { nameEn: `Class ${unique()}` },
  }),
  'POST /v1/activity-types/{id}/retire': async (f, testApp) => ({
    params: { id: (await created(testApp, '/v1/activity-types', typeBody(f))).id },
  }),
  'POST /v1/activities': (f) => ({ body: session(f) }),
  'POST /v1/activity-series': (f) => ({ body: { ...session(f), rule: 'FREQ=WEEKLY;COUNT=2' } }),
  'GET /v1/activities': () => ({}),
  'GET /v1/activities/{id}': (f) => ({ params: { id: f.activity } }),
  'PATCH /v1/activities/{id}': async (f, testApp) => ({
    params: { id: f.editedActivity },
    headers: await etag(testApp, `/v1/activities/${f.editedActivity}`),
    body: { place: `Зал ${unique()}` },
  }),
  'PUT /v1/activities/{id}/participants/{clientId}': (f) => ({
    params: { id: f.activity, clientId: f.client },
    body: { attendance: 'attended', engagement: 2 },
  }),
  'PUT /v1/activities/{id}/participants': (f) => ({
    params: { id: f.activity },
    body: { participants: [{ clientId: f.client, attendance: 'attended' }] },
  }),
  'GET /v1/clients/{clientId}/schedule': (f) => ({
    params: { clientId: f.client },
    query: { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' },
  }),
  'GET /v1/staff/{id}/schedule': (f) => ({ params: { id: f.staff }, query: { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' } }),
  'POST /v1/clients/{clientId}/support-programs': (f) => ({ params: { clientId: f.client }, body: program(f) }),
  'GET /v1/clients/{clientId}/support-programs': (f) => ({ params: { clientId: f.client } }),
  'GET /v1/clients/{clientId}/support-programs/{id}': (f) => ({ params: { clientId: f.client, id: f.program } }),
  'PATCH /v1/clients/{clientId}/support-programs/{id}': async (f, testApp) => ({
    params: { clientId: f.client, id: f.program },
    headers: await etag(testApp, `/v1/clients/${f.client}/support-programs/${f.program}`),
    body: { goals: { social: `Цель ${unique()}` } },
  }),
  'POST /v1/clients/{clientId}/support-programs/{id}/goals/{goalId}/reviews': (f) => ({
    params: { clientId: f.activeProgram.client, id: f.activeProgram.id, goalId: f.activeProgram.goal },
    body: { reviewedOn: '2025-03-31', staffId: f.staff, note: 'Ходит с ходунками', status: 'in_progress' },
  }),
  'POST /v1/clients/{clientId}/support-programs/suggestion': (f) => ({ params: { clientId: f.client }, body: { draftedBy: [f.staff] } }),
  'GET /v1/support-programs': () => ({ query: { reviewDueBefore: '2025-07-01' } }),
  'GET /v1/clients/{clientId}/support-programs/{id}/fulfilment': (f) => ({
    params: { clientId: f.client, id: f.program },
    query: { month: '2025-02' },
  }),
  'POST /v1/organizations/{id}/implementation-plans': (f) => ({
    params: { id: f.organization },
    body: { title: `План ${unique()}`, tasks: [{ stage: 'I', title: 'Анализ', dueOn: '2025-03-01' }] },
  }),
  'GET /v1/organizations/{id}/implementation-plans': (f) => ({ params: { id: f.organization } }),
  'GET /v1/organizations/{id}/implementation-plans/{planId}': (f) => ({ params: { id: f.organization, planId: f.plan } }),
  'POST /v1/organizations/{id}/implementation-plans/{planId}/tasks': (f) => ({
    params: { id: f.organization, planId: f.plan },
    body: { stage: 'II', title: `Задача ${unique()}`, dueOn: '2025-04-01' },
  }),
  'PATCH /v1/organizations/{id}/implementation-plans/{planId}/tasks/{taskId}': async (f, testApp) => {
    const task = await created(testApp, `/v1/organizations/${f.organization}/implementation-plans/${f.plan}/tasks`, {
      stage: 'III',
      title: 'Мониторинг',
      dueOn: '2025-05-01',
    });
    return {
      params: { id: f.organization, planId: f.plan, taskId: task.id },
      headers: { 'if-match': task.etag },
      body: { status: 'done' },
    };
  },
  'POST /v1/organizations/{id}/implementation-plans/{planId}/documents': (f) => ({
    params: { id: f.organization, planId: f.plan },
    body: { kind: 'job_description', title: 'Должностная инструкция психолога', datedOn: '2025-02-01' },
  }),
  'GET /v1/organizations/{id}/overdue-plan-tasks': (f) => ({ params: { id: f.organization } }),
  'GET /v1/reports/long-term-care': () => ({}),
  'POST /v1/reports/long-term-care/submissions': () => ({ body: { month: unsubmittedMonth() } }),
  'GET /v1/reports/long-term-care/submissions': () => ({}),
  'GET /v1/reports/long-term-care/submissions/{id}': async (_f, testApp) => ({ params: { id: (await aSubmission(testApp)).id } }),
  'GET /v1/reports/long-term-care/submissions/{id}/diff': async (_f, testApp) => {
    const { id } = await aSubmission(testApp);
    return { params: { id }, query: { against: id } };
  },
  'POST /v1/clients/{clientId}/questionnaires': (f) => ({
    params: { clientId: f.client },
    body: {
      filledOn: '2025-02-01',
      ratings: { physical: 3, psychological: 3, social: 3, spiritual: 3 },
      satisfaction: { process: 4, results: 4 },
    },
  }),
  'GET /v1/clients/{clientId}/questionnaires': (f) => ({ params: { clientId: f.client } }),
  'GET /v1/questionnaire-templates/{templateId}': () => ({ params: { templateId: 'milieu-questionnaire-2025' } }),
  'POST /v1/clients/{clientId}/observations': (f) => ({
    params: { clientId: f.client },
    body: {
      observedOn: '2025-02-01',
      staffId: f.staff,
      method: 'interview',
      indicators: {
        selfCareSkills: 2,
        rangeOfInterests: 2,
        communication: 2,
        emotionalStability: 2,
        depressiveEpisodes: 2,
        aggressiveness: 2,
      },
    },
  }),
  'GET /v1/clients/{clientId}/observations': (f) => ({ params: { clientId: f.client } }),
  'POST /v1/specialist-reports': (f) => ({
    body: { organizationId: f.organization, staffId: f.staff, month: '2025-02', text: 'Отчёт', counts: { sessions: 4 } },
  }),
  'GET /v1/specialist-reports': () => ({}),
  'POST /v1/monitoring-reports': (f) => ({ body: { organizationId: f.organization, month: '2025-02' } }),
  'GET /v1/monitoring-reports': () => ({}),
  'GET /v1/monitoring-reports/{id}': (f) => ({ params: { id: f.report } }),
  'POST /v1/monitoring-reports/{id}/approve': async (f, testApp) => {
    const report = await created(testApp, '/v1/monitoring-reports', { organizationId: f.organization, month: '2025-01' });
    return { params: { id: report.id }, headers: { 'if-match': report.etag } };
  },
  'POST /v1/agreements': (f) => ({ body: agreementBody(f) }),
  'GET /v1/agreements': () => ({}),
  'GET /v1/agreements/{id}': (f) => ({ params: { id: f.editedAgreement } }),
  'PATCH /v1/agreements/{id}': async (f, testApp) => ({
    params: { id: f.editedAgreement },
    headers: await etag(testApp, `/v1/agreements/${f.editedAgreement}`),
    body: { status: 'suspended' },
  }),
  'POST /v1/clients/{clientId}/consents': (f) => ({
    params: { clientId: f.consentClient },
    body: { kind: 'medical_data_sharing', status: 'granted', date: '2025-01-01', document: 'Заявление' },
  }),
  'GET /v1/clients/{clientId}/consents': (f) => ({ params: { clientId: f.client } }),
  'POST /v1/clients/{clientId}/carers': (f) => ({
    params: { clientId: f.client },
    body: { fullName: `Петрова ${unique()}`, relation: 'child', livesWithClient: true, phone: '+7 920 123-45-67', email: 'a@example.ru' },
  }),
  'GET /v1/clients/{clientId}/carers': (f) => ({ params: { clientId: f.client } }),
  'GET /v1/care-services': () => ({}),
  'POST /v1/clients/{clientId}/care-visits': (f) => ({
    params: { clientId: f.client },
    body: {
      careAssistantId: f.staff,
      startedAt: '2025-02-04T10:00:00+03:00',
      durationMinutes: 90,
      services: ['hygiene'],
      note: 'Всё хорошо',
    },
  }),
  'GET /v1/clients/{clientId}/care-visits': (f) => ({ params: { clientId: f.client }, query: { month: '2025-02' } }),
  'GET /v1/clients/{clientId}/care-visits/{visitId}': async (f, testApp) => ({
    params: { clientId: f.client, visitId: await careVisit(f, testApp) },
  }),
  'POST /v1/clients/{clientId}/care-visits/{visitId}/corrections': async (f, testApp) => ({
    params: { clientId: f.client, visitId: await careVisit(f, testApp) },
    body: { reason: 'Визит длился 45 минут', durationMinutes: 45 },
  }),
  'GET /v1/clients/{clientId}/care-delivery': (f) => ({ params: { clientId: f.client }, query: { month: '2025-02' } }),
  'GET /v1/clients/{clientId}/carers/{id}': (f) => ({ params: { clientId: f.client, id: f.carer } }),
  'PATCH /v1/clients/{clientId}/carers/{id}': async (f, testApp) => ({
    params: { clientId: f.client, id: f.carer },
    headers: await etag(testApp, `/v1/clients/${f.client}/carers/${f.carer}`),
    body: { caresSince: '2024-01-01', caresUntil: null },
  }),
  'POST /v1/clients/{clientId}/representatives': (f) => ({
    params: { clientId: f.client },
    body: {
      fullName: `Сидоров ${unique()}`,
      document: { kind: 'guardianship_decision', number: '№ 2', issuedOn: '2025-01-01', issuedBy: 'Орган опеки', validUntil: null },
    },
  }),
  'GET /v1/clients/{clientId}/representatives': (f) => ({ params: { clientId: f.client } }),
  'GET /v1/clients/{clientId}/representatives/{id}': (f) => ({ params: { clientId: f.client, id: f.representative } }),
  'PATCH /v1/clients/{clientId}/representatives/{id}': async (f, testApp) => ({
    params: { clientId: f.client, id: f.representative },
    headers: await etag(testApp, `/v1/clients/${f.client}/representatives/${f.representative}`),
    body: { document: { validUntil: '2099-12-31' } },
  }),
  'GET /v1/care-courses': () => ({}),
  'GET /v1/care-courses/{id}': () => ({ params: { id: 'mobile-school-of-care-2019' } }),
  'POST /v1/care-sessions': (f) => ({
    body: {
      organizationId: f.organization,
      courseId: 'mobile-school-of-care-2019',
      heldOn: '2025-03-02',
      conductedBy: [f.staff],
      topics: ['mobility', 'nutrition'],
    },
  }),
  'GET /v1/care-sessions': () => ({}),
  'GET /v1/care-sessions/{id}': (f) => ({ params: { id: f.careSession } }),
  'PATCH /v1/care-sessions/{id}': async (f, testApp) => ({
    params: { id: f.careSession },
    headers: await etag(testApp, `/v1/care-sessions/${f.careSession}`),
    body: { place: `на дому ${unique()}` },
  }),
  'PUT /v1/care-sessions/{id}/attendees/{carerId}': (f) => ({
    params: { id: f.careSession, carerId: f.carer },
    body: { attendance: 'attended' },
  }),
  'PUT /v1/care-sessions/{id}/attendees': (f) => ({
    params: { id: f.careSession },
    body: { attendees: [{ carerId: f.carer, attendance: 'attended', note: null }] },
  }),
  'GET /v1/partner/clients': async (f, testApp) => ({
    query: { snils: (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${f.client}` })).json().snils },
  }),
  'GET /v1/partner/clients/{id}': (f) => ({ params: { id: f.client } }),
  'GET /v1/partner/clients/{id}/assessments': (f) => ({ params: { id: f.client } }),
  'GET /v1/audit-events': () => ({}),
  'GET /v1/clients/{clientId}/access-log': (f) => ({ params: { clientId: f.client } }),
  'GET /fhir/r4/metadata': () => ({}),
  'GET /fhir/r4/Questionnaire/{id}': () => ({ params: { id: 'bfd-home-2019' } }),
  'GET /fhir/r4/Patient/{id}': (f) => ({ params: { id: f.client } }),
  'GET /fhir/r4/QuestionnaireResponse': (f) => ({ query: { subject: `Patient/${f.client}` } }),
  'GET /fhir/r4/QuestionnaireResponse/{id}': (f) => ({ params: { id: f.assessment } }),
  'GET /v1/changes': () => ({}),
  'POST /v1/subscriptions': (f) => ({
    body: { url: 'https://eis.region.example/hooks', eventTypes: ['client.created', 'assessment.updated'], organizationId: f.organization },
  }),
  'GET /v1/subscriptions': () => ({ query: { limit: '10' } }),
  'GET /v1/subscriptions/{subscriptionId}': async (f, testApp) => ({ params: { subscriptionId: await subscription(f, testApp) } }),
  'PATCH /v1/subscriptions/{subscriptionId}': async (f, testApp) => {
    const id = await subscription(f, testApp);
    return { params: { subscriptionId: id }, headers: await etag(testApp, `/v1/subscriptions/${id}`), body: { status: 'active' } };
  },
  'POST /v1/subscriptions/{subscriptionId}/replay': async (f, testApp) => ({
    params: { subscriptionId: await subscription(f, testApp) },
    body: {},
  }),
  'GET /v1/subscriptions/{subscriptionId}/deliveries': async (f, testApp) => ({
    params: { subscriptionId: await subscription(f, testApp) },
    query: { limit: '10' },
  }),
  'GET /v1/bulk/jobs': () => ({}),
  'GET /v1/bulk/jobs/{id}': async (f, testApp) => ({ params: { id: await bulkJob(f, testApp) } }),
  'GET /v1/bulk/jobs/{id}/failures': async (f, testApp) => ({ params: { id: await bulkJob(f, testApp) } }),
  'POST /v1/bulk/clients': (f) => ({
    query: { organizationId: f.organization },
    body: [0, 1].map(() => ({ externalId: `B-${unique()}`, ...clientFields() })),
  }),
  'POST /v1/bulk/care-visits': (f) => ({
    query: { organizationId: f.organization },
    body: [
      {
        clientExternalId: f.clientExternalId,
        careAssistantId: f.staff,
        startedAt: '2025-02-05T10:00:00+03:00',
        durationMinutes: 60,
        services: ['cleaning'],
      },
    ],
  }),
  'POST /v1/bulk/assessments': (f) => ({
    query: { organizationId: f.organization },
    body: [
      {
        clientExternalId: f.clientExternalId,
        instrumentId: 'bfd-home-2019',
        assessedOn: '2025-03-01',
        answers: f.answers,
        conductedBy: [f.staff],
        status: 'draft',
      },
    ],
  }),
};

/** Operations behind an API key: the API and its FHIR views, but the FHIR metadata and the probes. */
const needsKey = (operation: Operation) =>
  (operation.path.startsWith('/v1/') || operation.path.startsWith('/fhir/')) && operation.path !== '/fhir/r4/metadata';

/** Operations only a medical partner may call; the others are the admin's (or public). */
const partnerOperation = (operation: Operation) => operation.path.startsWith('/v1/partner/') || operation.path.startsWith('/fhir/');
const isFhir = (operation: Operation) => operation.path.startsWith('/fhir/');

// ---------------------------------------------------------------------------------------------
// Plans: what fast-check generates for one request (plain data, so a counterexample reads well)

type Caller = 'home' | 'regional' | 'provider' | 'otherProvider' | 'anonymous' | 'unknownKey';

/** A schema-valid change to one member of the base body. */
type Change = 'keep' | 'omit' | { set: unknown } | { nested: Overlay };
type Overlay = Record<string, Change>;

type Mutation =
  | { part: 'body'; change: BodyMutation }
  | { part: 'raw'; kind: RawPayload }
  | { part: 'content-type'; value: string }
  | { part: 'path'; name: string; value: string; unknownId?: true; raw?: true }
  | { part: 'query'; name: string; value: string | string[] | null }
  | { part: 'raw-query'; text: string }
  | { part: 'header'; name: string; value: string | null }
  | { part: 'method'; value: Operation['method'] };

/** One line of an NDJSON import. */
type Line =
  | { overlay: Overlay }
  | { overlay: Overlay; change: BodyMutation }
  | { raw: 'blank' | 'garbage' | 'array' | 'invalid-utf8' | 'crlf' | 'huge' };

interface Plan {
  caller: Caller;
  /** A retry-safe create, as a careful integration sends it. */
  idempotencyKey?: string;
  overlay?: Overlay;
  query: Record<string, string | string[]>;
  mutation?: Mutation;
  lines?: Line[];
}

function overlayArbitrary(schema: Schema, context: ArbitraryContext, depth = 0): fc.Arbitrary<Overlay> | undefined {
  const main = mainBranch(schema);
  if (main.type !== 'object' || !main.properties || depth > 2) return undefined;
  const required = (main.required ?? []) as string[];
  const model = Object.fromEntries(
    Object.entries(main.properties as Record<string, Schema>).map(([name, property]) => {
      const text = isFreeText(mainBranch(property));
      const nested = overlayArbitrary(property, context, depth + 1);
      const options: Array<fc.WeightedArbitrary<Change>> = [
        { weight: text ? 1 : 8, arbitrary: fc.constant<Change>('keep') },
        { weight: text ? 5 : 1, arbitrary: memberArbitrary(name, property, context).map((value): Change => ({ set: value })) },
      ];
      if (!required.includes(name)) options.push({ weight: 1, arbitrary: fc.constant<Change>('omit') });
      if (nested) options.push({ weight: 3, arbitrary: nested.map((overlay): Change => ({ nested: overlay })) });
      return [name, fc.oneof(...options)];
    }),
  );
  return fc.record(model).map((changes) => Object.fromEntries(Object.entries(changes).filter(([, change]) => change !== 'keep')));
}

function applyOverlay(base: unknown, overlay: Overlay | undefined): unknown {
  if (!overlay || typeof base !== 'object' || base === null || Array.isArray(base)) return base;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [name, change] of Object.entries(overlay)) {
    if (change === 'omit') delete result[name];
    else if (change === 'keep') continue;
    else if ('set' in change) result[name] = change.set;
    else if (name in result) result[name] = applyOverlay(result[name], change.nested);
  }
  return result;
}

const toText = (value: unknown): string | string[] => (Array.isArray(value) ? value.map(String) : String(value));

const PATH_VALUES = ['not-a-uuid', "1' OR '1'='1", 'Ёжик', 'x'.repeat(300), '0', '-1', '%00', 'null', '<script>'];
const QUERY_VALUES = [
  '',
  ' ',
  'abc',
  '-1',
  '0',
  '1e3',
  '0x10',
  '1.5',
  'NaN',
  'true',
  '99999999999999999999',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '2026-06-30T23:59:60Z',
  "'; DROP TABLE clients; --",
  'Ёжик ё',
  '<script>alert(1)</script>',
];
const IF_MATCH_VALUES = [
  '"0"',
  '"999999999"',
  '"1234567890"',
  '*',
  'W/"1"',
  '"1", "2"',
  'garbage',
  '',
  '"',
  '"-1"',
  '"1e3"',
  'W/""',
  ',,,',
  '"x"'.repeat(500),
];
const HEADER_VALUES: Record<string, readonly string[]> = {
  'if-match': IF_MATCH_VALUES,
  'idempotency-key': ['fuzz-key-1', 'fuzz-key-2', '', ' ', 'ключ', 'x'.repeat(201), "'; DROP TABLE idempotency_keys; --"],
  accept: [
    'text/csv',
    'text/html',
    'application/xml',
    '*/*',
    'application/json;q=0',
    'text/csv;q=0.1, application/json',
    'application/problem+json',
    'garbage',
  ],
  'x-request-id': ['a b', 'x'.repeat(300), "'; DROP", 'Ёж', 'trace-1'],
  authorization: [
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'Bearer a b',
    `Bearer ${'k'.repeat(10_000)}`,
    'Bearer ключ',
    "Bearer ' OR '1'='1",
  ],
};

function cursorArbitrary(context: ArbitraryContext): fc.Arbitrary<string> {
  const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  return fc.oneof(
    fc.constantFrom(...context.ids).map(encode),
    fc.uuid().map(encode),
    fc.constantFrom(
      'not-a-cursor',
      '',
      '===',
      encode("'; DROP TABLE clients; --"),
      encode('0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1x'),
      encode('\u0000'),
      'Ёжик',
    ),
  );
}

function queryOverlayArbitrary(
  parameters: Parameter[],
  base: Base['query'],
  context: ArbitraryContext,
): fc.Arbitrary<Record<string, string | string[]>> {
  const optional = parameters.filter((parameter) => !(base && parameter.name in base));
  const model = Object.fromEntries(
    optional.map((parameter) => {
      const value = parameter.name === 'cursor' ? cursorArbitrary(context) : arbitraryFor(parameter.schema, context).map(toText);
      return [parameter.name, fc.option(value, { freq: 3, nil: undefined })];
    }),
  );
  return fc
    .record(model)
    .map((values) =>
      Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)),
    );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function mutationArbitrary(operation: Operation, context: ArbitraryContext, documented: Set<string>): fc.Arbitrary<Mutation> {
  const options: Array<fc.WeightedArbitrary<Mutation>> = [];
  const json = operation.body?.contentType === 'application/json';
  const writes = ['POST', 'PUT', 'PATCH'].includes(operation.method);
  if (json) {
    const change = bodyMutationArbitrary(operation.body!.schema);
    if (change) options.push({ weight: 8, arbitrary: change.map((change): Mutation => ({ part: 'body', change })) });
  }
  if (writes && !operation.body?.contentType.includes('ndjson')) {
    options.push({ weight: 2, arbitrary: fc.constantFrom(...RAW_PAYLOADS).map((kind): Mutation => ({ part: 'raw', kind })) });
  }
  if (writes)
    options.push({
      weight: 2,
      arbitrary: fc.constantFrom(...WRONG_CONTENT_TYPES).map((value): Mutation => ({ part: 'content-type', value })),
    });
  const inPath = operation.parameters.filter((parameter) => parameter.in === 'path');
  if (inPath.length) {
    options.push({
      weight: 3,
      arbitrary: fc.constantFrom(...inPath).chain((parameter) =>
        fc.oneof(
          fc.uuid().map((value): Mutation => ({ part: 'path', name: parameter.name, value, unknownId: true })),
          fc.constantFrom(...PATH_VALUES).map((value): Mutation => ({ part: 'path', name: parameter.name, value })),
          fc
            .constantFrom('%', '%E0%A4%A', '%ZZ', '%C0%AF', '%FF')
            .map((value): Mutation => ({ part: 'path', name: parameter.name, value, raw: true })),
        ),
      ),
    });
  }
  const inQuery = operation.parameters.filter((parameter) => parameter.in === 'query');
  const names = [...inQuery.map((parameter) => parameter.name), 'unknownParameter', 'limit', 'cursor'];
  options.push({
    weight: inQuery.length ? 3 : 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...names),
        fc.oneof(
          fc.constantFrom(...QUERY_VALUES),
          freeTextArbitrary({ type: 'string', maxLength: 200 }),
          fc.constant('я'.repeat(10_000)),
          fc.tuple(fc.constantFrom(...QUERY_VALUES), fc.constantFrom(...QUERY_VALUES)).map(([a, b]) => [a, b]),
          fc.constant(null),
          cursorArbitrary(context),
        ),
      )
      .map(([name, value]): Mutation => ({ part: 'query', name, value })),
  });
  // Sent as they are: percent-encoding that is broken or not UTF-8.
  options.push({
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...names),
        fc.constantFrom('%', '%ZZ', '%C3%28', '%C0%AF', '%FF%FE', '%00', '%E0%A4%A', 'a%20b+c', '%D0%81%D0%B6'),
      )
      .map(([name, value]): Mutation => ({ part: 'raw-query', text: `${name}=${value}` })),
  });
  const undocumented = METHODS.filter((method) => !documented.has(`${method} ${operation.path}`));
  if (undocumented.length)
    options.push({ weight: 1, arbitrary: fc.constantFrom(...undocumented).map((value): Mutation => ({ part: 'method', value })) });
  options.push({
    weight: 1,
    arbitrary: fc
      .constantFrom(...Object.keys(HEADER_VALUES))
      .chain((name) =>
        fc.oneof(fc.constantFrom(...HEADER_VALUES[name]!), fc.constant(null)).map((value): Mutation => ({ part: 'header', name, value })),
      ),
  });
  return fc.oneof(...options);
}

function lineArbitrary(schema: Schema, context: ArbitraryContext): fc.Arbitrary<Line> {
  const overlay = overlayArbitrary(schema, context)!;
  return fc.oneof(
    { weight: 5, arbitrary: overlay.map((overlay): Line => ({ overlay })) },
    { weight: 3, arbitrary: fc.tuple(overlay, bodyMutationArbitrary(schema)!).map(([overlay, change]): Line => ({ overlay, change })) },
    { weight: 1, arbitrary: fc.constantFrom('blank', 'garbage', 'array', 'invalid-utf8', 'crlf', 'huge').map((raw): Line => ({ raw })) },
  );
}

function planArbitrary(operation: Operation, base: Base, context: ArbitraryContext, documented: Set<string>): fc.Arbitrary<Plan> {
  const caller = fc.oneof(
    { weight: 17, arbitrary: fc.constant<Caller>('home') },
    { weight: 3, arbitrary: fc.constantFrom<Caller>('regional', 'provider', 'otherProvider', 'anonymous', 'unknownKey') },
  );
  const query = queryOverlayArbitrary(
    operation.parameters.filter((parameter) => parameter.in === 'query'),
    base.query,
    context,
  );
  const mutation = fc.option(mutationArbitrary(operation, context, documented), { freq: 3, nil: undefined });
  const idempotent = operation.parameters.some((parameter) => parameter.name === 'idempotency-key');
  const idempotencyKey: { idempotencyKey?: fc.Arbitrary<string | undefined> } = idempotent
    ? { idempotencyKey: fc.option(fc.uuid(), { freq: 4, nil: undefined }) }
    : {};
  if (operation.body?.contentType === 'application/x-ndjson') {
    const lines = fc.array(lineArbitrary(operation.body.schema, context), { minLength: 0, maxLength: 4 });
    return fc.record({ caller, query, mutation, lines, ...idempotencyKey });
  }
  const overlay = operation.body ? overlayArbitrary(operation.body.schema, context) : undefined;
  return fc.record({
    caller,
    query,
    mutation,
    ...idempotencyKey,
    ...(overlay ? { overlay: fc.option(overlay, { freq: 4, nil: undefined }) } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// From a plan to a request

interface Expectation {
  status?: number;
  /** Any error will do, but not a success. */
  refused?: boolean;
  why: string;
}

interface Built {
  inject: InjectOptions & { url: string; method: Operation['method'] };
  /** The JSON body sent, when it was JSON. */
  sent?: unknown;
  /** NDJSON lines sent, with their JSON when they were JSON. */
  lines?: Array<{ text: string; bytes?: Buffer; value?: unknown; valid: boolean; mustFail?: true }>;
  key?: string;
  home: boolean;
  expect?: Expectation;
}

const CONTENT_TYPE_STATUS: Record<string, number | undefined> = {
  'application/xml': 415,
  'application/x-www-form-urlencoded': 415,
  'multipart/form-data; boundary=x': 415,
  'application/json-patch+json': 415,
  'application/x-ndjson': 415,
  'text/html; charset=utf-8': 415,
  garbage: 415,
};

function firstTextPath(schema: Schema, body: unknown): Path | undefined {
  return freeTexts(schema, body)[0]?.path;
}

function ndjsonLines(operation: Operation, base: Base, lines: Line[], validator: ContractValidator): NonNullable<Built['lines']> {
  const template: object = (base.body as object[])[0] ?? {};
  const baseLines = base.body as unknown[];
  return lines.map((line, i) => {
    if ('raw' in line) {
      switch (line.raw) {
        case 'blank':
          return { text: '   ', valid: true };
        case 'garbage':
          return { text: "{'; DROP TABLE clients; --", valid: false, mustFail: true };
        case 'array':
          return { text: '[1,2,3]', valid: false, mustFail: true };
        case 'invalid-utf8': {
          const text = JSON.stringify({ ...template, notes: 'MARK' });
          const [before, after] = text.split('MARK') as [string, string];
          return { text, bytes: Buffer.concat([Buffer.from(before), INVALID_UTF8, Buffer.from(after)]), valid: false, mustFail: true };
        }
        case 'crlf':
          return { text: `${JSON.stringify(template)}\r`, valid: false };
        case 'huge':
          return { text: JSON.stringify({ ...template, notes: 'я'.repeat(200_000) }), valid: false, mustFail: true };
      }
    }
    const fresh = baseLines[i] ?? {
      ...template,
      ...('externalId' in template ? { externalId: `B-${unique()}`, snils: makeSnils() } : {}),
    };
    let value = applyOverlay(fresh, line.overlay);
    if ('change' in line) value = applyBodyMutation(value, line.change);
    return { text: JSON.stringify(value), value, valid: validator.bodyErrors(operation.body!.schema, value) === undefined };
  });
}

function build(operation: Operation, base: Base, plan: Plan, fixtures: Fixtures, validator: ContractValidator): Built {
  const home = plan.caller === 'home';
  const key = {
    home: partnerOperation(operation) ? fixtures.keys.partner : fixtures.keys.admin,
    regional: fixtures.keys.regional,
    provider: fixtures.keys.provider,
    otherProvider: fixtures.keys.otherProvider,
    anonymous: undefined,
    unknownKey: 'not-a-key-of-ours-0123456789abcdef',
  }[plan.caller];
  const params = { ...base.params };
  const query: Record<string, string | string[]> = { ...base.query, ...plan.query };
  const headers: Record<string, string | null> = {
    ...base.headers,
    ...(plan.idempotencyKey ? { 'idempotency-key': plan.idempotencyKey } : {}),
  };
  let sent: unknown;
  let payload: string | Buffer | undefined;
  let lines: Built['lines'];
  const ndjson = operation.body?.contentType === 'application/x-ndjson';
  let method = operation.method;
  let rawQuery: string | undefined;

  if (ndjson) {
    lines = ndjsonLines(operation, base, plan.lines ?? [], validator);
    payload = Buffer.concat(lines.flatMap((line) => [line.bytes ?? Buffer.from(line.text), Buffer.from('\n')]));
    headers['content-type'] = operation.body!.contentType;
  } else if (operation.body) {
    sent = applyOverlay(base.body, plan.overlay);
    payload = JSON.stringify(sent);
    headers['content-type'] = 'application/json';
  }

  const mutation = plan.mutation;
  /** Decided while the body is read, before any validation: 400, 413 or 415. */
  let parsing: Expectation | undefined;
  let unknownId: Expectation | undefined;
  let rawPath: string | undefined;
  switch (mutation?.part) {
    case 'body': {
      const before = JSON.stringify(sent ?? {});
      sent = applyBodyMutation(sent ?? {}, mutation.change);
      payload = JSON.stringify(sent);
      headers['content-type'] = 'application/json';
      // Only when the id landed: a member of an object the base body leaves out stays out.
      if (mutation.change.kind === 'set' && mutation.change.why === 'unknown id' && payload !== before)
        unknownId = { refused: true, why: 'an unknown id in the body' };
      break;
    }
    case 'raw': {
      const original = sent ?? {};
      payload = rawPayload(mutation.kind, original, operation.body ? firstTextPath(operation.body.schema, original) : undefined);
      headers['content-type'] = 'application/json';
      sent = undefined;
      if (Buffer.isBuffer(payload)) parsing = { status: 400, why: 'a body that is not UTF-8' };
      else if (mutation.kind === 'oversize') parsing = { status: 413, why: 'a body over BODY_LIMIT_BYTES' };
      else {
        try {
          sent = JSON.parse(payload.replace(/^\uFEFF/, ''));
        } catch {
          parsing = { status: 400, why: `a body that is not JSON (${mutation.kind})` };
        }
        if (/"(__proto__|constructor)":/.test(payload)) parsing = { status: 400, why: 'prototype poisoning' };
      }
      break;
    }
    case 'content-type': {
      payload ??= '{}';
      headers['content-type'] = mutation.value;
      const status = ndjson
        ? mutation.value === operation.body!.contentType
          ? undefined
          : 415
        : mutation.value === 'text/plain' && operation.body
          ? 400
          : CONTENT_TYPE_STATUS[mutation.value];
      if (status) parsing = { status, why: `content type ${mutation.value}` };
      if (mutation.value !== 'APPLICATION/JSON') sent = undefined;
      lines = undefined;
      break;
    }
    case 'path': {
      params[mutation.name] = mutation.value;
      const format = operation.parameters.find((parameter) => parameter.name === mutation.name)?.schema.format;
      if (mutation.unknownId && format === 'uuid') {
        // A write may check its body's rules, and a list its cursor, before it looks the row up.
        unknownId =
          (operation.body && !ndjson) || 'cursor' in query
            ? { refused: true, why: 'an unknown id in the path' }
            : { status: 404, why: 'an unknown id in the path' };
      }
      if (mutation.raw) rawPath = mutation.name;
      break;
    }
    case 'query':
      if (mutation.value === null) delete query[mutation.name];
      else query[mutation.name] = mutation.value;
      break;
    case 'header':
      if (mutation.value !== null) headers[mutation.name] = mutation.value;
      else if (mutation.name === 'authorization') headers.authorization = null;
      else delete headers[mutation.name];
      break;
    case 'method':
      method = mutation.value;
      break;
    case 'raw-query':
      rawQuery = mutation.text;
      break;
  }

  if (!parsing && sent !== undefined && unusableJson(sent) && headers['content-type']?.toLowerCase() === 'application/json') {
    parsing = { status: 400, why: 'a string that is not text (U+0000, half a surrogate pair) or nesting over 64 levels' };
  }
  // Fastify finds the route, checks the key (onRequest), reads the body, validates every part
  // against its schema, then runs the handler: the first step that refuses decides.
  let expect: Expectation | undefined;
  if (mutation?.part === 'method') expect = { refused: true, why: `${method}, which the path does not document` };
  else if (mutation?.part === 'header' && mutation.name === 'authorization' && needsKey(operation))
    expect = { status: 401, why: 'a malformed or missing key' };
  else expect = parsing;
  if (!expect && rawPath) expect = { status: 400, why: 'a path that is not valid percent-encoding' };
  if (!expect && (mutation?.part !== 'content-type' || sent !== undefined)) {
    const parameters = (where: Parameter['in']) => operation.parameters.filter((parameter) => parameter.in === where);
    const broken =
      validator.textErrors(`${operation.key} path`, parameters('path'), params) ??
      validator.textErrors(`${operation.key} query`, parameters('query'), query) ??
      (operation.body && !ndjson && sent !== undefined ? validator.bodyErrors(operation.body.schema, sent) : undefined);
    if (broken) expect = { status: 400, why: `breaks the documented schema: ${broken}` };
  }
  expect ??= unknownId;

  let path = operation.path;
  for (const [name, value] of Object.entries(params))
    path = path.replace(`{${name}}`, name === rawPath ? value : encodeURIComponent(value));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const one of [value].flat()) search.append(name, one);
  const url = [path, [search.toString(), rawQuery].filter(Boolean).join('&')].filter(Boolean).join('?');
  return {
    inject: {
      method,
      url,
      // A header mutation of `authorization` (null: none at all) replaces the caller's key.
      headers: Object.fromEntries(
        Object.entries({ ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers }).filter(
          (entry): entry is [string, string] => entry[1] !== null,
        ),
      ),
      ...(payload !== undefined ? { payload } : {}),
    },
    ...(sent !== undefined ? { sent } : {}),
    ...(lines ? { lines } : {}),
    ...(key ? { key } : {}),
    home,
    ...(expect ? { expect } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The invariants

const mediaType = (response: LightMyRequestResponse) =>
  String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

function parse(response: LightMyRequestResponse): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(response.body) };
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
}

function checkAnswer(
  operation: Operation,
  request: Built,
  response: LightMyRequestResponse,
  validator: ContractValidator,
  document: OpenApiDocument,
): string[] {
  const problems: string[] = [];
  const status = response.statusCode;
  const media = mediaType(response);
  if (status >= 500) return [`answered ${status}: ${response.body.slice(0, 500)}`];
  if (status >= 400) {
    const { value, error } = parse(response);
    if (isFhir(operation)) {
      if (media !== 'application/fhir+json') problems.push(`error ${status} as ${media}, not application/fhir+json`);
      const outcome = value as { resourceType?: string; issue?: unknown[] } | undefined;
      if (error || outcome?.resourceType !== 'OperationOutcome' || !outcome.issue?.length)
        problems.push(`error ${status} is not an OperationOutcome: ${response.body.slice(0, 300)}`);
    } else {
      if (media !== 'application/problem+json')
        problems.push(`error ${status} as ${media || 'no content type'}, not application/problem+json`);
      const invalid = error ?? validator.answerErrors(document.components.schemas.Problem!, value);
      if (invalid) problems.push(`error ${status} is not a Problem (${invalid}): ${response.body.slice(0, 300)}`);
      else if ((value as { status: number }).status !== status)
        problems.push(`problem status ${(value as { status: number }).status} differs from ${status}`);
    }
  } else if (status >= 200 && status < 300) {
    const documented = operation.responses[String(status)];
    if (!documented) problems.push(`success ${status} is not documented`);
    else if (!documented[media]) problems.push(`success ${status} as ${media}, documented ${Object.keys(documented).join(', ')}`);
    else if (media === 'application/x-ndjson') {
      // NDJSON: each line is one documented object.
      for (const line of response.body.split('\n').filter(Boolean)) {
        const invalid = validator.answerErrors(documented[media], JSON.parse(line));
        if (invalid) problems.push(`a line of the ${status} answer breaks its schema: ${invalid}`);
      }
    } else if (media.endsWith('json')) {
      const { value, error } = parse(response);
      const invalid = error ?? validator.answerErrors(documented[media], value);
      if (invalid) problems.push(`the ${status} answer breaks its schema: ${invalid}`);
    }
  } else problems.push(`unexpected status ${status}`);

  const expect = request.expect;
  if (expect && request.home) {
    if (expect.status && status !== expect.status)
      problems.push(`expected ${expect.status} for ${expect.why}, got ${status}: ${response.body.slice(0, 300)}`);
    if (expect.refused && status < 400) problems.push(`expected a refusal for ${expect.why}, got ${status}`);
  }
  if (expect && status < 300 && !request.home && (expect.status ?? 400) >= 400) problems.push(`a success ${status} for ${expect.why}`);
  return problems;
}

/**
 * Texts the service normalizes on purpose, as it does: a department's name loses surrounding and
 * repeated whitespace, so that " Отделение  1 " and "Отделение 1" are one name (src/departments/service.ts).
 */
const departmentName = (name: string) => name.trim().replace(/\s+/g, ' ');
const NORMALIZED: Record<string, (text: string) => string> = {
  'POST /v1/organizations/{id}/departments /name': departmentName,
  'PATCH /v1/organizations/{id}/departments/{departmentId} /name': departmentName,
};

/** Members that name another record rather than being stored: an imported assessment's client. */
const REFERENCES = new Set(['clientExternalId']);

function textsSent(operation: Operation, schema: Schema, value: unknown): Array<{ path: Path; text: string }> {
  return freeTexts(schema, value)
    .filter(({ path }) => !REFERENCES.has(String(path.at(-1))))
    .map(({ path, text }) => ({ path, text: NORMALIZED[`${operation.key} /${path.join('/')}`]?.(text) ?? text }));
}

/**
 * Every text sent is in the answer unchanged: at its own path (an array in any order: tasks come
 * back by stage, documents by date), or, for a member the answer names differently, anywhere in it.
 */
function compareTexts(texts: Array<{ path: Path; text: string }>, answer: unknown, where: string): string[] {
  const strings = new Set(allStrings(answer));
  return texts.flatMap(({ path, text }) => {
    const there = allAt(answer, path).filter((value): value is string => typeof value === 'string');
    if (there.length)
      return there.includes(text)
        ? []
        : [
            `${where}: /${path.join('/')} reads back ${JSON.stringify(there[0]!.slice(0, 200))}, sent ${JSON.stringify(text.slice(0, 200))}`,
          ];
    return strings.has(text) ? [] : [`${where}: /${path.join('/')} ${JSON.stringify(text.slice(0, 200))} is not in the answer`];
  });
}

/** What was stored reads back exactly: in the write's answer and in a later GET. */
async function readBack(
  operation: Operation,
  request: Built,
  response: LightMyRequestResponse,
  testApp: TestApp,
  readable: Set<string>,
): Promise<string[]> {
  if (response.statusCode >= 300 || !request.home) return [];
  const get = (url: string) => testApp.call(request.key, { method: 'GET', url });
  if (request.lines) {
    const answer = response.json<{ results: Array<{ line: number; outcome: string; id?: string; problem?: { status: number } }> }>();
    const problems: string[] = [];
    const sentLines = request.lines;
    const nonBlank = sentLines.filter((line) => line.text.trim() !== '').length;
    if (answer.results.length !== nonBlank) problems.push(`${answer.results.length} results for ${nonBlank} non-blank lines`);
    const resource = operation.path.endsWith('/clients') ? 'clients' : 'assessments';
    // A visit is read under its client.
    const readUrl = async (id: string) => {
      if (!operation.path.endsWith('/care-visits')) return `/v1/${resource}/${id}`;
      const visit = await testApp.database.db.selectFrom('care_visits').select('client_id').where('id', '=', id).executeTakeFirstOrThrow();
      return `/v1/clients/${visit.client_id}/care-visits/${id}`;
    };
    for (const result of answer.results) {
      const line = sentLines[result.line - 1];
      if (!line) {
        problems.push(`result for line ${result.line}, which was not sent`);
        continue;
      }
      if (line.mustFail && result.outcome !== 'failed') problems.push(`line ${result.line} is not a record but was ${result.outcome}`);
      if (!line.valid && line.value !== undefined && result.outcome !== 'failed')
        problems.push(`line ${result.line} breaks the line schema but was ${result.outcome}`);
      if (!line.valid && line.value !== undefined && result.problem?.status !== 400)
        problems.push(`line ${result.line} breaks the line schema: problem status ${result.problem?.status}`);
      if (result.outcome === 'failed' || !result.id || !line.valid) continue;
      // A later line of the same record replaces this one.
      const identity = (value: unknown) =>
        JSON.stringify(['externalId', 'clientExternalId', 'instrumentId', 'assessedOn'].map((name) => getAt(value, [name])));
      if (sentLines.slice(result.line).some((later) => later.valid && identity(later.value) === identity(line.value))) continue;
      const url = await readUrl(result.id);
      const read = await get(url);
      if (read.statusCode !== 200) problems.push(`GET ${url} of line ${result.line}: ${read.statusCode}`);
      else
        problems.push(
          ...compareTexts(textsSent(operation, operation.body!.schema, line.value), read.json(), `line ${result.line} read back`),
        );
    }
    return problems;
  }
  if (!operation.body || request.sent === undefined || !['POST', 'PUT', 'PATCH'].includes(operation.method)) return [];
  const texts = textsSent(operation, operation.body.schema, request.sent);
  if (!texts.length) return [];
  const problems = compareTexts(texts, response.json(), 'the answer');
  const location =
    response.headers.location ?? (operation.method === 'PATCH' && readable.has(operation.path) ? request.inject.url : undefined);
  if (location) {
    const read = await get(location);
    if (read.statusCode !== 200) problems.push(`GET ${location} after the write: ${read.statusCode} ${read.body.slice(0, 200)}`);
    else problems.push(...compareTexts(texts, read.json(), `GET ${location}`));
  }
  return problems;
}

/** A request as a person would replay it, without megabytes of payload. */
function describe(request: Built): string {
  const payload = request.inject.payload;
  const text =
    payload === undefined
      ? ''
      : Buffer.isBuffer(payload)
        ? payload.toString('utf8')
        : typeof payload === 'string'
          ? payload
          : JSON.stringify(payload);
  const headers = Object.fromEntries(Object.entries(request.inject.headers ?? {}).filter(([name]) => name !== 'authorization'));
  return `${request.inject.method} ${request.inject.url.slice(0, 300)}\nheaders: ${JSON.stringify(headers).slice(0, 300)}\nbody: ${text.slice(0, 600)}${text.length > 600 ? `… (${text.length} characters)` : ''}`;
}

// ---------------------------------------------------------------------------------------------

t.test('contract fuzzing', async (t) => {
  const testApp = await buildTestApp(t);
  await testApp.app.ready();
  const document = testApp.app.swagger() as unknown as OpenApiDocument;
  const operations = operationsOf(document);
  const validator = new ContractValidator(document.components);
  const readable = new Set(operations.filter((operation) => operation.method === 'GET').map((operation) => operation.path));
  const documented = new Set(operations.map((operation) => operation.key));
  const fixtures = await createFixtures(testApp);
  const context: ArbitraryContext = {
    ids: [
      fixtures.organization,
      fixtures.otherOrganization,
      fixtures.hospital,
      fixtures.department,
      fixtures.staff,
      fixtures.client,
      fixtures.assessment,
      fixtures.activityType,
      fixtures.activity,
      fixtures.program,
      fixtures.plan,
      fixtures.report,
    ],
    grammars: { rule: recurrenceRuleArbitrary() },
  };

  t.test('every operation of the document has a base request', async (t) => {
    t.same(
      operations.map((operation) => operation.key).filter((key) => !(key in BASES)),
      [],
      'operations without a base',
    );
    t.same(
      Object.keys(BASES).filter((key) => !operations.some((operation) => operation.key === key)),
      [],
      'bases without an operation',
    );
  });

  let requests = 0;
  const started = Date.now();
  for (const operation of operations) {
    if (ONLY && operation.key !== ONLY) continue;
    const builder = BASES[operation.key];
    if (!builder) continue;
    t.test(operation.key, async (t) => {
      const statuses = new Map<number, number>();
      // A base only for the shape of the plans; each run builds a fresh one.
      const shape = await builder(fixtures, testApp);
      const seed = (SEED + hashOf(operation.key)) | 0;
      const property = fc.asyncProperty(planArbitrary(operation, shape, context, documented), async (plan) => {
        const request = build(operation, await builder(fixtures, testApp), plan, fixtures, validator);
        const sentAt = performance.now();
        const response = await testApp.app.inject(request.inject);
        const took = performance.now() - sentAt;
        requests++;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const problems = checkAnswer(operation, request, response, validator, document);
        // One event loop serves every request: none may hold it for seconds.
        if (took > MAX_ANSWER_MS) problems.push(`answered after ${Math.round(took)} ms, more than ${MAX_ANSWER_MS} ms`);
        if (!problems.length) problems.push(...(await readBack(operation, request, response, testApp, readable)));
        if (problems.length) throw new Error(`${problems.join('\n')}\n--- request (${plan.caller}):\n${describe(request)}`);
      });
      const details = await fc.check(property, {
        seed,
        numRuns: RUNS,
        ...(REPLAY_PATH && ONLY ? { path: REPLAY_PATH } : {}),
        interruptAfterTimeLimit: 60_000,
      });
      if (details.failed) {
        t.fail(
          `${operation.key}: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n` +
            `--- plan: ${fc.stringify(details.counterexample?.[0]).slice(0, 1500)}\n` +
            `--- replay: FUZZ_OPERATION='${operation.key}' FUZZ_SEED=${SEED} FUZZ_PATH='${details.counterexamplePath}' npm test -- test/http/fuzz.test.ts`,
        );
      } else
        t.pass(
          `${operation.key}: ${details.numRuns} runs, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
        );
      if (!ONLY)
        t.ok(
          [...statuses.keys()].some((status) => status < 300),
          `${operation.key}: at least one success among the runs`,
        );
    });
  }
  t.teardown(() => {
    console.log(
      `# fuzz: ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}, ${RUNS} runs per operation)`,
    );
  });
});
