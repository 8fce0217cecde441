import { ActivityTypeRetired } from '../activity-types/problems.js';
import { findActivityType } from '../activity-types/repository.js';
import { formatWallTime, wallTime } from '../calendar/zoned.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ActivityRow, Attendance, NewActivityRow, ParticipantRow } from '../db/schema.js';
import { exclusionViolation, inSavepoint } from '../db/errors.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { getClient } from '../clients/service.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { invalidParameter } from '../http/problems.js';
import { NotFound, withFields, withProblem } from '../http/problems.js';
import type { FieldError } from '../http/problem.js';
import { getOrganization } from '../organizations/service.js';
import { staffOfOrganization } from '../staff/repository.js';
import { getStaff } from '../staff/service.js';
import {
  CancelReasonRequired,
  CancelReasonUnexpected,
  ClientOverlap,
  ParticipantDuplicate,
  ParticipantNotEligible,
  RecurrenceRuleEmpty,
  RecurrenceRuleInvalid,
  SessionCancelled,
  SessionFull,
  SessionNotStarted,
  SessionRuleViolated,
  StaffOverlap,
} from './problems.js';
import { RecurrenceError, expandRule } from './recurrence.js';
import * as repository from './repository.js';
import type { Activity, BulkParticipation, CreateActivity, CreateSeries, UpdateActivity } from './schemas.js';
import { holdClients } from '../clients/repository.js';

type Pointer = Omit<FieldError, 'in'>;

/** A schedule is one page: at most this many days. */
const MAX_SCHEDULE_DAYS = 92;

/** Attendance that takes a seat and a slot in the client's day. */
const TAKING_PART: readonly Attendance[] = ['enrolled', 'attended'];
const takesPart = (attendance: Attendance) => TAKING_PART.includes(attendance);

function mapActivity(row: ActivityRow, timeZone: string, participants: ParticipantRow[]): Activity {
  return {
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    activityTypeId: row.activity_type_id,
    seriesId: row.series_id,
    startsAt: row.starts_at.toISOString(),
    localStart: formatWallTime(wallTime(row.starts_at, timeZone)),
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
  };
}

/** Maps sessions to API objects, with all their participants read in one query and each organization's time zone once. */
export async function toActivities(ctx: Context, rows: ActivityRow[]): Promise<Activity[]> {
  const participants = await repository.participantsOf(
    ctx,
    rows.map((row) => row.id),
  );
  const zones = new Map<string, string>();
  const activities: Activity[] = [];
  for (const row of rows) {
    let zone = zones.get(row.organization_id);
    if (zone === undefined) {
      zone = (await getOrganization(ctx, row.organization_id)).time_zone;
      zones.set(row.organization_id, zone);
    }
    activities.push(mapActivity(row, zone, participants));
  }
  return activities;
}

export async function toActivity(ctx: Context, row: ActivityRow): Promise<Activity> {
  const participants = await repository.participantsOf(ctx, [row.id]);
  return mapActivity(row, (await getOrganization(ctx, row.organization_id)).time_zone, participants);
}

type SessionInput = Omit<CreateActivity, 'status'>;

const notStaff = (ids: string[], known: Set<string>): Pointer[] =>
  ids.flatMap((id, index) =>
    known.has(id) ? [] : [{ pointer: `/responsibleStaff/${index}`, message: 'is not a staff member of the organization' }],
  );

/** Checks what every session of `input` shares: department, type, staff of the organization. */
async function checkSession(ctx: Context, input: SessionInput): Promise<{ durationMinutes: number; timeZone: string }> {
  const organization = await getOrganization(ctx, input.organizationId);
  const errors: Pointer[] = [];
  if (organization.kind !== 'social_service') errors.push({ pointer: '/organizationId', message: 'is not a social-service organization' });
  if (input.departmentId && !(await findDepartment(ctx, input.organizationId, input.departmentId))) {
    errors.push({ pointer: '/departmentId', message: 'is not a department of the organization' });
  }
  // The caller may see more of the catalog than the session's organization has: the shared entries and that organization's own.
  const found = await findActivityType(ctx, input.activityTypeId);
  const type = found && (found.organization_id === null || found.organization_id === input.organizationId) ? found : undefined;
  if (!type) errors.push({ pointer: '/activityTypeId', message: 'is not in the catalog of the organization' });
  errors.push(...notStaff(input.responsibleStaff, await staffOfOrganization(ctx, input.organizationId, input.responsibleStaff)));
  if (errors.length || !type) throw withFields(new SessionRuleViolated(), errors);
  if (type.retired_at) throw withFields(new ActivityTypeRetired(type.id), [{ pointer: '/activityTypeId', message: 'is retired' }]);
  return { durationMinutes: input.durationMinutes ?? type.default_duration_minutes, timeZone: organization.time_zone };
}

async function checkStaffFree(ctx: Context, staff: string[], slots: repository.Slot[], except?: string): Promise<void> {
  await repository.holdStaffForBooking(ctx, staff);
  for (const slot of slots) {
    const busy = await repository.busyStaff(ctx, staff, slot, except);
    if (busy.length) {
      const startsAt = slot.startsAt.toISOString();
      throw withProblem(new StaffOverlap(busy.join(', '), startsAt), { staffIds: busy, startsAt });
    }
  }
}

async function checkClientsFree(ctx: Context, clientIds: string[], slot: repository.Slot, except: string): Promise<void> {
  if (clientIds.length === 0) return;
  await holdClients(ctx, clientIds);
  const busy = await repository.busyClients(ctx, clientIds, TAKING_PART, slot, except);
  if (busy.length) throw withProblem(new ClientOverlap(busy.join(', ')), { clientIds: busy });
}

/** The checks that name who is double-booked, by the database constraint that refused the booking. */
interface Rechecks {
  staff?: () => Promise<void>;
  clients?: () => Promise<void>;
}

/**
 * Runs a write that books staff or clients. The checks before it pass for two requests at once;
 * the database's exclusion constraints refuse the second booking once the first is committed, and
 * then the same check, run again, sees the first and gives the documented 409 naming whom.
 */
async function booking<T>(tx: UnitOfWork, write: () => Promise<T>, rechecks: Rechecks): Promise<T> {
  try {
    return await inSavepoint(tx.db, write);
  } catch (error) {
    const constraint = exclusionViolation(error);
    if (constraint === 'staff_bookings_no_overlap') await rechecks.staff?.();
    if (constraint === 'activity_participants_no_overlap') await rechecks.clients?.();
    throw error;
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
    overlap_allowed: input.allowOverlap ?? false,
  };
}

export async function createActivity(tx: UnitOfWork, input: CreateActivity): Promise<ActivityRow> {
  const { durationMinutes } = await checkSession(tx, input);
  const startsAt = new Date(input.startsAt);
  const staffFree = () => checkStaffFree(tx, input.responsibleStaff, [{ startsAt, durationMinutes }]);
  if (!input.allowOverlap) await staffFree();
  const row = { ...newSession(input, startsAt, durationMinutes, null), status: input.status ?? 'planned' };
  return booking(tx, () => repository.insertActivity(tx, row), { staff: staffFree });
}

/** A recurring session: the series and all its sessions in one unit of work, each an ordinary activity after. */
export async function createSeries(tx: UnitOfWork, input: CreateSeries) {
  const { durationMinutes, timeZone } = await checkSession(tx, input);
  const first = new Date(input.startsAt);
  let starts: Date[];
  try {
    starts = expandRule(input.rule, first, timeZone);
  } catch (error) {
    if (!(error instanceof RecurrenceError)) throw error;
    throw withFields(new RecurrenceRuleInvalid(), [{ pointer: '/rule', message: error.message }]);
  }
  if (starts.length === 0) throw withFields(new RecurrenceRuleEmpty(), [{ pointer: '/rule', message: 'makes no session' }]);
  const staffFree = () =>
    checkStaffFree(
      tx,
      input.responsibleStaff,
      starts.map((startsAt) => ({ startsAt, durationMinutes })),
    );
  if (!input.allowOverlap) await staffFree();
  const series = await repository.insertSeries(tx, {
    organization_id: input.organizationId,
    rule: input.rule,
    first_starts_at: first,
    time_zone: timeZone,
  });
  const rows = starts.map((startsAt) => newSession(input, startsAt, durationMinutes, series.id));
  const sessions = await booking(tx, () => repository.insertActivities(tx, rows), { staff: staffFree });
  return { ...series, sessions: sessions.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime()) };
}

export async function getActivity(ctx: Context, id: string): Promise<ActivityRow> {
  const row = await repository.findActivity(ctx, id);
  if (!row) throw new NotFound('Activity', id);
  return row;
}

export async function updateActivity(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateActivity) {
  const current = await getActivity(tx, id);
  const status = input.status ?? current.status;
  if (status === 'cancelled' && !(input.cancelReason ?? current.cancel_reason)) {
    throw withFields(new CancelReasonRequired(), [{ pointer: '/cancelReason', message: 'is required to cancel' }]);
  }
  if (input.cancelReason && status !== 'cancelled') {
    throw withFields(new CancelReasonUnexpected(), [{ pointer: '/cancelReason', message: 'is only for status cancelled' }]);
  }
  const staff = input.responsibleStaff ?? current.responsible_staff;
  if (input.responsibleStaff) {
    const errors = notStaff(staff, await staffOfOrganization(tx, current.organization_id, staff));
    if (errors.length) throw withFields(new SessionRuleViolated(), errors);
  }
  const slot = {
    startsAt: input.startsAt ? new Date(input.startsAt) : current.starts_at,
    durationMinutes: input.durationMinutes ?? current.duration_minutes,
  };
  const moved = Boolean(input.startsAt || input.durationMinutes || input.responsibleStaff);
  const staffFree = () => checkStaffFree(tx, staff, [slot], id);
  const participants = async () =>
    (await repository.participantsOf(tx, [id])).filter((row) => takesPart(row.attendance)).map((row) => row.client_id);
  const clientsFree = async () => checkClientsFree(tx, await participants(), slot, id);
  if (moved && status !== 'cancelled' && !input.allowOverlap) {
    await staffFree();
    await clientsFree();
  }
  // Booked anyway: the moved session's clients too, for the move is one decision.
  if (moved && input.allowOverlap) await repository.allowParticipantsOverlap(tx, current);
  const changes = {
    starts_at: input.startsAt ? slot.startsAt : undefined,
    duration_minutes: input.durationMinutes,
    place: input.place,
    capacity: input.capacity,
    responsible_staff: input.responsibleStaff,
    status: input.status,
    cancel_reason: status === 'cancelled' ? (input.cancelReason ?? current.cancel_reason) : null,
    overlap_allowed: moved ? Boolean(input.allowOverlap) : undefined,
  };
  // A session taken out of cancellation books its slots again, checked by the constraints alone.
  const updated = await booking(tx, () => repository.updateActivity(tx, id, expectedVersion(ifMatch, current), changes), {
    staff: staffFree,
    clients: clientsFree,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Activity', id));
  return updated;
}

type ParticipantClient = Awaited<ReturnType<typeof repository.participantClients>>[number];

/** Why a client cannot take part in a session of `activity`, if it cannot. */
function refusal(activity: ActivityRow, client: ParticipantClient | undefined): string | undefined {
  if (!client) return 'is not a client of the register';
  if (client.organization_id !== activity.organization_id) return 'is a client of another organization';
  if (client.archived_at) return 'is archived';
  if (client.status === 'discharged' || client.status === 'deceased') return `is ${client.status}`;
  return undefined;
}

/**
 * Records enrolment or attendance of clients in a session, all or none. The session row is locked
 * until the unit of work ends, so two enrolments cannot both take the last seat.
 */
export async function recordParticipation(tx: UnitOfWork, activityId: string, input: BulkParticipation, single = false) {
  // Errors point into the bulk body's list, or at the single form's own fields.
  const at = (index: number, field: string) => (single ? `/${field}` : `/participants/${index}/${field}`);
  const activity = await repository.findActivity(tx, activityId, true);
  if (!activity) throw new NotFound('Activity', activityId);
  if (activity.status === 'cancelled') throw new SessionCancelled(activityId);
  const clientIds = input.participants.map((participant) => participant.clientId);
  if (new Set(clientIds).size !== clientIds.length) {
    throw withFields(new ParticipantDuplicate(), [{ pointer: '/participants', message: 'names a client twice' }]);
  }
  const clients = new Map((await repository.participantClients(tx, clientIds)).map((client) => [client.id, client]));
  const refused = input.participants.flatMap((participant, index) => {
    const reason = refusal(activity, clients.get(participant.clientId));
    return reason ? [{ pointer: at(index, 'clientId'), message: reason }] : [];
  });
  if (refused.length) throw withFields(new ParticipantNotEligible(), refused);
  const early = input.participants.flatMap((participant, index) =>
    participant.attendance !== 'enrolled' && activity.starts_at > new Date()
      ? [{ pointer: at(index, 'attendance'), message: `cannot be ${participant.attendance} before the session starts` }]
      : [],
  );
  if (early.length) throw withFields(new SessionNotStarted(), early);

  const existing = await repository.participantsOf(tx, [activityId]);
  const seated = new Set(existing.filter((row) => takesPart(row.attendance)).map((row) => row.client_id));
  for (const participant of input.participants) {
    if (takesPart(participant.attendance)) seated.add(participant.clientId);
    else seated.delete(participant.clientId);
  }
  if (activity.capacity !== null && seated.size > activity.capacity) {
    throw withProblem(new SessionFull(activityId, activity.capacity), { capacity: activity.capacity });
  }
  const joining = input.participants.filter((participant) => takesPart(participant.attendance)).map((participant) => participant.clientId);
  const slot = { startsAt: activity.starts_at, durationMinutes: activity.duration_minutes };
  const clientsFree = () => checkClientsFree(tx, joining, slot, activityId);
  if (!input.allowOverlap) await clientsFree();
  const now = new Date();
  const rows = input.participants.map((participant) => ({
    activity_id: activityId,
    client_id: participant.clientId,
    attendance: participant.attendance,
    engagement: participant.engagement ?? null,
    note: participant.note ?? null,
    overlap_allowed: input.allowOverlap ?? false,
    updated_at: now,
  }));
  await booking(tx, () => repository.upsertParticipants(tx, activity, rows), { clients: clientsFree });
  return activity;
}

function scheduleRange(query: { from: string; to: string }) {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to <= from) throw invalidParameter('querystring', '/to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_SCHEDULE_DAYS * 86_400_000) {
    throw invalidParameter('querystring', '/to', `must be at most ${MAX_SCHEDULE_DAYS} days after from`);
  }
  return { from, to };
}

/** The sessions a client takes part in between two instants, in time order. */
export async function clientSchedule(ctx: Context, clientId: string, range: { from: string; to: string }): Promise<Activity[]> {
  const client = await getClient(ctx, clientId);
  const { from, to } = scheduleRange(range);
  return toActivities(ctx, await repository.schedule(ctx, { clientId: client.id }, from, to));
}

/** The sessions a staff member is responsible for between two instants, in time order. */
export async function staffSchedule(ctx: Context, staffId: string, range: { from: string; to: string }): Promise<Activity[]> {
  const staff = await getStaff(ctx, staffId);
  const { from, to } = scheduleRange(range);
  return toActivities(ctx, await repository.schedule(ctx, { staffId: staff.id }, from, to));
}
