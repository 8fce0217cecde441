import type { Context, UnitOfWork } from '../context/request-context.js';
import type { StaffRow } from '../db/schema.js';
import type { StaffListFilter } from './schemas.js';

type StaffFields = Pick<StaffRow, 'organization_id' | 'department_id' | 'full_name' | 'position' | 'active'>;

export async function insertStaff(tx: UnitOfWork, fields: StaffFields): Promise<StaffRow> {
  return tx.scoped.insertInto('staff', fields).returningAll().executeTakeFirstOrThrow();
}

/** A staff member in the caller's scope: another organization's reads as missing. */
export async function findStaff(ctx: Context, id: string): Promise<StaffRow | undefined> {
  return ctx.scoped.selectFrom('staff').selectAll().where('staff.id', '=', id).executeTakeFirst();
}

/** The staff a list filter selects, for `paginate`. */
export function staffQuery(ctx: Context, filter: StaffListFilter) {
  let query = ctx.scoped.selectFrom('staff').selectAll();
  if (filter.organizationId !== undefined) query = query.where('staff.organization_id', '=', filter.organizationId);
  if (filter.departmentId !== undefined) query = query.where('staff.department_id', '=', filter.departmentId);
  if (filter.position !== undefined) query = query.where('staff.position', '=', filter.position);
  if (filter.active !== undefined) query = query.where('staff.active', '=', filter.active);
  return query;
}

export async function updateStaff(
  tx: UnitOfWork,
  id: string,
  expectedVersion: number,
  changes: Partial<Omit<StaffFields, 'organization_id'>>,
): Promise<StaffRow | undefined> {
  return tx.scoped
    .updateTable('staff')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Which of `ids` are staff of the organization (and in the caller's scope), in one query. */
export async function staffOfOrganization(ctx: Context, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ctx.scoped
    .selectFrom('staff')
    .select('staff.id')
    .where('staff.organization_id', '=', organizationId)
    .where('staff.id', 'in', ids)
    .execute();
  return new Set(rows.map((row) => row.id));
}
