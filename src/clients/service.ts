import { NotSocialServiceOrganization } from '../organizations/problems.js';
import { today as todayInMoscow } from '../calendar/dates.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import { guardUnique } from '../db/errors.js';
import type { ClientRow, ClientUpdate, DepartmentRow, NewClientRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, withFields, withProblem } from '../http/problems.js';
import type { FieldError } from '../http/problem.js';
import { fromQuarters } from '../instruments/scoring.js';
import { findOrganization } from '../organizations/repository.js';
import { ClientArchived, ClientRuleViolated, ExternalIdTaken, SnilsTaken } from './problems.js';
import * as repository from './repository.js';
import type { ClientView } from './repository.js';
import type { AssessmentSummary, Client, CreateClient, UpdateClient } from './schemas.js';
import { canonicalSnils, isValidSnils } from './snils.js';

/** The client's current assessment, from the figures kept on its row (all set together, or none). */
export function toAssessmentSummary(row: ClientView, today: string): AssessmentSummary | null {
  const {
    current_assessment_id: id,
    current_instrument_id: instrumentId,
    current_assessed_on: assessedOn,
    current_score_quarters: quarters,
    current_group: group,
    current_self_care_reduction: selfCareReduction,
    current_next_check_on: nextCheckOn,
  } = row;
  if (id === null || instrumentId === null || assessedOn === null || quarters === null || group === null) return null;
  if (selfCareReduction === null || nextCheckOn === null) return null;
  return {
    id,
    instrumentId,
    assessedOn,
    score: fromQuarters(quarters),
    group,
    // Set together with the group (refreshCurrentAssessment, and the decisions migration's backfill).
    computedGroup: row.current_computed_group ?? group,
    decisionId: row.current_decision_id,
    selfCareReduction,
    nextCheckOn,
    reassessmentOverdue: nextCheckOn < today,
    nearBoundary: row.current_near_boundary === true,
  };
}

export function toClient(row: ClientView, today = todayInMoscow()): Client {
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
  // The schema holds a birth date to 1900 and later; only the future needs today.
  if (fields.birthDate !== undefined && fields.birthDate > todayInMoscow()) {
    errors.push({ pointer: '/birthDate', message: 'is in the future' });
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

async function checkClient(ctx: Context, organizationId: string, fields: ClientFields, current?: ClientRow): Promise<void> {
  const errors = await clientRuleErrors(fields, (id) => findDepartment(ctx, organizationId, id), current);
  if (errors.length) throw withFields(new ClientRuleViolated(), errors);
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
async function conflict(ctx: Context, constraint: string, fields: ClientFields, organizationId: string): Promise<Error | undefined> {
  if (constraint === 'clients_snils_key' && fields.snils !== undefined) {
    const existing = await repository.findClientBy(ctx, { snils: canonicalSnils(fields.snils) });
    return withProblem(new SnilsTaken(existing ? ` (${existing.id})` : ''), existing ? { existingId: existing.id } : {});
  }
  if (constraint === 'clients_external_id_key' && typeof fields.externalId === 'string') {
    const existing = await repository.findClientBy(ctx, { organizationId, externalId: fields.externalId });
    return withProblem(
      new ExternalIdTaken(fields.externalId, existing ? ` (${existing.id})` : ''),
      existing ? { existingId: existing.id } : {},
    );
  }
  return undefined;
}

export async function createClient(tx: UnitOfWork, input: CreateClient): Promise<ClientRow> {
  const organization = await findOrganization(tx, input.organizationId);
  if (organization?.kind !== 'social_service') {
    throw withFields(new NotSocialServiceOrganization('Clients'), [
      { pointer: '/organizationId', message: 'is not a social-service organization of this register' },
    ]);
  }
  await checkClient(tx, input.organizationId, input);
  return guardUnique(
    tx.db,
    () => repository.insertClient(tx, newClientRow(input.organizationId, input)),
    (constraint) => conflict(tx, constraint, input, input.organizationId),
  );
}

export async function getClient(ctx: Context, id: string): Promise<ClientRow> {
  const row = await repository.findClient(ctx, id);
  if (!row) throw new NotFound('Client', id);
  return row;
}

function checkNotArchived(client: ClientRow): void {
  if (client.archived_at) throw new ClientArchived(client.id);
}

export async function updateClient(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateClient) {
  const current = await getClient(tx, id);
  checkNotArchived(current);
  await checkClient(tx, current.organization_id, input, current);
  const version = expectedVersion(ifMatch, current);
  const updated = await guardUnique(
    tx.db,
    () => repository.updateClient(tx, id, version, clientUpdateColumns(input, current)),
    (constraint) => conflict(tx, constraint, input, current.organization_id),
  );
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Client', id));
  return updated;
}

/** Archiving keeps the record and its history; the client leaves lists and takes no new assessment. */
export async function archiveClient(tx: UnitOfWork, id: string) {
  const current = await getClient(tx, id);
  if (!current.archived_at) await repository.archiveClient(tx, id);
  return getClient(tx, id);
}
