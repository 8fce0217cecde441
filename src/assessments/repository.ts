import type { Db } from '../db/database.js';
import type { AssessmentRow, AssessmentUpdate, NewAssessmentRow } from '../db/schema.js';
import { after } from '../http/pagination.js';
import type { AssessmentListFilter } from './schemas.js';

export async function insertAssessment(db: Db, row: NewAssessmentRow): Promise<AssessmentRow> {
  return db.insertInto('assessments').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findAssessment(db: Db, id: string, scope?: string): Promise<AssessmentRow | undefined> {
  return db
    .selectFrom('assessments')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== undefined, (query) => query.where('organization_id', '=', scope!))
    .executeTakeFirst();
}

/** The next "Инт. №" for a client on a form; corrections reuse their original's number. */
export async function nextInterviewNo(db: Db, clientId: string, instrumentId: string): Promise<number> {
  const { max } = await db
    .selectFrom('assessments')
    .select((eb) => eb.fn.max<number | null>('interview_no').as('max'))
    .where('client_id', '=', clientId)
    .where('instrument_id', '=', instrumentId)
    .executeTakeFirstOrThrow();
  return (max ?? 0) + 1;
}

export async function listClientAssessments(
  db: Db,
  clientId: string,
  filter: { status?: AssessmentRow['status']; cursor?: string; limit: number },
): Promise<AssessmentRow[]> {
  return db
    .selectFrom('assessments')
    .selectAll()
    .where('client_id', '=', clientId)
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('assessments', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function listAssessments(
  db: Db,
  filter: AssessmentListFilter & { scope?: string; cursor?: string; limit: number },
): Promise<AssessmentRow[]> {
  return db
    .selectFrom('assessments')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.instrumentId !== undefined, (query) => query.where('instrument_id', '=', filter.instrumentId!))
    .$if(filter.group !== undefined, (query) => query.where('dependency_group', '=', filter.group!))
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status!))
    .$if(filter.assessedFrom !== undefined, (query) => query.where('assessed_on', '>=', filter.assessedFrom!))
    .$if(filter.assessedTo !== undefined, (query) => query.where('assessed_on', '<=', filter.assessedTo!))
    .$if(!filter.includeSuperseded, (query) => query.where('superseded_by', 'is', null))
    .$if(filter.cursor !== undefined, (query) => query.where(after('assessments', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** Final assessments no correction replaced, oldest first: the client's functional history. */
export async function finalHistory(db: Db, clientId: string): Promise<AssessmentRow[]> {
  return db
    .selectFrom('assessments')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('status', '=', 'final')
    .where('superseded_by', 'is', null)
    .orderBy('assessed_on')
    .orderBy('created_at')
    .execute();
}

export async function updateDraft(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: AssessmentUpdate,
): Promise<AssessmentRow | undefined> {
  return db
    .updateTable('assessments')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Marks `id` as replaced by `correction`; false when another correction got there first. */
export async function markSuperseded(db: Db, id: string, correction: string): Promise<boolean> {
  const result = await db
    .updateTable('assessments')
    .set((eb) => ({ superseded_by: correction, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'final')
    .where('superseded_by', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export interface DueFilter {
  dueBefore: string;
  scope?: string;
  organizationId?: string;
  departmentId?: string;
  cursor?: string;
  limit: number;
}

/**
 * Active clients whose latest next check date is on or before the day, and those never assessed:
 * the client row carries its current assessment's figures, so no assessment is read.
 */
export async function listDue(db: Db, filter: DueFilter) {
  return db
    .selectFrom('clients')
    .select([
      'clients.id',
      'clients.organization_id',
      'clients.department_id',
      'clients.last_name',
      'clients.first_name',
      'clients.middle_name',
      'clients.care_form',
      'clients.current_assessment_id',
      'clients.current_group',
      'clients.current_next_check_on',
    ])
    .where('clients.status', '=', 'active')
    .where('clients.archived_at', 'is', null)
    .where((eb) =>
      eb.or([eb('clients.current_assessment_id', 'is', null), eb('clients.current_next_check_on', '<=', filter.dueBefore)]),
    )
    .$if(filter.scope !== undefined, (query) => query.where('clients.organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('clients.organization_id', '=', filter.organizationId!))
    .$if(filter.departmentId !== undefined, (query) => query.where('clients.department_id', '=', filter.departmentId!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('clients', filter.cursor!)))
    .orderBy('clients.created_at')
    .orderBy('clients.id')
    .limit(filter.limit + 1)
    .execute();
}
