import type { Insertable, Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ActivityTypeRow, ActivityTypeTable } from '../db/schema.js';
import type { ActivityTypeListFilter } from './schemas.js';

export async function insertActivityType(tx: UnitOfWork, row: Insertable<ActivityTypeTable>): Promise<ActivityTypeRow> {
  return tx.scoped.insertInto('activity_types', row).returningAll().executeTakeFirstOrThrow();
}

/** An organization sees the shared catalog and its own entries (the scope says so). */
export async function findActivityType(ctx: Context, id: string): Promise<ActivityTypeRow | undefined> {
  return ctx.scoped.selectFrom('activity_types').selectAll().where('activity_types.id', '=', id).executeTakeFirst();
}

export async function findActivityTypes(ctx: Context, ids: string[]): Promise<ActivityTypeRow[]> {
  if (ids.length === 0) return [];
  return ctx.scoped.selectFrom('activity_types').selectAll().where('activity_types.id', 'in', ids).execute();
}

/** The activity types a list filter selects, for `paginate`. */
export function activityTypesQuery(ctx: Context, filter: ActivityTypeListFilter) {
  let query = ctx.scoped.selectFrom('activity_types').selectAll();
  if (filter.organizationId !== undefined) query = query.where('activity_types.organization_id', '=', filter.organizationId);
  if (filter.direction !== undefined) query = query.where('activity_types.direction', '=', filter.direction);
  if (filter.participation !== undefined) query = query.where('activity_types.participation', '=', filter.participation);
  if (!filter.includeRetired) query = query.where('activity_types.retired_at', 'is', null);
  return query;
}

export async function updateActivityType(
  tx: UnitOfWork,
  id: string,
  expectedVersion: number,
  changes: Updateable<ActivityTypeTable>,
): Promise<ActivityTypeRow | undefined> {
  return tx.scoped
    .updateTable('activity_types')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function retireActivityType(tx: UnitOfWork, id: string): Promise<void> {
  await tx.scoped
    .updateTable('activity_types')
    .set((eb) => ({ retired_at: new Date(), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('retired_at', 'is', null)
    .execute();
}
