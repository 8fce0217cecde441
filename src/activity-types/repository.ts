import type { Db } from '../db/database.js';
import type { ActivityTypeRow, ActivityTypeTable } from '../db/schema.js';
import type { Insertable, Updateable } from 'kysely';
import { after } from '../http/pagination.js';
import type { ActivityTypeListFilter } from './schemas.js';

export async function insertActivityType(db: Db, row: Insertable<ActivityTypeTable>): Promise<ActivityTypeRow> {
  return db.insertInto('activity_types').values(row).returningAll().executeTakeFirstOrThrow();
}

/** `scope`: an organization sees the shared catalog and its own entries. */
export async function findActivityType(db: Db, id: string, scope?: string): Promise<ActivityTypeRow | undefined> {
  return db
    .selectFrom('activity_types')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== undefined, (query) =>
      query.where((eb) => eb.or([eb('organization_id', 'is', null), eb('organization_id', '=', scope!)])),
    )
    .executeTakeFirst();
}

export async function findActivityTypes(db: Db, ids: string[]): Promise<ActivityTypeRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('activity_types').selectAll().where('id', 'in', ids).execute();
}

export async function listActivityTypes(
  db: Db,
  filter: ActivityTypeListFilter & { scope?: string; cursor?: string; limit: number },
): Promise<ActivityTypeRow[]> {
  return db
    .selectFrom('activity_types')
    .selectAll()
    .$if(filter.scope !== undefined, (query) =>
      query.where((eb) => eb.or([eb('organization_id', 'is', null), eb('organization_id', '=', filter.scope!)])),
    )
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.direction !== undefined, (query) => query.where('direction', '=', filter.direction as ActivityTypeRow['direction']))
    .$if(filter.participation !== undefined, (query) => query.where('participation', '=', filter.participation!))
    .$if(!filter.includeRetired, (query) => query.where('retired_at', 'is', null))
    .$if(filter.cursor !== undefined, (query) => query.where(after('activity_types', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateActivityType(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: Updateable<ActivityTypeTable>,
): Promise<ActivityTypeRow | undefined> {
  return db
    .updateTable('activity_types')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
