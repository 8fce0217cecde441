import { sql, type Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ActivityRow, ActivityTable, Attendance, NewActivityRow, ParticipantRow } from '../db/schema.js';
import { after } from '../http/pagination.js';
import type { ActivityListFilter } from './schemas.js';

/** Attendance that takes a seat and a slot in the client's day. */
export const TAKING_PART: Attendance[] = ['enrolled', 'attended'];

export async function insertSeries(db: Db, row: { organization_id: string; rule: string; first_starts_at: Date; time_zone: string }) {
  return db.insertInto('activity_series').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertActivities(db: Db, rows: NewActivityRow[]): Promise<ActivityRow[]> {
  return db.insertInto('activities').values(rows).returningAll().execute();
}

export async function findActivity(db: Db, id: string, scope?: string, lock = false): Promise<ActivityRow | undefined> {
  return db
    .selectFrom('activities')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== undefined, (query) => query.where('organization_id', '=', scope!))
    .$if(lock, (query) => query.forUpdate())
    .executeTakeFirst();
}

export async function listActivities(
  db: Db,
  filter: ActivityListFilter & { scope?: string; cursor?: string; limit: number },
): Promise<ActivityRow[]> {
  return db
    .selectFrom('activities')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.departmentId !== undefined, (query) => query.where('department_id', '=', filter.departmentId!))
    .$if(filter.activityTypeId !== undefined, (query) => query.where('activity_type_id', '=', filter.activityTypeId!))
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status!))
    .$if(filter.from !== undefined, (query) => query.where('starts_at', '>=', new Date(filter.from!)))
    .$if(filter.to !== undefined, (query) => query.where('starts_at', '<', new Date(filter.to!)))
    .$if(filter.cursor !== undefined, (query) => query.where(after('activities', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** The participants of many sessions in one query. */
export async function participantsOf(db: Db, activityIds: string[]): Promise<ParticipantRow[]> {
  if (activityIds.length === 0) return [];
  return db.selectFrom('activity_participants').selectAll().where('activity_id', 'in', activityIds).orderBy('client_id').execute();
}

export async function updateActivity(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: Updateable<ActivityTable>,
): Promise<ActivityRow | undefined> {
  return db
    .updateTable('activities')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export interface Slot {
  startsAt: Date;
  durationMinutes: number;
}

const overlapping = (slot: Slot) =>
  sql<boolean>`activities.starts_at < ${new Date(slot.startsAt.getTime() + slot.durationMinutes * 60_000)}
    AND activities.starts_at + activities.duration_minutes * interval '1 minute' > ${slot.startsAt}`;

/** Staff of `staffIds` already responsible for a session that overlaps the slot. */
export async function busyStaff(db: Db, staffIds: string[], slot: Slot, except?: string): Promise<string[]> {
  const rows = await db
    .selectFrom('activities')
    .select(sql<string>`unnest(responsible_staff)`.as('staff_id'))
    .where('status', '<>', 'cancelled')
    .where(sql<boolean>`responsible_staff && ${sql.val(staffIds)}::uuid[]`)
    .where(overlapping(slot))
    .$if(except !== undefined, (query) => query.where('id', '<>', except!))
    .execute();
  return [...new Set(rows.map((row) => row.staff_id))].filter((id) => staffIds.includes(id));
}

/** Clients of `clientIds` taking part in another session that overlaps the slot. */
export async function busyClients(db: Db, clientIds: string[], slot: Slot, except: string): Promise<string[]> {
  const rows = await db
    .selectFrom('activity_participants')
    .innerJoin('activities', 'activities.id', 'activity_participants.activity_id')
    .select('activity_participants.client_id')
    .where('activity_participants.client_id', 'in', clientIds)
    .where('activity_participants.attendance', 'in', TAKING_PART)
    .where('activities.status', '<>', 'cancelled')
    .where('activities.id', '<>', except)
    .where(overlapping(slot))
    .execute();
  return [...new Set(rows.map((row) => row.client_id))];
}

export async function upsertParticipants(db: Db, rows: ParticipantRow[]): Promise<void> {
  await db
    .insertInto('activity_participants')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['activity_id', 'client_id']).doUpdateSet((eb) => ({
        attendance: eb.ref('excluded.attendance'),
        engagement: eb.ref('excluded.engagement'),
        note: eb.ref('excluded.note'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Sessions between two instants: where the client takes part, or the staff member is responsible. */
export async function schedule(db: Db, who: { clientId: string } | { staffId: string }, from: Date, to: Date) {
  return db
    .selectFrom('activities')
    .selectAll('activities')
    .where('activities.starts_at', '>=', from)
    .where('activities.starts_at', '<', to)
    .$if('clientId' in who, (query) =>
      query.where('activities.id', 'in', (eb) =>
        eb.selectFrom('activity_participants').select('activity_id').where('client_id', '=', (who as { clientId: string }).clientId),
      ),
    )
    .$if('staffId' in who, (query) =>
      query.where(sql<boolean>`activities.responsible_staff @> ARRAY[${(who as { staffId: string }).staffId}]::uuid[]`),
    )
    .orderBy('activities.starts_at')
    .execute();
}
