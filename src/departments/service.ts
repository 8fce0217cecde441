import type { Db } from '../db/database.js';
import type { DepartmentRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, Unprocessable } from '../http/errors.js';
import { getOrganization } from '../organizations/service.js';
import * as repository from './repository.js';
import type { CreateDepartment, Department, UpdateDepartment } from './schemas.js';

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

export async function createDepartment(db: Db, organizationId: string, input: CreateDepartment): Promise<DepartmentRow> {
  const organization = await getOrganization(db, organizationId);
  if (organization.kind !== 'social_service') {
    throw new Unprocessable('Only social-service organizations have care departments.');
  }
  return repository.insertDepartment(db, organizationId, { name: departmentName(input.name), care_form: input.careForm });
}

export async function getDepartment(db: Db, organizationId: string, id: string): Promise<DepartmentRow> {
  const row = await repository.findDepartment(db, organizationId, id);
  if (!row) throw new NotFound('Department', id);
  return row;
}

export async function listDepartments(db: Db, organizationId: string, filter: repository.DepartmentFilter) {
  await getOrganization(db, organizationId);
  return repository.listDepartments(db, organizationId, filter);
}

export async function updateDepartment(
  db: Db,
  organizationId: string,
  id: string,
  ifMatch: IfMatch,
  input: UpdateDepartment,
): Promise<DepartmentRow> {
  const current = await getDepartment(db, organizationId, id);
  const changes = { name: input.name === undefined ? undefined : departmentName(input.name), care_form: input.careForm };
  const updated = await repository.updateDepartment(db, organizationId, id, expectedVersion(ifMatch, current), changes);
  if (updated) return updated;
  throw failedUpdate(await repository.findDepartment(db, organizationId, id), ifMatch, () => new NotFound('Department', id));
}
