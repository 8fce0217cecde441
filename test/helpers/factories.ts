import { snilsCheckNumber } from '../../src/clients/snils.js';
import type { TestApp } from './app.js';
import { ADMIN_KEY } from './app.js';

/** Small builders of real rows, made through the API as a client would make them. */

let sequence = 0;
const next = () => ++sequence;

export async function makeOrganization({ call }: TestApp, fields: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const response = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/organizations',
    payload: { name: `Комплексный центр № ${next()}`, kind: 'social_service', regionCode: '37', ...fields },
  });
  if (response.statusCode !== 201) throw new Error(`makeOrganization: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function makeKey({ call }: TestApp, role: string, organizationId?: string): Promise<{ id: string; secret: string }> {
  const response = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: `${role} key ${next()}`, role, ...(organizationId ? { organizationId } : {}) },
  });
  if (response.statusCode !== 201) throw new Error(`makeKey: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function makeDepartment(
  { call }: TestApp,
  organizationId: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const response = await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/organizations/${organizationId}/departments`,
    payload: { name: `Отделение № ${next()}`, careForm: 'home', ...fields },
  });
  if (response.statusCode !== 201) throw new Error(`makeDepartment: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function makeStaff(
  { call }: TestApp,
  organizationId: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; fullName: string }> {
  const response = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/staff',
    payload: { organizationId, fullName: `Сотрудник ${next()}`, position: 'social_worker', ...fields },
  });
  if (response.statusCode !== 201) throw new Error(`makeStaff: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** A random valid SNILS; its own rules are tested on known numbers in test/clients/snils.test.ts. */
let days = 0;

/** A day since 2015 not given before in this test file: a client has one final assessment a form and day. */
export function freshDay(): string {
  return new Date(Date.UTC(2015, 0, 1) + ++days * 86_400_000).toISOString().slice(0, 10);
}

export function makeSnils(): string {
  const number = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
  return `${number}${String(snilsCheckNumber(number)).padStart(2, '0')}`;
}

/** A valid client registration without its organization: the body of createClient, or a bulk line. */
export function clientBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    lastName: `Иванова-${next()}`,
    firstName: 'Мария',
    middleName: 'Петровна',
    birthDate: '1940-03-08',
    sex: 'female',
    snils: makeSnils(),
    careForm: 'home',
    livingSituation: 'lives_alone',
    socialSupport: 2,
    ...fields,
  };
}

/** A valid activity type of an organization for `POST /v1/activity-types`. */
export function activityTypeBody(organizationId: string, nameRu: string) {
  return {
    organizationId,
    nameRu,
    nameEn: 'Class',
    direction: 'psychological',
    participation: 'active',
    defaultDurationMinutes: 30,
    components: ['psychological'],
  };
}

/** A valid support program for `POST /v1/clients/{clientId}/support-programs`. */
export function programBody(activityTypeId: string, staffId: string) {
  return {
    periodFrom: '2025-01-01',
    periodTo: '2025-06-30',
    goals: { social: 'Общение' },
    activities: [{ activityTypeId, timesPerWeek: 1 }],
    draftedBy: [staffId],
  };
}

export async function makeClient(
  { call }: TestApp,
  organizationId: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; snils: string; lastName: string }> {
  const response = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/clients',
    payload: { organizationId, ...clientBody(fields) },
  });
  if (response.statusCode !== 201) throw new Error(`makeClient: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** An activity type of the shared catalog, by its code (see the milieu therapy migration). */
export async function catalogType({ call }: TestApp, code: string): Promise<{ id: string; defaultDurationMinutes: number }> {
  const items = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/activity-types?limit=200' })).json().items;
  const type = items.find((item: { code: string | null }) => item.code === code);
  if (!type) throw new Error(`catalogType: no ${code}`);
  return type;
}

export async function makeActivity({ call }: TestApp, fields: Record<string, unknown>): Promise<{ id: string; startsAt: string }> {
  const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/activities', payload: fields });
  if (response.statusCode !== 201) throw new Error(`makeActivity: ${response.statusCode} ${response.body}`);
  return response.json();
}
