import { NotSocialServiceOrganization } from '../organizations/problems.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ActivityTypeRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, withFields } from '../http/problems.js';
import { findOrganization } from '../organizations/repository.js';
import { SharedCatalogReadOnly } from './problems.js';
import * as repository from './repository.js';
import type { ActivityType, CreateActivityType, UpdateActivityType } from './schemas.js';

export function toActivityType(row: ActivityTypeRow): ActivityType {
  return {
    id: row.id,
    code: row.code,
    organizationId: row.organization_id,
    nameRu: row.name_ru,
    nameEn: row.name_en,
    direction: row.direction,
    participation: row.participation,
    defaultDurationMinutes: row.default_duration_minutes,
    staffPosition: row.staff_position,
    components: row.components,
    maxGroup: row.max_group,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Without an organization the type joins the shared catalog, which only the scope of every organization writes. */
export async function createActivityType(tx: UnitOfWork, input: CreateActivityType): Promise<ActivityTypeRow> {
  if (input.organizationId && (await findOrganization(tx, input.organizationId))?.kind !== 'social_service') {
    throw withFields(new NotSocialServiceOrganization('Activity types of an organization'), [
      { pointer: '/organizationId', message: 'is not a social-service organization of this register' },
    ]);
  }
  return repository.insertActivityType(tx, {
    organization_id: input.organizationId ?? null,
    name_ru: input.nameRu,
    name_en: input.nameEn,
    direction: input.direction,
    participation: input.participation,
    default_duration_minutes: input.defaultDurationMinutes,
    staff_position: input.staffPosition ?? null,
    components: input.components,
    max_group: input.maxGroup ?? null,
  });
}

export async function getActivityType(ctx: Context, id: string): Promise<ActivityTypeRow> {
  const row = await repository.findActivityType(ctx, id);
  if (!row) throw new NotFound('Activity type', id);
  return row;
}

/** An organization changes its own entries; the shared catalog, which it reads too, is the admins’. */
async function getWritable(tx: UnitOfWork, id: string): Promise<ActivityTypeRow> {
  const row = await getActivityType(tx, id);
  if (row.organization_id === null && tx.scope.kind !== 'all') throw new SharedCatalogReadOnly();
  return row;
}

export async function updateActivityType(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateActivityType) {
  const current = await getWritable(tx, id);
  const updated = await repository.updateActivityType(tx, id, expectedVersion(ifMatch, current), {
    name_ru: input.nameRu,
    name_en: input.nameEn,
    direction: input.direction,
    participation: input.participation,
    default_duration_minutes: input.defaultDurationMinutes,
    staff_position: input.staffPosition,
    components: input.components,
    max_group: input.maxGroup,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Activity type', id));
  return updated;
}

/** Retired types stay on past sessions and programs but are offered no more. */
export async function retireActivityType(tx: UnitOfWork, id: string) {
  const current = await getWritable(tx, id);
  if (!current.retired_at) await repository.retireActivityType(tx, id);
  return getActivityType(tx, id);
}
