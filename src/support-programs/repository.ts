import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { SupportProgramRow, SupportProgramTable } from '../db/schema.js';
import { after } from '../http/pagination.js';

export async function insertProgram(db: Db, row: Insertable<SupportProgramTable>): Promise<SupportProgramRow> {
  return db.insertInto('support_programs').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findProgram(db: Db, clientId: string, id: string): Promise<SupportProgramRow | undefined> {
  return db.selectFrom('support_programs').selectAll().where('client_id', '=', clientId).where('id', '=', id).executeTakeFirst();
}

export async function listPrograms(
  db: Db,
  clientId: string,
  filter: { status?: SupportProgramRow['status']; cursor?: string; limit: number },
): Promise<SupportProgramRow[]> {
  return db
    .selectFrom('support_programs')
    .selectAll()
    .where('client_id', '=', clientId)
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('support_programs', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateProgram(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: Updateable<SupportProgramTable>,
): Promise<SupportProgramRow | undefined> {
  return db
    .updateTable('support_programs')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Sessions of each activity type a client attended between two instants. */
export async function attendedByType(db: Db, clientId: string, from: Date, to: Date): Promise<Map<string, number>> {
  const rows = await db
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
