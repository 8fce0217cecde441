import type { Db } from '../db/database.js';
import type { StaffRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, invalidFields } from '../http/errors.js';
import { findOrganization } from '../organizations/repository.js';
import * as repository from './repository.js';
import type { CreateStaff, StaffMember, UpdateStaff } from './schemas.js';

export function toStaffMember(row: StaffRow): StaffMember {
  return {
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    fullName: row.full_name,
    position: row.position as StaffMember['position'],
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function checkDepartment(db: Db, organizationId: string, departmentId: string | null | undefined): Promise<void> {
  if (!departmentId || (await findDepartment(db, organizationId, departmentId))) return;
  throw invalidFields('The department is not one of the organization’s departments.', [
    { pointer: '/departmentId', message: 'is not a department of this organization' },
  ]);
}

export async function createStaff(db: Db, input: CreateStaff): Promise<StaffRow> {
  const organization = await findOrganization(db, input.organizationId);
  if (organization?.kind !== 'social_service') {
    throw invalidFields('Staff belong to a registered social-service organization.', [
      { pointer: '/organizationId', message: 'is not a social-service organization of this register' },
    ]);
  }
  await checkDepartment(db, input.organizationId, input.departmentId);
  return repository.insertStaff(db, {
    organization_id: input.organizationId,
    department_id: input.departmentId ?? null,
    full_name: input.fullName,
    position: input.position,
    active: input.active ?? true,
  });
}

export async function getStaff(db: Db, id: string, scope?: string): Promise<StaffRow> {
  const row = await repository.findStaff(db, id, scope);
  if (!row) throw new NotFound('Staff member', id);
  return row;
}

export async function updateStaff(db: Db, id: string, ifMatch: IfMatch, input: UpdateStaff, scope?: string): Promise<StaffRow> {
  const current = await getStaff(db, id, scope);
  await checkDepartment(db, current.organization_id, input.departmentId);
  const changes = {
    department_id: input.departmentId,
    full_name: input.fullName,
    position: input.position,
    active: input.active,
  };
  const updated = await repository.updateStaff(db, id, expectedVersion(ifMatch, current), changes, scope);
  if (updated) return updated;
  throw failedUpdate(await repository.findStaff(db, id, scope), ifMatch, () => new NotFound('Staff member', id));
}
