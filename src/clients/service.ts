import { today as todayInMoscow } from '../calendar/dates.js';
import type { Db } from '../db/database.js';
import { guardUnique } from '../db/errors.js';
import type { ClientRow, ClientUpdate, DepartmentRow, NewClientRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { Conflict, NotFound, Unprocessable, invalidFields, withProblem } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import { fromQuarters } from '../instruments/scoring.js';
import { findOrganization } from '../organizations/repository.js';
import * as repository from './repository.js';
import type { AssessmentSummary, Client, CreateClient, UpdateClient } from './schemas.js';
import { canonicalSnils, isValidSnils } from './snils.js';

export function toAssessmentSummary(row: ClientRow, today: string): AssessmentSummary | null {
  if (!row.current_assessment_id || row.current_score_quarters === null) return null;
  return {
    id: row.current_assessment_id,
    instrumentId: row.current_instrument_id!,
    assessedOn: row.current_assessed_on!,
    score: fromQuarters(row.current_score_quarters),
    group: row.current_group!,
    selfCareReduction: row.current_self_care_reduction as AssessmentSummary['selfCareReduction'],
    nextCheckOn: row.current_next_check_on!,
    reassessmentOverdue: row.current_next_check_on! < today,
  };
}

export function toClient(row: ClientRow, today = todayInMoscow()): Client {
  return {
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    lastName: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    birthDate: row.birth_date,
    sex: row.sex,
    snils: row.snils,
    careForm: row.care_form,
    livingSituation: row.living_situation,
    socialSupport: row.social_support,
    status: row.status,
    externalId: row.external_id,
    address: row.address,
    notes: row.notes,
    latestAssessment: toAssessmentSummary(row, today),
    archivedAt: row.archived_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

type ClientFields = Partial<CreateClient>;
type Pointer = Omit<FieldError, 'in'>;

/**
 * The domain rules a schema cannot express, each named by its field. `departmentOf` finds a
 * department of the client's organization (one query, or a map a bulk import loaded once).
 */
export async function clientRuleErrors(
  fields: ClientFields,
  departmentOf: (id: string) => Promise<DepartmentRow | undefined> | DepartmentRow | undefined,
  current?: ClientRow,
): Promise<Pointer[]> {
  const errors: Pointer[] = [];
  if (fields.snils !== undefined && !isValidSnils(canonicalSnils(fields.snils))) {
    errors.push({ pointer: '/snils', message: 'has a wrong check number' });
  }
  if (fields.birthDate !== undefined) {
    if (fields.birthDate > todayInMoscow()) errors.push({ pointer: '/birthDate', message: 'is in the future' });
    else if (fields.birthDate < '1890-01-01') errors.push({ pointer: '/birthDate', message: 'is before 1890' });
  }
  const departmentId = fields.departmentId === undefined ? current?.department_id : fields.departmentId;
  const careForm = fields.careForm ?? current?.care_form;
  if (departmentId) {
    const department = await departmentOf(departmentId);
    if (!department) errors.push({ pointer: '/departmentId', message: 'is not a department of the client’s organization' });
    else if (department.care_form !== careForm) {
      errors.push({ pointer: '/careForm', message: `must be ${department.care_form}, the care form of the department` });
    }
  }
  return errors;
}

async function checkClient(db: Db, organizationId: string, fields: ClientFields, current?: ClientRow): Promise<void> {
  const errors = await clientRuleErrors(fields, (id) => findDepartment(db, organizationId, id), current);
  if (errors.length) throw invalidFields('The client breaks a rule of the register.', errors);
}

/** The row of a new client; optional fields take their defaults. */
export function newClientRow(organizationId: string, input: Omit<CreateClient, 'organizationId'>): NewClientRow {
  return {
    organization_id: organizationId,
    department_id: input.departmentId ?? null,
    last_name: input.lastName,
    first_name: input.firstName,
    middle_name: input.middleName ?? null,
    search_name: repository.searchName(input.lastName, input.firstName, input.middleName),
    birth_date: input.birthDate,
    sex: input.sex,
    snils: canonicalSnils(input.snils),
    care_form: input.careForm,
    living_situation: input.livingSituation,
    social_support: input.socialSupport,
    status: input.status ?? 'active',
    external_id: input.externalId ?? null,
    address: input.address ?? null,
    notes: input.notes ?? null,
  };
}

/** The columns an update sets; the search name follows the name parts, changed or kept. */
export function clientUpdateColumns(input: UpdateClient, current: ClientRow): ClientUpdate {
  const middleName = input.middleName === undefined ? current.middle_name : input.middleName;
  return {
    department_id: input.departmentId,
    last_name: input.lastName,
    first_name: input.firstName,
    middle_name: input.middleName,
    search_name: repository.searchName(input.lastName ?? current.last_name, input.firstName ?? current.first_name, middleName),
    birth_date: input.birthDate,
    sex: input.sex,
    snils: input.snils === undefined ? undefined : canonicalSnils(input.snils),
    care_form: input.careForm,
    living_situation: input.livingSituation,
    social_support: input.socialSupport,
    status: input.status,
    external_id: input.externalId,
    address: input.address,
    notes: input.notes,
  };
}

/** A duplicate SNILS or external id: name the existing client when the caller may see it. */
async function conflict(db: Db, constraint: string, fields: ClientFields, organizationId: string, scope?: string): Promise<Error | undefined> {
  const bySnils = constraint === 'clients_snils_key';
  if (!bySnils && constraint !== 'clients_external_id_key') return undefined;
  const existing = bySnils
    ? await repository.findClientBy(db, 'snils', canonicalSnils(fields.snils!))
    : await repository.findClientBy(db, 'external_id', fields.externalId!, organizationId);
  const visible = existing && (scope === undefined || existing.organization_id === scope);
  const what = bySnils ? 'this SNILS' : `external id ${fields.externalId}`;
  return withProblem(
    new Conflict(`A client with ${what} is already registered${visible ? ` (${existing.id})` : ''}.`),
    visible ? { existingId: existing.id } : {},
  );
}

export async function createClient(db: Db, input: CreateClient, scope?: string): Promise<ClientRow> {
  const organization = await findOrganization(db, input.organizationId);
  if (organization?.kind !== 'social_service') {
    throw invalidFields('Clients belong to a registered social-service organization.', [
      { pointer: '/organizationId', message: 'is not a social-service organization of this register' },
    ]);
  }
  await checkClient(db, input.organizationId, input);
  const row = await guardUnique(
    db,
    () => repository.insertClient(db, newClientRow(input.organizationId, input)),
    (constraint) => conflict(db, constraint, input, input.organizationId, scope),
  );
  return row;
}

export async function getClient(db: Db, id: string, scope?: string): Promise<ClientRow> {
  const row = await repository.findClient(db, id, scope);
  if (!row) throw new NotFound('Client', id);
  return row;
}

function checkNotArchived(client: ClientRow): void {
  if (client.archived_at) throw new Unprocessable(`Client ${client.id} is archived and can no longer change.`);
}

export async function updateClient(db: Db, id: string, ifMatch: IfMatch, input: UpdateClient, scope?: string) {
  const current = await getClient(db, id, scope);
  checkNotArchived(current);
  await checkClient(db, current.organization_id, input, current);
  const version = expectedVersion(ifMatch, current);
  const updated = await guardUnique(
    db,
    () => repository.updateClient(db, id, version, clientUpdateColumns(input, current), scope),
    (constraint) => conflict(db, constraint, input, current.organization_id, scope),
  );
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Client', id));
  return updated;
}

/** Archiving keeps the record and its history; the client leaves lists and takes no new assessment. */
export async function archiveClient(db: Db, id: string, scope?: string) {
  const current = await getClient(db, id, scope);
  if (!current.archived_at) await repository.archiveClient(db, id);
  return getClient(db, id, scope);
}
