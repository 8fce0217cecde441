import { NotSocialServiceOrganization } from '../organizations/problems.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import { onUniqueViolation } from '../db/errors.js';
import type { DepartmentRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound } from '../http/problems.js';
import { getOrganization } from '../organizations/service.js';
import { DepartmentNameTaken } from './problems.js';
import * as repository from './repository.js';
import type { CreateDepartment, Department, DepartmentListFilter, UpdateDepartment } from './schemas.js';

export function toDepartment(row: DepartmentRow): Department {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    careForm: row.care_form,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * A department's name as it is stored and compared for uniqueness within the organization: without
 * surrounding spaces and with inner runs of spaces made one, so " Отделение  1 " is "Отделение 1".
 */
function departmentName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** Runs a write that may give the department the name of another one of its organization. */
function guardName<T>(tx: UnitOfWork, name: string | undefined, write: () => Promise<T>): Promise<T> {
  return onUniqueViolation(tx.db, write, 'departments_organization_id_name_key', () => new DepartmentNameTaken(String(name)));
}

export async function createDepartment(tx: UnitOfWork, organizationId: string, input: CreateDepartment): Promise<DepartmentRow> {
  const organization = await getOrganization(tx, organizationId);
  if (organization.kind !== 'social_service') throw new NotSocialServiceOrganization('Care departments');
  const name = departmentName(input.name);
  return guardName(tx, name, () => repository.insertDepartment(tx, organizationId, { name, care_form: input.careForm }));
}

export async function getDepartment(ctx: Context, organizationId: string, id: string): Promise<DepartmentRow> {
  const row = await repository.findDepartment(ctx, organizationId, id);
  if (!row) throw new NotFound('Department', id);
  return row;
}

/** The organization's departments a list filter selects, for `paginate`; a 404 for an organization the caller cannot see. */
export async function departmentsQuery(ctx: Context, organizationId: string, filter: DepartmentListFilter) {
  await getOrganization(ctx, organizationId);
  return repository.departmentsQuery(ctx, organizationId, filter);
}

export async function updateDepartment(
  tx: UnitOfWork,
  organizationId: string,
  id: string,
  ifMatch: IfMatch,
  input: UpdateDepartment,
): Promise<DepartmentRow> {
  const current = await getDepartment(tx, organizationId, id);
  const name = input.name === undefined ? undefined : departmentName(input.name);
  const version = expectedVersion(ifMatch, current);
  const updated = await guardName(tx, name, () =>
    repository.updateDepartment(tx, organizationId, id, version, { name, care_form: input.careForm }),
  );
  if (updated) return updated;
  throw failedUpdate(await repository.findDepartment(tx, organizationId, id), ifMatch, () => new NotFound('Department', id));
}
