/*
 * Every operation of the contract against every kind of caller. A new operation without a
 * row here fails the first test, so no route ships without its access being checked.
 */
import t from 'tap';
import Fastify, { type InjectOptions } from 'fastify';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { answersScoring } from '../../src/demo/answers.js';
import type { Db } from '../../src/db/database.js';
import { scopeOf } from '../../src/context/scope.js';
import auth from '../../src/http/auth.js';
import {
  activityTypeBody,
  clientBody,
  makeActivity,
  makeClient,
  makeDepartment,
  makeKey,
  makeOrganization,
  makeStaff,
  programBody,
  freshDay,
} from '../helpers/factories.js';

const CALLERS = ['anonymous', 'revoked', 'admin', 'regional', 'providerOwn', 'providerOther', 'partner'] as const;
type Caller = (typeof CALLERS)[number];

interface Fixtures {
  organizationA: string;
  departmentA: string;
  staffA: string;
  clientA: string;
  assessmentA: string;
  answers: Record<string, string>;
  activityTypeA: string;
  activityA: string;
  programA: string;
  planA: string;
  reportA: string;
  hospital: string;
  agreementA: string;
  carerA: string;
  representativeA: string;
  careSessionA: string;
}

interface Row {
  /** Builds a fresh request, so that repeated writes do not collide with each other. */
  request: (fixtures: Fixtures, testApp: TestApp) => Promise<InjectOptions>;
  expect: Record<Caller, number>;
}

/** Expected statuses: [admin, regional, provider of A, provider of B, medical partner]. */
function expect(admin: number, regional: number, providerOwn: number, providerOther: number, partner: number) {
  return { anonymous: 401, revoked: 401, admin, regional, providerOwn, providerOther, partner };
}

let sequence = 0;
const unique = () => `${++sequence}-${Date.now()}`;

/** An import job of organization A (queued: the worker is off). */
async function bulkJobOf({ organizationA }: Fixtures, testApp: TestApp): Promise<string> {
  const response = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/bulk/clients?organizationId=${organizationA}`,
    headers: { 'content-type': 'application/x-ndjson', prefer: 'respond-async' },
    payload: `${JSON.stringify({ externalId: `J-${unique()}`, ...clientBody() })}\n`,
  });
  return response.json<{ id: string }>().id;
}

/** A webhook subscription of organization A, made by the admin. */
async function subscriptionOf({ organizationA }: Fixtures, testApp: TestApp): Promise<string> {
  const response = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/subscriptions',
    payload: { url: 'https://eis.region.example/hooks', eventTypes: ['client.created'], organizationId: organizationA },
  });
  return response.json<{ id: string }>().id;
}

let submittedMonths = 0;
/** A month not submitted before, from 2000-01 on: a month takes one first submission. */
const unsubmittedMonth = () => {
  const n = submittedMonths++;
  return `${2000 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
};

/** A submission of a month of its own, made by the admin. */
async function submission(testApp: TestApp): Promise<string> {
  const response = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/reports/long-term-care/submissions',
    payload: { month: unsubmittedMonth() },
  });
  return response.json().id;
}

function assessment(fixtures: Fixtures, status = 'final') {
  return { instrumentId: 'bfd-home-2019', assessedOn: freshDay(), answers: fixtures.answers, conductedBy: [fixtures.staffA], status };
}

/** A fresh draft of client A, to edit or finalize. */
async function draft(fixtures: Fixtures, testApp: TestApp): Promise<{ url: string; headers: Record<string, string> }> {
  const response = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${fixtures.clientA}/assessments`,
    payload: assessment(fixtures, 'draft'),
  });
  return { url: `/v1/assessments/${response.json().id}`, headers: { 'if-match': response.headers.etag as string } };
}

let sessionHour = 0;

/** A session of organization A at a new hour each time, so that staff are never double-booked. */
function session(fixtures: Fixtures) {
  const startsAt = new Date(Date.UTC(2024, 0, 1) + ++sessionHour * 3_600_000 * 3).toISOString();
  return { organizationId: fixtures.organizationA, activityTypeId: fixtures.activityTypeA, startsAt, responsibleStaff: [fixtures.staffA] };
}

const program = (fixtures: Fixtures) => programBody(fixtures.activityTypeA, fixtures.staffA);

const carer = () => ({ fullName: `Петрова ${unique()}`, relation: 'child', livesWithClient: true });
const careVisit = (staffId: string) => ({
  careAssistantId: staffId,
  startedAt: '2025-02-04T10:00:00+03:00',
  durationMinutes: 60,
  services: ['hygiene'],
});
/** A fresh visit of client A, as its URL: each caller corrects its own. */
async function careVisitOf({ clientA, staffA }: Fixtures, testApp: TestApp): Promise<string> {
  const url = `/v1/clients/${clientA}/care-visits`;
  const created = await testApp.call(ADMIN_KEY, { method: 'POST', url, payload: careVisit(staffA) });
  return `${url}/${created.json().id}`;
}
const representative = () => ({
  fullName: `Сидоров ${unique()}`,
  document: { kind: 'power_of_attorney', number: '№ 1', issuedOn: '2025-01-01', issuedBy: 'Нотариус' },
});
const careSession = (fixtures: Fixtures) => ({
  organizationId: fixtures.organizationA,
  courseId: 'mobile-school-of-care-2019',
  heldOn: '2025-03-01',
  conductedBy: [fixtures.staffA],
  topics: ['mobility'],
});

/** A fresh open reassessment signal of organization A: a client's self-care skills three steps down. */
async function openSignal(fixtures: Fixtures, testApp: TestApp): Promise<string> {
  const clientId = (await makeClient(testApp, fixtures.organizationA)).id;
  for (const [observedOn, selfCareSkills] of [
    ['2025-01-10', 4],
    ['2025-02-10', 1],
  ] as const) {
    await testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${clientId}/observations`,
      payload: {
        observedOn,
        staffId: fixtures.staffA,
        method: 'observation',
        indicators: {
          selfCareSkills,
          rangeOfInterests: 2,
          communication: 2,
          emotionalStability: 2,
          depressiveEpisodes: 1,
          aggressiveness: 0,
        },
      },
    });
  }
  const listed = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/reassessment-signals?clientId=${clientId}` });
  return listed.json().items[0].id;
}

async function etag(testApp: TestApp, url: string): Promise<Record<string, string>> {
  const response = await testApp.call(ADMIN_KEY, { method: 'GET', url });
  return { 'if-match': response.headers.etag as string };
}

/** Probes and the FHIR capability statement answer whoever asks, key or not. */
const PUBLIC = { anonymous: 200, revoked: 200, admin: 200, regional: 200, providerOwn: 200, providerOther: 200, partner: 200 };

const MATRIX: Record<string, Row> = {
  'GET /health/live': { request: async () => ({}), expect: PUBLIC },
  'GET /health/ready': { request: async () => ({}), expect: PUBLIC },
  'POST /v1/organizations': {
    request: async () => ({ payload: { name: `Центр ${unique()}`, kind: 'social_service', regionCode: '44' } }),
    expect: expect(201, 201, 403, 403, 403),
  },
  'GET /v1/organizations': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/organizations/{id}': {
    request: async ({ organizationA }) => ({ url: `/v1/organizations/${organizationA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/organizations/{id}': {
    request: async ({ organizationA }, testApp) => {
      const url = `/v1/organizations/${organizationA}`;
      return { url, headers: await etag(testApp, url), payload: { address: `адрес ${unique()}` } };
    },
    expect: expect(200, 200, 403, 403, 403),
  },
  'POST /v1/organizations/{id}/departments': {
    request: async ({ organizationA }) => ({
      url: `/v1/organizations/${organizationA}/departments`,
      payload: { name: `Отделение ${unique()}`, careForm: 'home' },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/organizations/{id}/departments': {
    request: async ({ organizationA }) => ({ url: `/v1/organizations/${organizationA}/departments` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/organizations/{id}/departments/{departmentId}': {
    request: async ({ organizationA, departmentA }) => ({
      url: `/v1/organizations/${organizationA}/departments/${departmentA}`,
    }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/organizations/{id}/departments/{departmentId}': {
    request: async ({ organizationA, departmentA }, testApp) => {
      const url = `/v1/organizations/${organizationA}/departments/${departmentA}`;
      return { url, headers: await etag(testApp, url), payload: { name: `Отделение ${unique()}` } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/staff': {
    request: async ({ organizationA }) => ({
      payload: { organizationId: organizationA, fullName: `Сотрудник ${unique()}`, position: 'nurse' },
    }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/staff': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/staff/{id}': {
    request: async ({ staffA }) => ({ url: `/v1/staff/${staffA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/staff/{id}': {
    request: async ({ staffA }, testApp) => {
      const url = `/v1/staff/${staffA}`;
      return { url, headers: await etag(testApp, url), payload: { fullName: `Сотрудник ${unique()}` } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/instruments': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/instruments/{id}': {
    request: async () => ({ url: '/v1/instruments/bfd-inpatient-2019' }),
    expect: expect(200, 200, 200, 200, 403),
  },
  'POST /v1/clients': {
    request: async ({ organizationA }) => ({
      payload: { organizationId: organizationA, ...clientBody() },
    }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/clients': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/clients/{id}': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/clients/{id}': {
    request: async ({ clientA }, testApp) => {
      const url = `/v1/clients/${clientA}`;
      return { url, headers: await etag(testApp, url), payload: { notes: `заметка ${unique()}` } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/clients/{id}/archive': {
    request: async ({ organizationA }, testApp) => ({ url: `/v1/clients/${(await makeClient(testApp, organizationA)).id}/archive` }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/clients/{clientId}/assessments': {
    request: async (fixtures) => ({ url: `/v1/clients/${fixtures.clientA}/assessments`, payload: assessment(fixtures) }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/assessments': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/assessments` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/dynamics': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/dynamics` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/assessments': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/assessments/{id}': {
    request: async ({ assessmentA }) => ({ url: `/v1/assessments/${assessmentA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/assessments/{id}': {
    request: async (fixtures, testApp) => ({ ...(await draft(fixtures, testApp)), payload: { notes: 'уточнено' } }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/assessments/{id}/finalize': {
    request: async (fixtures, testApp) => {
      const { url, headers } = await draft(fixtures, testApp);
      return { url: `${url}/finalize`, headers };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/assessments/{id}/decision': {
    // A fresh final assessment each time, decided by a commission of two of organization A's staff.
    request: async (fixtures, testApp) => {
      const body = assessment(fixtures);
      const created = await testApp.call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${fixtures.clientA}/assessments`, payload: body });
      const member = (await makeStaff(testApp, fixtures.organizationA)).id;
      return {
        url: `/v1/assessments/${created.json().id}/decision`,
        payload: { decidedGroup: 5, reason: 'Решение комиссии', decidedBy: [fixtures.staffA, member], decidedOn: body.assessedOn },
      };
    },
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/assessments/{id}/decisions': {
    request: async ({ assessmentA }) => ({ url: `/v1/assessments/${assessmentA}/decisions` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/reassessments': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/reassessment-signals': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/reassessment-signals/{id}': {
    request: async (fixtures, testApp) => ({ url: `/v1/reassessment-signals/${await openSignal(fixtures, testApp)}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/reassessment-signals/{id}/resolve': {
    request: async (fixtures, testApp) => ({
      url: `/v1/reassessment-signals/${await openSignal(fixtures, testApp)}/resolve`,
      payload: { staffId: fixtures.staffA, dismissed: true, reason: 'Проверка доступа' },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/activity-types': {
    request: async ({ organizationA }) => ({ payload: activityTypeBody(organizationA, `Занятие ${unique()}`) }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/activity-types': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/activity-types/{id}': {
    request: async ({ activityTypeA }) => ({ url: `/v1/activity-types/${activityTypeA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/activity-types/{id}': {
    request: async ({ activityTypeA }, testApp) => {
      const url = `/v1/activity-types/${activityTypeA}`;
      return { url, headers: await etag(testApp, url), payload: { nameEn: `Class ${unique()}` } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/activity-types/{id}/retire': {
    request: async ({ organizationA }, testApp) => {
      const response = await testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: '/v1/activity-types',
        payload: {
          organizationId: organizationA,
          nameRu: `Старое ${unique()}`,
          nameEn: 'Old',
          direction: 'medical',
          participation: 'passive',
          defaultDurationMinutes: 30,
          components: ['physical'],
        },
      });
      return { url: `/v1/activity-types/${response.json().id}/retire` };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/activities': {
    request: async (fixtures) => ({ payload: session(fixtures) }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'POST /v1/activity-series': {
    request: async (fixtures) => ({ payload: { ...session(fixtures), rule: 'FREQ=WEEKLY;COUNT=2' } }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/activities': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/activities/{id}': {
    request: async ({ activityA }) => ({ url: `/v1/activities/${activityA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/activities/{id}': {
    request: async ({ activityA }, testApp) => {
      const url = `/v1/activities/${activityA}`;
      return { url, headers: await etag(testApp, url), payload: { place: `Зал ${unique()}` } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'PUT /v1/activities/{id}/participants/{clientId}': {
    request: async ({ activityA, clientA }) => ({
      url: `/v1/activities/${activityA}/participants/${clientA}`,
      payload: { attendance: 'attended', engagement: 2 },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'PUT /v1/activities/{id}/participants': {
    request: async ({ activityA, clientA }) => ({
      url: `/v1/activities/${activityA}/participants`,
      payload: { participants: [{ clientId: clientA, attendance: 'attended' }] },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/schedule': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/schedule?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/staff/{id}/schedule': {
    request: async ({ staffA }) => ({ url: `/v1/staff/${staffA}/schedule?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/clients/{clientId}/support-programs': {
    request: async (fixtures) => ({ url: `/v1/clients/${fixtures.clientA}/support-programs`, payload: program(fixtures) }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/support-programs': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/support-programs` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/support-programs/{id}': {
    request: async ({ clientA, programA }) => ({ url: `/v1/clients/${clientA}/support-programs/${programA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/clients/{clientId}/support-programs/{id}': {
    request: async ({ clientA, programA }, testApp) => {
      const url = `/v1/clients/${clientA}/support-programs/${programA}`;
      return { url, headers: await etag(testApp, url), payload: { goals: { social: `Цель ${unique()}` } } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/support-programs/{id}/fulfilment': {
    request: async ({ clientA, programA }) => ({ url: `/v1/clients/${clientA}/support-programs/${programA}/fulfilment?month=2025-02` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/support-programs': {
    request: async () => ({ url: '/v1/support-programs?reviewDueBefore=2030-01-01' }),
    expect: expect(200, 200, 200, 200, 403),
  },
  'POST /v1/clients/{clientId}/support-programs/{id}/goals/{goalId}/reviews': {
    // A fresh client with an active program each time: one active program per client, and reviews need one.
    request: async (fixtures, testApp) => {
      const client = (await makeClient(testApp, fixtures.organizationA)).id;
      const created = await testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: `/v1/clients/${client}/support-programs`,
        payload: { ...program(fixtures), status: 'active' },
      });
      const { id, goals } = created.json();
      return {
        url: `/v1/clients/${client}/support-programs/${id}/goals/${goals[0].id}/reviews`,
        payload: { reviewedOn: '2025-03-01', staffId: fixtures.staffA, note: `Обзор ${unique()}`, status: 'in_progress' },
      };
    },
    expect: expect(201, 403, 201, 404, 403),
  },
  'POST /v1/clients/{clientId}/support-programs/suggestion': {
    request: async ({ clientA, staffA }) => ({
      url: `/v1/clients/${clientA}/support-programs/suggestion`,
      payload: { draftedBy: [staffA] },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/organizations/{id}/implementation-plans': {
    request: async ({ organizationA }) => ({
      url: `/v1/organizations/${organizationA}/implementation-plans`,
      payload: { title: `План ${unique()}`, tasks: [{ stage: 'I', title: 'Анализ', dueOn: '2025-03-01' }] },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/organizations/{id}/implementation-plans': {
    request: async ({ organizationA }) => ({ url: `/v1/organizations/${organizationA}/implementation-plans` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/organizations/{id}/implementation-plans/{planId}': {
    request: async ({ organizationA, planA }) => ({ url: `/v1/organizations/${organizationA}/implementation-plans/${planA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/organizations/{id}/implementation-plans/{planId}/tasks': {
    request: async ({ organizationA, planA }) => ({
      url: `/v1/organizations/${organizationA}/implementation-plans/${planA}/tasks`,
      payload: { stage: 'II', title: `Задача ${unique()}`, dueOn: '2025-04-01' },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'PATCH /v1/organizations/{id}/implementation-plans/{planId}/tasks/{taskId}': {
    request: async ({ organizationA, planA }, testApp) => {
      const base = `/v1/organizations/${organizationA}/implementation-plans/${planA}/tasks`;
      const task = await testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: base,
        payload: { stage: 'III', title: 'Мониторинг', dueOn: '2025-05-01' },
      });
      return { url: `${base}/${task.json().id}`, headers: { 'if-match': task.headers.etag as string }, payload: { status: 'done' } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/organizations/{id}/implementation-plans/{planId}/documents': {
    request: async ({ organizationA, planA }) => ({
      url: `/v1/organizations/${organizationA}/implementation-plans/${planA}/documents`,
      payload: { kind: 'job_description', title: 'Должностная инструкция психолога', datedOn: '2025-02-01' },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/organizations/{id}/overdue-plan-tasks': {
    request: async ({ organizationA }) => ({ url: `/v1/organizations/${organizationA}/overdue-plan-tasks` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/reports/long-term-care': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'POST /v1/reports/long-term-care/submissions': {
    request: async () => ({ payload: { month: unsubmittedMonth() } }),
    expect: expect(201, 201, 403, 403, 403),
  },
  'GET /v1/reports/long-term-care/submissions': { request: async () => ({}), expect: expect(200, 200, 403, 403, 403) },
  'GET /v1/reports/long-term-care/submissions/{id}': {
    request: async (_fixtures, testApp) => ({ url: `/v1/reports/long-term-care/submissions/${await submission(testApp)}` }),
    expect: expect(200, 200, 403, 403, 403),
  },
  'GET /v1/reports/long-term-care/submissions/{id}/diff': {
    request: async (_fixtures, testApp) => {
      const id = await submission(testApp);
      return { url: `/v1/reports/long-term-care/submissions/${id}/diff?against=${id}` };
    },
    expect: expect(200, 200, 403, 403, 403),
  },
  'POST /v1/clients/{clientId}/questionnaires': {
    request: async ({ clientA }) => ({
      url: `/v1/clients/${clientA}/questionnaires`,
      payload: {
        filledOn: '2025-02-01',
        ratings: { physical: 3, psychological: 3, social: 3, spiritual: 3 },
        satisfaction: { process: 4, results: 4 },
      },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/questionnaires': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/questionnaires` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/questionnaire-templates/{templateId}': {
    request: async () => ({ url: '/v1/questionnaire-templates/milieu-questionnaire-2025' }),
    expect: expect(200, 200, 200, 200, 403),
  },
  'POST /v1/clients/{clientId}/observations': {
    request: async ({ clientA, staffA }) => ({
      url: `/v1/clients/${clientA}/observations`,
      payload: {
        observedOn: '2025-02-01',
        staffId: staffA,
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
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/observations': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/observations` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/specialist-reports': {
    request: async ({ organizationA, staffA }) => ({
      payload: { organizationId: organizationA, staffId: staffA, month: '2025-02', text: 'Отчёт', counts: { sessions: 4 } },
    }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/specialist-reports': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'POST /v1/monitoring-reports': {
    request: async ({ organizationA }) => ({ payload: { organizationId: organizationA, month: '2025-02' } }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/monitoring-reports': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/monitoring-reports/{id}': {
    request: async ({ reportA }) => ({ url: `/v1/monitoring-reports/${reportA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/monitoring-reports/{id}/approve': {
    request: async ({ organizationA }, testApp) => {
      const report = await testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: '/v1/monitoring-reports',
        payload: { organizationId: organizationA, month: '2025-01' },
      });
      return { url: `/v1/monitoring-reports/${report.json().id}/approve`, headers: { 'if-match': report.headers.etag as string } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/agreements': {
    request: async ({ organizationA, hospital }) => ({
      payload: {
        medicalOrganizationId: hospital,
        organizationIds: [organizationA],
        number: `№ ${unique()}`,
        signedOn: '2025-01-01',
        validFrom: '2025-01-01',
        validTo: '2026-12-31',
        scope: ['assessments'],
        status: 'suspended',
      },
    }),
    expect: expect(201, 201, 403, 403, 403),
  },
  'GET /v1/agreements': { request: async () => ({}), expect: expect(200, 200, 403, 403, 403) },
  'GET /v1/agreements/{id}': {
    request: async ({ agreementA }) => ({ url: `/v1/agreements/${agreementA}` }),
    expect: expect(200, 200, 403, 403, 403),
  },
  'PATCH /v1/agreements/{id}': {
    request: async ({ agreementA }, testApp) => {
      const url = `/v1/agreements/${agreementA}`;
      return { url, headers: await etag(testApp, url), payload: { status: 'suspended' } };
    },
    expect: expect(200, 200, 403, 403, 403),
  },
  'POST /v1/clients/{clientId}/consents': {
    request: async ({ clientA }) => ({
      url: `/v1/clients/${clientA}/consents`,
      payload: { kind: 'medical_data_sharing', status: 'revoked', date: '2025-01-01', document: 'Заявление' },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/consents': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/consents` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/clients/{clientId}/carers': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/carers`, payload: carer() }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/carers': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/carers` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/carers/{id}': {
    request: async ({ clientA, carerA }) => ({ url: `/v1/clients/${clientA}/carers/${carerA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/clients/{clientId}/carers/{id}': {
    request: async ({ clientA, carerA }, testApp) => {
      const url = `/v1/clients/${clientA}/carers/${carerA}`;
      return { url, headers: await etag(testApp, url), payload: { phone: '+7 920 000-00-00' } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/care-services': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'POST /v1/clients/{clientId}/care-visits': {
    request: async ({ clientA, staffA }) => ({ url: `/v1/clients/${clientA}/care-visits`, payload: careVisit(staffA) }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/care-visits': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/care-visits?month=2025-02` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/care-visits/{visitId}': {
    request: async (fixtures, testApp) => ({ url: await careVisitOf(fixtures, testApp) }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/clients/{clientId}/care-visits/{visitId}/corrections': {
    request: async (fixtures, testApp) => ({
      url: `${await careVisitOf(fixtures, testApp)}/corrections`,
      payload: { reason: 'Визита не было', voided: true },
    }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/care-delivery': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/care-delivery?month=2025-02` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'POST /v1/clients/{clientId}/representatives': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/representatives`, payload: representative() }),
    expect: expect(201, 403, 201, 404, 403),
  },
  'GET /v1/clients/{clientId}/representatives': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/representatives` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/clients/{clientId}/representatives/{id}': {
    request: async ({ clientA, representativeA }) => ({ url: `/v1/clients/${clientA}/representatives/${representativeA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/clients/{clientId}/representatives/{id}': {
    request: async ({ clientA, representativeA }, testApp) => {
      const url = `/v1/clients/${clientA}/representatives/${representativeA}`;
      return { url, headers: await etag(testApp, url), payload: { email: 'sidorov@example.ru' } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/care-courses': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/care-courses/{id}': {
    request: async () => ({ url: '/v1/care-courses/mobile-school-of-care-2019' }),
    expect: expect(200, 200, 200, 200, 403),
  },
  'POST /v1/care-sessions': {
    request: async (fixtures) => ({ payload: careSession(fixtures) }),
    expect: expect(201, 403, 201, 403, 403),
  },
  'GET /v1/care-sessions': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  'GET /v1/care-sessions/{id}': {
    request: async ({ careSessionA }) => ({ url: `/v1/care-sessions/${careSessionA}` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'PATCH /v1/care-sessions/{id}': {
    request: async ({ careSessionA }, testApp) => {
      const url = `/v1/care-sessions/${careSessionA}`;
      return { url, headers: await etag(testApp, url), payload: { place: `на дому ${unique()}` } };
    },
    expect: expect(200, 403, 200, 404, 403),
  },
  'PUT /v1/care-sessions/{id}/attendees/{carerId}': {
    request: async ({ careSessionA, carerA }) => ({
      url: `/v1/care-sessions/${careSessionA}/attendees/${carerA}`,
      payload: { attendance: 'attended' },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'PUT /v1/care-sessions/{id}/attendees': {
    request: async ({ careSessionA, carerA }) => ({
      url: `/v1/care-sessions/${careSessionA}/attendees`,
      payload: { attendees: [{ carerId: carerA, attendance: 'attended' }] },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/partner/clients': {
    request: async () => ({ url: '/v1/partner/clients?snils=11223344595' }),
    expect: expect(403, 403, 403, 403, 404),
  },
  'GET /v1/partner/clients/{id}': {
    request: async ({ clientA }) => ({ url: `/v1/partner/clients/${clientA}` }),
    expect: expect(403, 403, 403, 403, 404),
  },
  'GET /v1/partner/clients/{id}/assessments': {
    request: async ({ clientA }) => ({ url: `/v1/partner/clients/${clientA}/assessments` }),
    expect: expect(403, 403, 403, 403, 404),
  },
  'GET /v1/audit-events': { request: async () => ({}), expect: expect(200, 200, 403, 403, 403) },
  'GET /v1/clients/{clientId}/access-log': {
    request: async ({ clientA }) => ({ url: `/v1/clients/${clientA}/access-log` }),
    expect: expect(200, 200, 200, 404, 403),
  },
  'GET /v1/changes': { request: async () => ({}), expect: expect(200, 200, 200, 200, 403) },
  // Webhooks: an admin's and a provider's own; the region and partners have none.
  'POST /v1/subscriptions': {
    request: async () => ({ payload: { url: 'https://eis.region.example/hooks', eventTypes: ['client.created'] } }),
    expect: expect(201, 403, 201, 201, 403),
  },
  'GET /v1/subscriptions': { request: async () => ({}), expect: expect(200, 403, 200, 200, 403) },
  'GET /v1/subscriptions/{subscriptionId}': {
    request: async (fixtures, testApp) => ({ url: `/v1/subscriptions/${await subscriptionOf(fixtures, testApp)}` }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'PATCH /v1/subscriptions/{subscriptionId}': {
    request: async (fixtures, testApp) => ({
      url: `/v1/subscriptions/${await subscriptionOf(fixtures, testApp)}`,
      headers: { 'if-match': '"1"' },
      payload: { status: 'paused' },
    }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/subscriptions/{subscriptionId}/replay': {
    request: async (fixtures, testApp) => ({ url: `/v1/subscriptions/${await subscriptionOf(fixtures, testApp)}/replay`, payload: {} }),
    expect: expect(202, 403, 202, 404, 403),
  },
  'GET /v1/subscriptions/{subscriptionId}/deliveries': {
    request: async (fixtures, testApp) => ({ url: `/v1/subscriptions/${await subscriptionOf(fixtures, testApp)}/deliveries` }),
    expect: expect(200, 403, 200, 404, 403),
  },
  // FHIR: what a medical system reads before it authenticates, then partner reads that need an
  // agreement with the client's organization (the partner's covers organization B only: a 404).
  'GET /fhir/r4/metadata': { request: async () => ({}), expect: PUBLIC },
  'GET /fhir/r4/Questionnaire/{id}': {
    request: async () => ({ url: '/fhir/r4/Questionnaire/bfd-home-2019' }),
    expect: expect(403, 403, 403, 403, 200),
  },
  'GET /fhir/r4/Patient/{id}': {
    request: async ({ clientA }) => ({ url: `/fhir/r4/Patient/${clientA}` }),
    expect: expect(403, 403, 403, 403, 404),
  },
  'GET /fhir/r4/QuestionnaireResponse': {
    request: async ({ clientA }) => ({ url: `/fhir/r4/QuestionnaireResponse?subject=Patient/${clientA}` }),
    expect: expect(403, 403, 403, 403, 404),
  },
  'GET /fhir/r4/QuestionnaireResponse/{id}': {
    request: async ({ assessmentA }) => ({ url: `/fhir/r4/QuestionnaireResponse/${assessmentA}` }),
    expect: expect(403, 403, 403, 403, 404),
  },
  'POST /v1/bulk/clients': {
    request: async ({ organizationA }) => ({
      url: `/v1/bulk/clients?organizationId=${organizationA}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify({ externalId: `B-${unique()}`, ...clientBody() })}\n`,
    }),
    expect: expect(200, 403, 200, 403, 403),
  },
  'POST /v1/bulk/assessments': {
    request: async ({ organizationA }) => ({
      url: `/v1/bulk/assessments?organizationId=${organizationA}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '',
    }),
    expect: expect(200, 403, 200, 403, 403),
  },
  'POST /v1/bulk/care-visits': {
    request: async ({ organizationA }) => ({
      url: `/v1/bulk/care-visits?organizationId=${organizationA}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '',
    }),
    expect: expect(200, 403, 200, 403, 403),
  },
  'GET /v1/bulk/jobs': { request: async () => ({}), expect: expect(200, 403, 200, 200, 403) },
  'GET /v1/bulk/jobs/{id}': {
    request: async (fixtures, testApp) => ({ url: `/v1/bulk/jobs/${await bulkJobOf(fixtures, testApp)}` }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'GET /v1/bulk/jobs/{id}/failures': {
    request: async (fixtures, testApp) => ({ url: `/v1/bulk/jobs/${await bulkJobOf(fixtures, testApp)}/failures` }),
    expect: expect(200, 403, 200, 404, 403),
  },
  'POST /v1/api-keys': {
    request: async () => ({ payload: { name: `key ${unique()}`, role: 'regional' } }),
    expect: expect(201, 403, 403, 403, 403),
  },
  'GET /v1/api-keys': { request: async () => ({}), expect: expect(200, 403, 403, 403, 403) },
  'DELETE /v1/api-keys/{id}': {
    request: async (_fixtures, testApp) => ({ url: `/v1/api-keys/${(await makeKey(testApp, 'regional')).id}` }),
    expect: expect(200, 403, 403, 403, 403),
  },
};

t.test('access matrix', async (t) => {
  const testApp = await buildTestApp(t);
  const organizationA = (await makeOrganization(testApp)).id;
  const organizationB = (await makeOrganization(testApp)).id;
  const hospital = (await makeOrganization(testApp, { kind: 'medical' })).id;
  const staffA = (await makeStaff(testApp, organizationA)).id;
  const clientA = (await makeClient(testApp, organizationA)).id;
  const form = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json();
  const answers = answersScoring(form.items, 5);
  const first = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientA}/assessments`,
    payload: { instrumentId: 'bfd-home-2019', assessedOn: '2026-01-15', answers, conductedBy: [staffA] },
  });
  const fixtures: Fixtures = {
    organizationA,
    departmentA: (await makeDepartment(testApp, organizationA)).id,
    staffA,
    clientA,
    assessmentA: first.json().id,
    answers,
    activityTypeA: '',
    activityA: '',
    programA: '',
    planA: '',
    reportA: '',
    hospital,
    agreementA: '',
    carerA: '',
    representativeA: '',
    careSessionA: '',
  };
  const ownType = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/activity-types',
    payload: {
      organizationId: organizationA,
      nameRu: 'Своё занятие',
      nameEn: 'Own class',
      direction: 'cultural_leisure',
      participation: 'active',
      defaultDurationMinutes: 60,
      components: ['social'],
    },
  });
  fixtures.activityTypeA = ownType.json().id;
  fixtures.activityA = (await makeActivity(testApp, session(fixtures))).id;
  const draftProgram = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientA}/support-programs`,
    payload: program(fixtures),
  });
  fixtures.programA = draftProgram.json().id;
  const plan = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/organizations/${organizationA}/implementation-plans`,
    payload: { title: 'План внедрения' },
  });
  fixtures.planA = plan.json().id;
  const report = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/monitoring-reports',
    payload: { organizationId: organizationA, month: '2025-02' },
  });
  fixtures.reportA = report.json().id;
  const agreement = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/agreements',
    payload: {
      medicalOrganizationId: hospital,
      organizationIds: [organizationB],
      number: '№ 0',
      signedOn: '2025-01-01',
      validFrom: '2025-01-01',
      validTo: '2026-12-31',
      scope: ['assessments'],
    },
  });
  fixtures.agreementA = agreement.json().id;
  fixtures.carerA = (await testApp.call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${clientA}/carers`, payload: carer() })).json().id;
  fixtures.representativeA = (
    await testApp.call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${clientA}/representatives`, payload: representative() })
  ).json().id;
  fixtures.careSessionA = (
    await testApp.call(ADMIN_KEY, { method: 'POST', url: '/v1/care-sessions', payload: careSession(fixtures) })
  ).json().id;
  const revoked = await makeKey(testApp, 'admin');
  await testApp.call(ADMIN_KEY, { method: 'DELETE', url: `/v1/api-keys/${revoked.id}` });
  const keys: Record<Caller, string | undefined> = {
    anonymous: undefined,
    revoked: revoked.secret,
    admin: ADMIN_KEY,
    regional: (await makeKey(testApp, 'regional')).secret,
    providerOwn: (await makeKey(testApp, 'provider', organizationA)).secret,
    providerOther: (await makeKey(testApp, 'provider', organizationB)).secret,
    partner: (await makeKey(testApp, 'medical_partner', hospital)).secret,
  };

  t.test('every operation of the contract has a row', async (t) => {
    await testApp.app.ready();
    const document = testApp.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    t.same(
      operations.filter((operation) => !(operation in MATRIX)),
      [],
      'operations without a row',
    );
    t.same(
      Object.keys(MATRIX).filter((operation) => !operations.includes(operation)),
      [],
      'rows without an operation',
    );
  });

  for (const [operation, row] of Object.entries(MATRIX)) {
    const [method, path] = operation.split(' ') as [InjectOptions['method'], string];
    t.test(operation, async (t) => {
      for (const caller of CALLERS) {
        const request = await row.request(fixtures, testApp);
        const response = await testApp.call(keys[caller], { method, url: path, ...request });
        t.equal(response.statusCode, row.expect[caller], `${caller}: ${response.statusCode} ${response.body.slice(0, 200)}`);
        if (response.statusCode >= 400) {
          // FHIR clients get their errors as OperationOutcome resources.
          const errorType = path.startsWith('/fhir/') ? 'application/fhir+json; charset=utf-8' : 'application/problem+json; charset=utf-8';
          t.equal(response.headers['content-type'], errorType, `${caller}: ${errorType}`);
        }
      }
    });
  }
});

t.test('the scope of a credential fails closed', async (t) => {
  t.same(scopeOf({ id: null, role: 'admin', organizationId: null }), { kind: 'all' }, 'admin: every organization');
  t.same(scopeOf({ id: 'k', role: 'regional', organizationId: null }), { kind: 'all' }, 'regional: every organization');
  t.same(scopeOf({ id: 'k', role: 'provider', organizationId: 'o' }), { kind: 'organization', organizationId: 'o' }, 'a provider: its own');
  t.same(
    scopeOf({ id: 'k', role: 'medical_partner', organizationId: 'm' }),
    { kind: 'partner', medicalOrganizationId: 'm' },
    'a partner: its grant',
  );
  for (const role of ['provider', 'medical_partner'] as const) {
    const refusal = (() => {
      try {
        return scopeOf({ id: 'k', role, organizationId: null });
      } catch (error) {
        return error;
      }
    })();
    t.match(refusal, { statusCode: 403 }, `a ${role} key without an organization sees nothing`);
  }
});

t.test('a /v1 or /fhir route without an access declaration stops the start', async (t) => {
  for (const url of ['/v1/forgotten', '/fhir/r4/Forgotten']) {
    const start = async () => {
      const app = Fastify();
      t.teardown(() => app.close());
      await app.register(auth, { db: {} as Db });
      app.get(url, async () => ({}));
      await app.ready();
    };
    await t.rejects(start(), /does not declare its access/, url);
  }
});
