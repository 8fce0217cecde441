import type { Db } from '../db/database.js';
import type { StaffRow } from '../db/schema.js';
import { after } from '../http/pagination.js';
import type { StaffListFilter } from './schemas.js';

type StaffFields = Pick<StaffRow, 'organization_id' | 'department_id' | 'full_name' | 'position' | 'active'>;

export async function insertStaff(db: Db, fields: StaffFields): Promise<StaffRow> {
  return db.insertInto('staff').values(fields).returningAll().executeTakeFirstOrThrow();
}

/** `scope` confines the lookup to one organization, so another one's staff reads as missing. */
export async function findStaff(db: Db, id: string, scope?: string): Promise<StaffRow | undefined> {
  return db
    .selectFrom('staff')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== undefined, (query) => query.where('organization_id', '=', scope!))
    .executeTakeFirst();
}

export async function listStaff(
  db: Db,
  filter: StaffListFilter & { scope?: string; cursor?: string; limit: number },
): Promise<StaffRow[]> {
  return db
    .selectFrom('staff')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.departmentId !== undefined, (query) => query.where('department_id', '=', filter.departmentId!))
    .$if(filter.position !== undefined, (query) => query.where('position', '=', filter.position!))
    .$if(filter.active !== undefined, (query) => query.where('active', '=', filter.active!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('staff', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateStaff(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: Partial<Omit<StaffFields, 'organization_id'>>,
  scope?: string,
): Promise<StaffRow | undefined> {
  return db
    .updateTable('staff')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .$if(scope !== undefined, (query) => query.where('organization_id', '=', scope!))
    .returningAll()
    .executeTakeFirst();
}

/** Which of `ids` are staff of the organization, in one query. */
export async function staffOfOrganization(db: Db, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('staff')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((row) => row.id));
}
