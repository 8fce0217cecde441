import type { Insertable, Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ActivityTypeRow, AssessmentRow, ClientRow, SupportProgramRow, SupportProgramTable } from '../db/schema.js';
import type { ProgramSearch } from './schemas.js';
import type { SuggestionMapping } from './suggestion.js';

export async function insertProgram(tx: UnitOfWork, row: Insertable<SupportProgramTable>): Promise<SupportProgramRow> {
  return tx.scoped.insertInto('support_programs', row).returningAll().executeTakeFirstOrThrow();
}

export async function findProgram(ctx: Context, clientId: string, id: string): Promise<SupportProgramRow | undefined> {
  return ctx.scoped
    .selectFrom('support_programs')
    .selectAll()
    .where('support_programs.client_id', '=', clientId)
    .where('support_programs.id', '=', id)
    .executeTakeFirst();
}

/** A client's programs a list filter selects, for `paginate`. */
export function programsQuery(ctx: Context, clientId: string, filter: { status?: SupportProgramRow['status'] }) {
  let query = ctx.scoped.selectFrom('support_programs').selectAll().where('support_programs.client_id', '=', clientId);
  if (filter.status !== undefined) query = query.where('support_programs.status', '=', filter.status);
  return query;
}

export async function updateProgram(
  tx: UnitOfWork,
  id: string,
  expectedVersion: number,
  changes: Updateable<SupportProgramTable>,
): Promise<SupportProgramRow | undefined> {
  return tx.scoped
    .updateTable('support_programs')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Sessions of each activity type, not cancelled, a client attended between two instants. */
export async function attendedByType(ctx: Context, clientId: string, from: Date, to: Date): Promise<Map<string, number>> {
  const rows = await ctx.scoped
    .selectFrom('activity_participants')
    .innerJoin('activities', 'activities.id', 'activity_participants.activity_id')
    .select(['activities.activity_type_id', (eb) => eb.fn.countAll<number>().as('attended')])
    .where('activity_participants.client_id', '=', clientId)
    .where('activity_participants.attendance', '=', 'attended')
    .where('activities.status', '<>', 'cancelled')
    .where('activities.starts_at', '>=', from)
    .where('activities.starts_at', '<', to)
    .groupBy('activities.activity_type_id')
    .execute();
  return new Map(rows.map((row) => [row.activity_type_id, Number(row.attended)]));
}

/** The program row, locked until the unit of work ends: goal reviews are appended one after another, none lost. */
export async function lockProgram(tx: UnitOfWork, clientId: string, id: string): Promise<SupportProgramRow | undefined> {
  return tx.scoped
    .selectFrom('support_programs')
    .selectAll()
    .where('support_programs.client_id', '=', clientId)
    .where('support_programs.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Programs of every client in the caller's scope a search selects, for `paginate`. */
export function programSearchQuery(ctx: Context, filter: ProgramSearch) {
  let query = ctx.scoped.selectFrom('support_programs').selectAll();
  if (filter.status !== undefined) query = query.where('support_programs.status', '=', filter.status);
  if (filter.organizationId !== undefined) query = query.where('support_programs.organization_id', '=', filter.organizationId);
  // review_due_on is set for active programs only (a generated column): the index answers the due list.
  if (filter.reviewDueBefore !== undefined) query = query.where('support_programs.review_due_on', '<', filter.reviewDueBefore);
  return query;
}

export async function findClients(ctx: Context, ids: string[]): Promise<ClientRow[]> {
  if (ids.length === 0) return [];
  return ctx.scoped.selectFrom('clients').selectAll().where('clients.id', 'in', ids).execute();
}

export async function findAssessment(ctx: Context, id: string): Promise<AssessmentRow | undefined> {
  return ctx.scoped.selectFrom('assessments').selectAll().where('assessments.id', '=', id).executeTakeFirst();
}

/** The shared catalog's entries with these codes, retired ones included (a suggestion says why it leaves them out). */
export async function sharedTypesByCode(ctx: Context, codes: string[]): Promise<ActivityTypeRow[]> {
  if (codes.length === 0) return [];
  return ctx.scoped
    .selectFrom('activity_types')
    .selectAll()
    .where('activity_types.organization_id', 'is', null)
    .where('activity_types.code', 'in', codes)
    .execute();
}

/** The mapping's current version: the highest. Versions never change (a trigger refuses it). */
export async function currentMapping(ctx: Context): Promise<SuggestionMapping | undefined> {
  const row = await ctx.db
    .selectFrom('program_suggestion_mappings')
    .select('definition')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.definition;
}
