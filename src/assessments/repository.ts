import type { Context } from '../context/request-context.js';
import type { AssessmentRow, AssessmentUpdate, NewAssessmentRow } from '../db/schema.js';
import type { AssessmentStatus } from '../enums.js';
import type { AssessmentListFilter } from './schemas.js';

export async function insertAssessment(ctx: Context, row: NewAssessmentRow): Promise<AssessmentRow> {
  return ctx.scoped.insertInto('assessments', row).returningAll().executeTakeFirstOrThrow();
}

export async function findAssessment(ctx: Context, id: string): Promise<AssessmentRow | undefined> {
  return ctx.scoped.selectFrom('assessments').selectAll().where('assessments.id', '=', id).executeTakeFirst();
}

/** The current holders of a client's keys on a form: its final assessment of a date, or the holder of an interview number. */
export async function keyHolder(
  ctx: Context,
  key: { clientId: string; instrumentId: string } & ({ assessedOn: string } | { interviewNo: number }),
): Promise<AssessmentRow | undefined> {
  let query = ctx.scoped
    .selectFrom('assessments')
    .selectAll()
    .where('assessments.client_id', '=', key.clientId)
    .where('assessments.instrument_id', '=', key.instrumentId)
    .where('assessments.superseded_by', 'is', null);
  query =
    'assessedOn' in key
      ? query.where('assessments.assessed_on', '=', key.assessedOn).where('assessments.status', '=', 'final')
      : query.where('assessments.interview_no', '=', key.interviewNo);
  return query.orderBy('assessments.created_at').executeTakeFirst();
}

/** The next "Инт. №" for a client on a form; corrections reuse their original's number. */
export async function nextInterviewNo(ctx: Context, clientId: string, instrumentId: string): Promise<number> {
  const { max } = await ctx.scoped
    .selectFrom('assessments')
    .select((eb) => eb.fn.max<number | null>('interview_no').as('max'))
    .where('assessments.client_id', '=', clientId)
    .where('assessments.instrument_id', '=', instrumentId)
    .executeTakeFirstOrThrow();
  return (max ?? 0) + 1;
}

/** A client's assessments a list filter selects, for `paginate`. */
export function clientAssessmentsQuery(ctx: Context, clientId: string, filter: { status?: AssessmentStatus }) {
  let query = ctx.scoped.selectFrom('assessments').selectAll().where('assessments.client_id', '=', clientId);
  if (filter.status !== undefined) query = query.where('assessments.status', '=', filter.status);
  return query;
}

/** The assessments a list filter selects, for `paginate`. */
export function assessmentsQuery(ctx: Context, filter: AssessmentListFilter) {
  let query = ctx.scoped.selectFrom('assessments').selectAll();
  if (filter.organizationId !== undefined) query = query.where('assessments.organization_id', '=', filter.organizationId);
  if (filter.instrumentId !== undefined) query = query.where('assessments.instrument_id', '=', filter.instrumentId);
  if (filter.group !== undefined) query = query.where('assessments.dependency_group', '=', filter.group);
  if (filter.status !== undefined) query = query.where('assessments.status', '=', filter.status);
  if (filter.assessedFrom !== undefined) query = query.where('assessments.assessed_on', '>=', filter.assessedFrom);
  if (filter.assessedTo !== undefined) query = query.where('assessments.assessed_on', '<=', filter.assessedTo);
  if (!filter.includeSuperseded) query = query.where('assessments.superseded_by', 'is', null);
  return query;
}

/** Final assessments no correction replaced, oldest first: the client's functional history. */
export async function finalHistory(ctx: Context, clientId: string): Promise<AssessmentRow[]> {
  return ctx.scoped
    .selectFrom('assessments')
    .selectAll()
    .where('assessments.client_id', '=', clientId)
    .where('assessments.status', '=', 'final')
    .where('assessments.superseded_by', 'is', null)
    .orderBy('assessments.assessed_on')
    .orderBy('assessments.created_at')
    .execute();
}

export async function updateDraft(
  ctx: Context,
  id: string,
  expectedVersion: number,
  changes: AssessmentUpdate,
): Promise<AssessmentRow | undefined> {
  return ctx.scoped
    .updateTable('assessments')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Marks `id` as replaced by `correction`; false when another correction got there first. */
export async function markSuperseded(ctx: Context, id: string, correction: string): Promise<boolean> {
  const result = await ctx.scoped
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
  organizationId?: string;
  departmentId?: string;
}

/**
 * Active clients whose latest next check date is on or before the day, and those never assessed,
 * for `paginate`: the client row carries its current assessment's figures, so no assessment is read.
 */
export function dueQuery(ctx: Context, filter: DueFilter) {
  let query = ctx.scoped
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
    .where((eb) => eb.or([eb('clients.current_assessment_id', 'is', null), eb('clients.current_next_check_on', '<=', filter.dueBefore)]));
  if (filter.organizationId !== undefined) query = query.where('clients.organization_id', '=', filter.organizationId);
  if (filter.departmentId !== undefined) query = query.where('clients.department_id', '=', filter.departmentId);
  return query;
}
