import type { Insertable, Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { SupportProgramRow, SupportProgramTable } from '../db/schema.js';

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
