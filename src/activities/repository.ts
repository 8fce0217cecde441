import { sql, type Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ActivityRow, ActivityTable, Attendance, NewActivityRow, ParticipantRow } from '../db/schema.js';
import type { ActivityListFilter } from './schemas.js';

export async function insertSeries(
  tx: UnitOfWork,
  row: { organization_id: string; rule: string; first_starts_at: Date; time_zone: string },
) {
  return tx.scoped.insertInto('activity_series', row).returningAll().executeTakeFirstOrThrow();
}

export async function insertActivity(tx: UnitOfWork, row: NewActivityRow): Promise<ActivityRow> {
  return tx.scoped.insertInto('activities', row).returningAll().executeTakeFirstOrThrow();
}

export async function insertActivities(tx: UnitOfWork, rows: NewActivityRow[]): Promise<ActivityRow[]> {
  return tx.scoped.insertInto('activities', rows).returningAll().execute();
}

/** `lock`: held until the unit of work ends, so that two enrolments cannot both take the last seat. */
export async function findActivity(ctx: Context, id: string, lock = false): Promise<ActivityRow | undefined> {
  const query = ctx.scoped.selectFrom('activities').selectAll().where('activities.id', '=', id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The sessions a list filter selects, for `paginate`. */
export function activitiesQuery(ctx: Context, filter: ActivityListFilter) {
  let query = ctx.scoped.selectFrom('activities').selectAll();
  if (filter.organizationId !== undefined) query = query.where('activities.organization_id', '=', filter.organizationId);
  if (filter.departmentId !== undefined) query = query.where('activities.department_id', '=', filter.departmentId);
  if (filter.activityTypeId !== undefined) query = query.where('activities.activity_type_id', '=', filter.activityTypeId);
  if (filter.status !== undefined) query = query.where('activities.status', '=', filter.status);
  if (filter.from !== undefined) query = query.where('activities.starts_at', '>=', new Date(filter.from));
  if (filter.to !== undefined) query = query.where('activities.starts_at', '<', new Date(filter.to));
  return query;
}

/** The participants of many sessions in one query. */
export async function participantsOf(ctx: Context, activityIds: string[]): Promise<ParticipantRow[]> {
  if (activityIds.length === 0) return [];
  return ctx.scoped
    .selectFrom('activity_participants')
    .selectAll()
    .where('activity_participants.activity_id', 'in', activityIds)
    .orderBy('activity_participants.client_id')
    .execute();
}

/** What decides whether clients may take part, in one query: those the caller does not see are missing. */
export async function participantClients(ctx: Context, clientIds: string[]) {
  if (clientIds.length === 0) return [];
  return ctx.scoped
    .selectFrom('clients')
    .select(['clients.id', 'clients.organization_id', 'clients.archived_at', 'clients.status'])
    .where('clients.id', 'in', clientIds)
    .execute();
}

export async function updateActivity(
  tx: UnitOfWork,
  id: string,
  expectedVersion: number,
  changes: Updateable<ActivityTable>,
): Promise<ActivityRow | undefined> {
  return tx.scoped
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

/*
 * Two bookings of one staff member (or client) at once both pass the check before their write;
 * the exclusion constraints then refuse the second, but concurrent inserters into a GiST
 * exclusion constraint can also wait for each other and deadlock. Holding the staff's rows (the
 * clients': `holdClients` in src/clients/repository.ts) until the unit of work ends makes the
 * bookings of one person take turns: the second waits, then its check sees the first and answers
 * the 409 naming whom. Rows are taken in id order, so that two bookings of several people cannot
 * deadlock on them either.
 */
export async function holdStaffForBooking(ctx: Context, staffIds: string[]): Promise<void> {
  if (staffIds.length === 0) return;
  await ctx.scoped
    .selectFrom('staff')
    .select('staff.id')
    .where(sql<boolean>`staff.id = ANY(${staffIds}::uuid[])`)
    .orderBy('staff.id')
    .forNoKeyUpdate()
    .execute();
}

/** Staff of `staffIds` already responsible for a session, not cancelled, that overlaps the slot. */
export async function busyStaff(ctx: Context, staffIds: string[], slot: Slot, except?: string): Promise<string[]> {
  let query = ctx.scoped
    .selectFrom('activities')
    .select(sql<string>`unnest(responsible_staff)`.as('staff_id'))
    .where('activities.status', '<>', 'cancelled')
    .where(sql<boolean>`responsible_staff && ${sql.val(staffIds)}::uuid[]`)
    .where(overlapping(slot));
  if (except !== undefined) query = query.where('activities.id', '<>', except);
  const rows = await query.execute();
  return [...new Set(rows.map((row) => row.staff_id))].filter((id) => staffIds.includes(id));
}

/** Clients of `clientIds` with one of `attendance` in another session, not cancelled, that overlaps the slot. */
export async function busyClients(
  ctx: Context,
  clientIds: string[],
  attendance: readonly Attendance[],
  slot: Slot,
  except: string,
): Promise<string[]> {
  const rows = await ctx.scoped
    .selectFrom('activity_participants')
    .innerJoin('activities', 'activities.id', 'activity_participants.activity_id')
    .select('activity_participants.client_id')
    .where('activity_participants.client_id', 'in', clientIds)
    .where('activity_participants.attendance', 'in', attendance)
    .where('activities.status', '<>', 'cancelled')
    .where('activities.id', '<>', except)
    .where(overlapping(slot))
    .execute();
  return [...new Set(rows.map((row) => row.client_id))];
}

/** Marks the session's clients as booked anyway, before a move that was. */
export async function allowParticipantsOverlap(tx: UnitOfWork, activity: ActivityRow): Promise<void> {
  await tx.scoped
    .updateTable('activity_participants')
    .set({ overlap_allowed: true })
    .where('activity_participants.activity_id', '=', activity.id)
    .execute();
}

export async function upsertParticipants(tx: UnitOfWork, activity: ActivityRow, rows: ParticipantRow[]): Promise<void> {
  await tx.scoped
    .insertChildren('activity_participants', activity, rows)
    .onConflict((conflict) =>
      conflict.columns(['activity_id', 'client_id']).doUpdateSet((eb) => ({
        attendance: eb.ref('excluded.attendance'),
        engagement: eb.ref('excluded.engagement'),
        note: eb.ref('excluded.note'),
        overlap_allowed: eb.ref('excluded.overlap_allowed'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Sessions between two instants: where the client takes part, or the staff member is responsible. */
export async function schedule(ctx: Context, who: { clientId: string } | { staffId: string }, from: Date, to: Date) {
  const query = ctx.scoped
    .selectFrom('activities')
    .selectAll()
    .where('activities.starts_at', '>=', from)
    .where('activities.starts_at', '<', to);
  const sessions =
    'clientId' in who
      ? query.where('activities.id', 'in', (eb) =>
          eb
            .selectFrom('activity_participants')
            .select('activity_participants.activity_id')
            .where('activity_participants.client_id', '=', who.clientId),
        )
      : query.where(sql<boolean>`activities.responsible_staff @> ARRAY[${who.staffId}]::uuid[]`);
  return sessions.orderBy('activities.starts_at').execute();
}
