import type { Db } from '../db/database.js';
import { onUniqueViolation } from '../db/errors.js';
import type { DepartmentRow } from '../db/schema.js';
import { Conflict } from '../http/errors.js';
import { after } from '../http/pagination.js';

type DepartmentFields = Pick<DepartmentRow, 'name' | 'care_form'>;

const nameTaken = (name: string | undefined) => () =>
  new Conflict(`The organization already has a department named "${name}".`);

export async function insertDepartment(db: Db, organizationId: string, fields: DepartmentFields): Promise<DepartmentRow> {
  return onUniqueViolation(
    db,
    () =>
      db
        .insertInto('departments')
        .values({ organization_id: organizationId, ...fields })
        .returningAll()
        .executeTakeFirstOrThrow(),
    'departments_organization_id_name_key',
    nameTaken(fields.name),
  );
}

export async function findDepartment(db: Db, organizationId: string, id: string): Promise<DepartmentRow | undefined> {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface DepartmentFilter {
  careForm?: DepartmentRow['care_form'];
  cursor?: string;
  limit: number;
}

export async function listDepartments(db: Db, organizationId: string, filter: DepartmentFilter): Promise<DepartmentRow[]> {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .$if(filter.careForm !== undefined, (query) => query.where('care_form', '=', filter.careForm!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('departments', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateDepartment(
  db: Db,
  organizationId: string,
  id: string,
  expectedVersion: number,
  changes: Partial<DepartmentFields>,
): Promise<DepartmentRow | undefined> {
  return onUniqueViolation(
    db,
    () =>
      db
        .updateTable('departments')
        .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst(),
    'departments_organization_id_name_key',
    nameTaken(changes.name),
  );
}
