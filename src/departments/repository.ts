import type { Context, UnitOfWork } from '../context/request-context.js';
import type { DepartmentRow } from '../db/schema.js';
import type { DepartmentListFilter } from './schemas.js';

type DepartmentFields = Pick<DepartmentRow, 'name' | 'care_form'>;

export async function insertDepartment(tx: UnitOfWork, organizationId: string, fields: DepartmentFields): Promise<DepartmentRow> {
  return tx.scoped
    .insertInto('departments', { organization_id: organizationId, ...fields })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The organization's department, in the caller's scope; undefined for another organization's. */
export async function findDepartment(ctx: Context, organizationId: string, id: string): Promise<DepartmentRow | undefined> {
  return ctx.scoped
    .selectFrom('departments')
    .selectAll()
    .where('departments.organization_id', '=', organizationId)
    .where('departments.id', '=', id)
    .executeTakeFirst();
}

/** The organization's departments a list filter selects, for `paginate`. */
export function departmentsQuery(ctx: Context, organizationId: string, filter: DepartmentListFilter) {
  let query = ctx.scoped.selectFrom('departments').selectAll().where('departments.organization_id', '=', organizationId);
  if (filter.careForm !== undefined) query = query.where('departments.care_form', '=', filter.careForm);
  return query;
}

export async function updateDepartment(
  tx: UnitOfWork,
  organizationId: string,
  id: string,
  expectedVersion: number,
  changes: Partial<DepartmentFields>,
): Promise<DepartmentRow | undefined> {
  return tx.scoped
    .updateTable('departments')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
