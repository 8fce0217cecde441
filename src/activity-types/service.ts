import type { Db } from '../db/database.js';
import type { ActivityTypeRow, Component, Direction } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { Forbidden, NotFound, invalidFields } from '../http/errors.js';
import { findOrganization } from '../organizations/repository.js';
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
    staffPosition: row.staff_position as ActivityType['staffPosition'],
    components: row.components,
    maxGroup: row.max_group,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function createActivityType(db: Db, input: CreateActivityType): Promise<ActivityTypeRow> {
  if (input.organizationId && (await findOrganization(db, input.organizationId))?.kind !== 'social_service') {
    throw invalidFields('Activities belong to a social-service organization.', [
      { pointer: '/organizationId', message: 'is not a social-service organization of this register' },
    ]);
  }
  return repository.insertActivityType(db, {
    organization_id: input.organizationId ?? null,
    name_ru: input.nameRu,
    name_en: input.nameEn,
    direction: input.direction as Direction,
    participation: input.participation,
    default_duration_minutes: input.defaultDurationMinutes,
    staff_position: input.staffPosition ?? null,
    components: input.components as Component[],
    max_group: input.maxGroup ?? null,
  });
}

export async function getActivityType(db: Db, id: string, scope?: string): Promise<ActivityTypeRow> {
  const row = await repository.findActivityType(db, id, scope);
  if (!row) throw new NotFound('Activity type', id);
  return row;
}

/** An organization changes its own entries; the shared catalog is the admins’. */
async function getWritable(db: Db, id: string, scope?: string): Promise<ActivityTypeRow> {
  const row = await getActivityType(db, id, scope);
  if (scope !== undefined && row.organization_id === null) {
    throw new Forbidden('The shared catalog is maintained by administrators; add an activity type of your own instead.');
  }
  return row;
}

export async function updateActivityType(db: Db, id: string, ifMatch: IfMatch, input: UpdateActivityType, scope?: string) {
  const current = await getWritable(db, id, scope);
  const updated = await repository.updateActivityType(db, id, expectedVersion(ifMatch, current), {
    name_ru: input.nameRu,
    name_en: input.nameEn,
    direction: input.direction as Direction | undefined,
    participation: input.participation,
    default_duration_minutes: input.defaultDurationMinutes,
    staff_position: input.staffPosition,
    components: input.components as Component[] | undefined,
    max_group: input.maxGroup,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Activity type', id));
  return updated;
}

/** Retired types stay on past sessions and programs but are offered no more. */
export async function retireActivityType(db: Db, id: string, scope?: string) {
  const current = await getWritable(db, id, scope);
  if (current.retired_at) return current;
  return (await repository.updateActivityType(db, id, current.version, { retired_at: new Date() }))!;
}
