import { NotSocialServiceOrganization } from '../organizations/problems.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { StaffRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, withFields } from '../http/problems.js';
import { findOrganization } from '../organizations/repository.js';
import { StaffDepartmentUnknown } from './problems.js';
import * as repository from './repository.js';
import type { CreateStaff, StaffMember, UpdateStaff } from './schemas.js';

export function toStaffMember(row: StaffRow): StaffMember {
  return {
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    fullName: row.full_name,
    position: row.position,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function checkDepartment(ctx: Context, organizationId: string, departmentId: string | null | undefined): Promise<void> {
  if (!departmentId || (await findDepartment(ctx, organizationId, departmentId))) return;
  throw withFields(new StaffDepartmentUnknown(), [{ pointer: '/departmentId', message: 'is not a department of this organization' }]);
}

export async function createStaff(tx: UnitOfWork, input: CreateStaff): Promise<StaffRow> {
  const organization = await findOrganization(tx, input.organizationId);
  if (organization?.kind !== 'social_service') {
    throw withFields(new NotSocialServiceOrganization('Staff'), [
      { pointer: '/organizationId', message: 'is not a social-service organization of this register' },
    ]);
  }
  await checkDepartment(tx, input.organizationId, input.departmentId);
  return repository.insertStaff(tx, {
    organization_id: input.organizationId,
    department_id: input.departmentId ?? null,
    full_name: input.fullName,
    position: input.position,
    active: input.active ?? true,
  });
}

export async function getStaff(ctx: Context, id: string): Promise<StaffRow> {
  const row = await repository.findStaff(ctx, id);
  if (!row) throw new NotFound('Staff member', id);
  return row;
}

export async function updateStaff(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateStaff): Promise<StaffRow> {
  const current = await getStaff(tx, id);
  await checkDepartment(tx, current.organization_id, input.departmentId);
  const changes = {
    department_id: input.departmentId,
    full_name: input.fullName,
    position: input.position,
    active: input.active,
  };
  const updated = await repository.updateStaff(tx, id, expectedVersion(ifMatch, current), changes);
  if (updated) return updated;
  throw failedUpdate(await repository.findStaff(tx, id), ifMatch, () => new NotFound('Staff member', id));
}
