import { today } from '../calendar/dates.js';
import { carersById } from '../carers/repository.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { CareSessionRow, CarerRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import { getOrganization } from '../organizations/service.js';
import { staffOfOrganization } from '../staff/repository.js';
import { AttendeeDuplicate, CareSessionNotHeld, CareSessionRuleViolated, CarerNotEligible } from './problems.js';
import * as repository from './repository.js';
import type { BulkAttendance, CareCourse, CareSession, CourseProgress, CreateCareSession, UpdateCareSession } from './schemas.js';
import { courseProgress, type AttendedSession } from './training.js';

type Pointer = Omit<FieldError, 'in'>;

export async function getCourse(ctx: Context, id: string): Promise<CareCourse> {
  const course = await repository.findCourse(ctx, id);
  if (!course) throw new NotFound('Course', id);
  return course;
}

/** Each carer's progress in the courses of the school of care, as of `asOf` (default: today). */
export async function trainingOf(ctx: Context, carerIds: string[], asOf = today()): Promise<Map<string, CourseProgress[]>> {
  const sessions = await repository.attendedSessions(ctx, carerIds, asOf);
  if (sessions.length === 0) return new Map();
  const courses = new Map((await repository.loadCourses(ctx)).map((course) => [course.id, course.topics.map((topic) => topic.code)]));
  const byCarer = new Map<string, AttendedSession[]>();
  for (const session of sessions) byCarer.set(session.carerId, [...(byCarer.get(session.carerId) ?? []), session]);
  return new Map([...byCarer].map(([carerId, attended]) => [carerId, courseProgress(courses, attended)]));
}

export async function toSessions(ctx: Context, rows: CareSessionRow[]): Promise<CareSession[]> {
  const attendees = await repository.attendeesOf(
    ctx,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    courseId: row.course_id,
    heldOn: row.held_on,
    conductedBy: row.conducted_by,
    topics: row.topics,
    place: row.place,
    attendees: attendees
      .filter((attendee) => attendee.session_id === row.id)
      .map((attendee) => ({
        carerId: attendee.carer_id,
        clientId: attendee.client_id,
        attendance: attendee.attendance,
        note: attendee.note,
      })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}

export async function toSession(ctx: Context, row: CareSessionRow): Promise<CareSession> {
  const [session] = await toSessions(ctx, [row]);
  if (!session) throw new Error('toSessions lost a row');
  return session;
}

/** Topics of the session that its course does not teach, and staff not of the organization. */
async function sessionErrors(
  ctx: Context,
  organizationId: string,
  course: CareCourse,
  input: { conductedBy?: string[]; topics?: string[] },
): Promise<Pointer[]> {
  const errors: Pointer[] = [];
  const taught = new Set(course.topics.map((topic) => topic.code));
  for (const [index, topic] of (input.topics ?? []).entries()) {
    if (!taught.has(topic)) errors.push({ pointer: `/topics/${index}`, message: `is not a topic of the course ${course.id}` });
  }
  if (input.conductedBy) {
    const known = await staffOfOrganization(ctx, organizationId, input.conductedBy);
    for (const [index, id] of input.conductedBy.entries()) {
      if (!known.has(id)) errors.push({ pointer: `/conductedBy/${index}`, message: 'is not a staff member of the organization' });
    }
  }
  return errors;
}

export async function createSession(tx: UnitOfWork, input: CreateCareSession): Promise<CareSessionRow> {
  const organization = await getOrganization(tx, input.organizationId);
  const course = await repository.findCourse(tx, input.courseId);
  const errors: Pointer[] = [];
  if (organization.kind !== 'social_service') errors.push({ pointer: '/organizationId', message: 'is not a social-service organization' });
  if (!course) errors.push({ pointer: '/courseId', message: 'is not a course of the school of care' });
  else errors.push(...(await sessionErrors(tx, input.organizationId, course, input)));
  if (errors.length) throw withFields(new CareSessionRuleViolated(), errors);
  return repository.insertSession(tx, {
    organization_id: input.organizationId,
    course_id: input.courseId,
    held_on: input.heldOn,
    conducted_by: input.conductedBy,
    topics: input.topics,
    place: input.place ?? null,
  });
}

export async function getSession(ctx: Context, id: string): Promise<CareSessionRow> {
  const row = await repository.findSession(ctx, id);
  if (!row) throw new NotFound('Session', id);
  return row;
}

export async function updateSession(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateCareSession): Promise<CareSessionRow> {
  const current = await getSession(tx, id);
  const errors = await sessionErrors(tx, current.organization_id, await getCourse(tx, current.course_id), input);
  if (errors.length) throw withFields(new CareSessionRuleViolated(), errors);
  const updated = await repository.updateSession(tx, id, expectedVersion(ifMatch, current), {
    held_on: input.heldOn,
    conducted_by: input.conductedBy,
    topics: input.topics,
    place: input.place,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Session', id));
  return updated;
}

/** Why a carer cannot attend the session, if they cannot. */
function refusal(session: CareSessionRow, carer: CarerRow | undefined): string | undefined {
  if (!carer) return 'is not a carer of this register';
  if (carer.organization_id !== session.organization_id) return 'is a carer of a client of another organization';
  if (carer.cares_until !== null && carer.cares_until < session.held_on) return `had stopped caring on ${carer.cares_until}`;
  return undefined;
}

/**
 * Records enrolment or attendance of carers at a session, all or none, as the milieu sessions
 * record their clients' (src/activities/service.ts): one record per session and carer.
 */
export async function recordAttendance(tx: UnitOfWork, sessionId: string, input: BulkAttendance, single = false): Promise<CareSessionRow> {
  const at = (index: number, field: string) => (single ? `/${field}` : `/attendees/${index}/${field}`);
  const session = await getSession(tx, sessionId);
  const carerIds = input.attendees.map((attendee) => attendee.carerId);
  if (new Set(carerIds).size !== carerIds.length) {
    throw withFields(new AttendeeDuplicate(), [{ pointer: '/attendees', message: 'names a carer twice' }]);
  }
  const carers = new Map((await carersById(tx, carerIds)).map((carer) => [carer.id, carer]));
  const refused = input.attendees.flatMap((attendee, index) => {
    const reason = refusal(session, carers.get(attendee.carerId));
    return reason ? [{ pointer: at(index, 'carerId'), message: reason }] : [];
  });
  if (refused.length) throw withFields(new CarerNotEligible(), refused);
  const early = input.attendees.flatMap((attendee, index) =>
    attendee.attendance !== 'enrolled' && session.held_on > today()
      ? [{ pointer: at(index, 'attendance'), message: `cannot be ${attendee.attendance} before the session’s day` }]
      : [],
  );
  if (early.length) throw withFields(new CareSessionNotHeld(session.held_on), early);
  const now = new Date();
  await repository.upsertAttendees(
    tx,
    session,
    input.attendees.map((attendee) => ({
      session_id: session.id,
      carer_id: attendee.carerId,
      organization_id: session.organization_id,
      attendance: attendee.attendance,
      note: attendee.note ?? null,
      updated_at: now,
    })),
  );
  return session;
}
