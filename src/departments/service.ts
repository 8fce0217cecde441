import type { Db } from '../db/database.js';
import type { DepartmentRow } from '../db/schema.js';
import { failedUpdate } from '../db/versioning.js';
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

export async function createDepartment(db: Db, organizationId: string, input: CreateDepartment): Promise<DepartmentRow> {
  const organization = await getOrganization(db, organizationId);
  if (organization.kind !== 'social_service') {
    throw new Unprocessable('Only social-service organizations have care departments.');
  }
  return repository.insertDepartment(db, organizationId, { name: input.name, care_form: input.careForm });
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
  const changes = { name: input.name, care_form: input.careForm };
  const updated = await repository.updateDepartment(db, organizationId, id, ifMatch.version, changes);
  if (updated) return updated;
  const current = await repository.findDepartment(db, organizationId, id);
  throw failedUpdate(current, ifMatch, () => new NotFound('Department', id));
}
