import { legacyContext } from '../context/request-context.js';
import { getActivityType } from '../activity-types/service.js';
import { formatWallTime, wallTime } from '../calendar/zoned.js';
import { findClient } from '../clients/repository.js';
import { inTransaction, type Db } from '../db/database.js';
import type { ActivityRow, ClientRow, NewActivityRow, ParticipantRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { Conflict, NotFound, Unprocessable, invalidFields, withProblem } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import { staffOfOrganization } from '../staff/repository.js';
import { getOrganization } from '../organizations/service.js';
import { RecurrenceError, expandRule } from './recurrence.js';
import * as repository from './repository.js';
import type { Activity, BulkParticipation, CreateActivity, CreateSeries, UpdateActivity } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

/** Maps sessions to API objects, with all their participants read in one query. */
export async function toActivities(db: Db, rows: ActivityRow[]): Promise<Activity[]> {
  const participants = await repository.participantsOf(db, rows.map((row) => row.id));
  const zones = new Map<string, string>();
  for (const organizationId of new Set(rows.map((row) => row.organization_id))) {
    zones.set(organizationId, (await getOrganization(db, organizationId)).time_zone);
  }
  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    activityTypeId: row.activity_type_id,
    seriesId: row.series_id,
    startsAt: row.starts_at.toISOString(),
    localStart: formatWallTime(wallTime(row.starts_at, zones.get(row.organization_id)!)),
    durationMinutes: row.duration_minutes,
    place: row.place,
    capacity: row.capacity,
    responsibleStaff: row.responsible_staff,
    status: row.status,
    cancelReason: row.cancel_reason,
    participants: participants
      .filter((participant) => participant.activity_id === row.id)
      .map((participant) => ({
        clientId: participant.client_id,
        attendance: participant.attendance,
        engagement: participant.engagement,
        note: participant.note,
      })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}

type SessionInput = Omit<CreateActivity, 'status'>;

/** Checks what every session of `input` shares: department, type, staff of the organization. */
async function checkSession(db: Db, input: SessionInput): Promise<{ durationMinutes: number; timeZone: string }> {
  const organization = await getOrganization(db, input.organizationId);
  const errors: Pointer[] = [];
  if (organization.kind !== 'social_service') errors.push({ pointer: '/organizationId', message: 'is not a social-service organization' });
  if (input.departmentId && !(await findDepartment(db, input.organizationId, input.departmentId))) {
    errors.push({ pointer: '/departmentId', message: 'is not a department of the organization' });
  }
  const type = await getActivityType(db, input.activityTypeId, input.organizationId).catch(() => undefined);
  if (!type) errors.push({ pointer: '/activityTypeId', message: 'is not in the catalog of the organization' });
  else if (type.retired_at) errors.push({ pointer: '/activityTypeId', message: 'is retired' });
  const staff = await staffOfOrganization(db, input.organizationId, input.responsibleStaff);
  input.responsibleStaff.forEach((id, index) => {
    if (!staff.has(id)) errors.push({ pointer: `/responsibleStaff/${index}`, message: 'is not a staff member of the organization' });
  });
  if (errors.length) throw invalidFields('The session breaks a rule of the schedule.', errors);
  return { durationMinutes: input.durationMinutes ?? type!.default_duration_minutes, timeZone: organization.time_zone };
}

async function checkStaffFree(db: Db, staff: string[], slots: repository.Slot[], except?: string): Promise<void> {
  for (const slot of slots) {
    const busy = await repository.busyStaff(db, staff, slot, except);
    if (busy.length) {
      throw withProblem(
        new Conflict(`Staff ${busy.join(', ')} already run a session at ${slot.startsAt.toISOString()}; send allowOverlap to book anyway.`),
        { staffIds: busy, startsAt: slot.startsAt.toISOString() },
      );
    }
  }
}

function newSession(input: SessionInput, startsAt: Date, durationMinutes: number, seriesId: string | null): NewActivityRow {
  return {
    organization_id: input.organizationId,
    department_id: input.departmentId ?? null,
    activity_type_id: input.activityTypeId,
    series_id: seriesId,
    starts_at: startsAt,
    duration_minutes: durationMinutes,
    place: input.place ?? null,
    capacity: input.capacity ?? null,
    responsible_staff: input.responsibleStaff,
  };
}

export async function createActivity(db: Db, input: CreateActivity): Promise<ActivityRow> {
  const { durationMinutes } = await checkSession(db, input);
  const startsAt = new Date(input.startsAt);
  return inTransaction(db, async (trx) => {
    if (!input.allowOverlap) await checkStaffFree(trx, input.responsibleStaff, [{ startsAt, durationMinutes }]);
    const [row] = await repository.insertActivities(trx, [
      { ...newSession(input, startsAt, durationMinutes, null), status: input.status ?? 'planned' },
    ]);
    return row!;
  });
}

/** A recurring session: the series and all its sessions at once, each an ordinary activity after. */
export async function createSeries(db: Db, input: CreateSeries) {
  const { durationMinutes, timeZone } = await checkSession(db, input);
  const first = new Date(input.startsAt);
  let starts: Date[];
  try {
    starts = expandRule(input.rule, first, timeZone);
  } catch (error) {
    if (!(error instanceof RecurrenceError)) throw error;
    throw invalidFields('The recurrence rule cannot be used.', [{ pointer: '/rule', message: error.message }]);
  }
  if (starts.length === 0) throw invalidFields('The rule makes no session.', [{ pointer: '/rule', message: 'makes no session' }]);
  return inTransaction(db, async (trx) => {
    if (!input.allowOverlap) {
      await checkStaffFree(trx, input.responsibleStaff, starts.map((startsAt) => ({ startsAt, durationMinutes })));
    }
    const series = await repository.insertSeries(trx, {
      organization_id: input.organizationId,
      rule: input.rule,
      first_starts_at: first,
      time_zone: timeZone,
    });
    const sessions = await repository.insertActivities(
      trx,
      starts.map((startsAt) => newSession(input, startsAt, durationMinutes, series.id)),
    );
    return { series, sessions: sessions.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime()) };
  });
}

export async function getActivity(db: Db, id: string, scope?: string): Promise<ActivityRow> {
  const row = await repository.findActivity(db, id, scope);
  if (!row) throw new NotFound('Activity', id);
  return row;
}

export async function updateActivity(db: Db, id: string, ifMatch: IfMatch, input: UpdateActivity, scope?: string) {
  const current = await getActivity(db, id, scope);
  const status = input.status ?? current.status;
  if (status === 'cancelled' && !(input.cancelReason ?? current.cancel_reason)) {
    throw invalidFields('A cancelled session needs its reason.', [{ pointer: '/cancelReason', message: 'is required to cancel' }]);
  }
  if (input.cancelReason && status !== 'cancelled') {
    throw invalidFields('Only a cancelled session has a reason.', [{ pointer: '/cancelReason', message: 'is only for status cancelled' }]);
  }
  const staff = input.responsibleStaff ?? current.responsible_staff;
  if (input.responsibleStaff) {
    const known = await staffOfOrganization(db, current.organization_id, staff);
    const errors = staff.flatMap((member, index) =>
      known.has(member) ? [] : [{ pointer: `/responsibleStaff/${index}`, message: 'is not a staff member of the organization' }],
    );
    if (errors.length) throw invalidFields('The session breaks a rule of the schedule.', errors);
  }
  const slot = {
    startsAt: input.startsAt ? new Date(input.startsAt) : current.starts_at,
    durationMinutes: input.durationMinutes ?? current.duration_minutes,
  };
  return inTransaction(db, async (trx) => {
    const moved = input.startsAt || input.durationMinutes || input.responsibleStaff;
    if (moved && status !== 'cancelled' && !input.allowOverlap) await checkStaffFree(trx, staff, [slot], id);
    const updated = await repository.updateActivity(trx, id, expectedVersion(ifMatch, current), {
      starts_at: input.startsAt ? slot.startsAt : undefined,
      duration_minutes: input.durationMinutes,
      place: input.place,
      capacity: input.capacity,
      responsible_staff: input.responsibleStaff,
      status: input.status,
      cancel_reason: status === 'cancelled' ? (input.cancelReason ?? current.cancel_reason) : null,
    });
    if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Activity', id));
    return updated;
  });
}

/** Why a client cannot take part in a session of `activity`, if it cannot. */
function refusal(activity: ActivityRow, client: ClientRow | undefined): string | undefined {
  if (!client) return 'is not a client of the register';
  if (client.organization_id !== activity.organization_id) return 'is a client of another organization';
  if (client.archived_at) return 'is archived';
  if (client.status === 'discharged' || client.status === 'deceased') return `is ${client.status}`;
  return undefined;
}

/**
 * Records enrolment or attendance of clients in a session, all or none. The session row is locked
 * meanwhile, so two enrolments cannot both take the last seat.
 */
export async function recordParticipation(db: Db, activityId: string, input: BulkParticipation, scope?: string, single = false) {
  // Errors point into the bulk body's list, or at the single form's own fields.
  const at = (index: number, field: string) => (single ? `/${field}` : `/participants/${index}/${field}`);
  return inTransaction(db, async (trx) => {
    const activity = await repository.findActivity(trx, activityId, scope, true);
    if (!activity) throw new NotFound('Activity', activityId);
    if (activity.status === 'cancelled') throw new Unprocessable(`Activity ${activityId} is cancelled: nobody takes part in it.`);
    const errors: Pointer[] = [];
    const clientIds = input.participants.map((participant) => participant.clientId);
    if (new Set(clientIds).size !== clientIds.length) errors.push({ pointer: '/participants', message: 'names a client twice' });
    for (const [index, participant] of input.participants.entries()) {
      const reason = refusal(activity, await findClient(legacyContext(trx), participant.clientId));
      if (reason) errors.push({ pointer: at(index, 'clientId'), message: reason });
      const happened = participant.attendance !== 'enrolled';
      if (happened && activity.starts_at > new Date()) {
        errors.push({ pointer: at(index, 'attendance'), message: `cannot be ${participant.attendance} before the session starts` });
      }
    }
    if (errors.length) throw invalidFields('The participation breaks a rule of the session.', errors);

    const existing = await repository.participantsOf(trx, [activityId]);
    const seated = new Set(existing.filter((row) => repository.TAKING_PART.includes(row.attendance)).map((row) => row.client_id));
    for (const participant of input.participants) {
      if (repository.TAKING_PART.includes(participant.attendance)) seated.add(participant.clientId);
      else seated.delete(participant.clientId);
    }
    if (activity.capacity !== null && seated.size > activity.capacity) {
      throw withProblem(new Conflict(`Activity ${activityId} is full: ${activity.capacity} places.`), { capacity: activity.capacity });
    }
    const joining = input.participants.filter((participant) => repository.TAKING_PART.includes(participant.attendance));
    if (!input.allowOverlap && joining.length) {
      const slot = { startsAt: activity.starts_at, durationMinutes: activity.duration_minutes };
      const busy = await repository.busyClients(trx, joining.map((participant) => participant.clientId), slot, activityId);
      if (busy.length) {
        throw withProblem(
          new Conflict(`Clients ${busy.join(', ')} already take part in another session at that time; send allowOverlap to book anyway.`),
          { clientIds: busy },
        );
      }
    }
    const now = new Date();
    const rows: ParticipantRow[] = input.participants.map((participant) => ({
      activity_id: activityId,
      client_id: participant.clientId,
      attendance: participant.attendance,
      engagement: participant.engagement ?? null,
      note: participant.note ?? null,
      updated_at: now,
    }));
    await repository.upsertParticipants(trx, rows);
    return activity;
  });
}
