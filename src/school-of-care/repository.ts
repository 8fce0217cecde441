import { sql, type Insertable, type Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { CareSessionAttendeeRow, CareSessionAttendeeTable, CareSessionRow, CareSessionTable } from '../db/schema.js';
import type { CareFilter } from '../reports/long-term-care-repository.js';
import type { CareCourse, CareSessionListFilter } from './schemas.js';
import { FAMILY_SITUATIONS, type AttendedSession } from './training.js';

/** The course catalogue: a handful of rows that belong to no organization. */
export async function loadCourses(ctx: Context): Promise<CareCourse[]> {
  const rows = await ctx.db.selectFrom('care_courses').select('definition').orderBy('id').execute();
  return rows.map((row) => row.definition);
}

export async function findCourse(ctx: Context, id: string): Promise<CareCourse | undefined> {
  const row = await ctx.db.selectFrom('care_courses').select('definition').where('id', '=', id).executeTakeFirst();
  return row?.definition;
}

export async function insertSession(tx: UnitOfWork, row: Insertable<CareSessionTable>): Promise<CareSessionRow> {
  return tx.scoped.insertInto('care_sessions', row).returningAll().executeTakeFirstOrThrow();
}

export async function findSession(ctx: Context, id: string): Promise<CareSessionRow | undefined> {
  return ctx.scoped.selectFrom('care_sessions').selectAll().where('care_sessions.id', '=', id).executeTakeFirst();
}

/** The sessions a list filter selects, for `paginate`. */
export function sessionsQuery(ctx: Context, filter: CareSessionListFilter) {
  let query = ctx.scoped.selectFrom('care_sessions').selectAll();
  if (filter.organizationId !== undefined) query = query.where('care_sessions.organization_id', '=', filter.organizationId);
  if (filter.courseId !== undefined) query = query.where('care_sessions.course_id', '=', filter.courseId);
  if (filter.carerId !== undefined) {
    const carerId = filter.carerId;
    query = query.where('care_sessions.id', 'in', (eb) =>
      eb
        .selectFrom('care_session_attendees')
        .select('care_session_attendees.session_id')
        .where('care_session_attendees.carer_id', '=', carerId),
    );
  }
  return query;
}

export async function updateSession(tx: UnitOfWork, id: string, expectedVersion: number, changes: Updateable<CareSessionTable>) {
  return tx.scoped
    .updateTable('care_sessions')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export type AttendeeWithClient = CareSessionAttendeeRow & { client_id: string };

export async function attendeesOf(ctx: Context, sessionIds: string[]): Promise<AttendeeWithClient[]> {
  if (sessionIds.length === 0) return [];
  return ctx.scoped
    .selectFrom('care_session_attendees')
    .innerJoin('carers', 'carers.id', 'care_session_attendees.carer_id')
    .selectAll('care_session_attendees')
    .select('carers.client_id')
    .where('care_session_attendees.session_id', 'in', sessionIds)
    .orderBy('care_session_attendees.carer_id')
    .execute();
}

/**
 * Records attendance: one row per session and carer (the primary key), so two requests marking
 * the same carer at once leave one record, the later one's answer.
 */
export async function upsertAttendees(
  tx: UnitOfWork,
  session: CareSessionRow,
  rows: Array<Insertable<CareSessionAttendeeTable>>,
): Promise<void> {
  await tx.scoped
    .insertChildren('care_session_attendees', session, rows)
    .onConflict((conflict) =>
      conflict.columns(['session_id', 'carer_id']).doUpdateSet((eb) => ({
        attendance: eb.ref('excluded.attendance'),
        note: eb.ref('excluded.note'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** The sessions held by `asOf` that these carers attended, for their training. */
export async function attendedSessions(
  ctx: Context,
  carerIds: string[],
  asOf: string,
): Promise<Array<AttendedSession & { carerId: string }>> {
  if (carerIds.length === 0) return [];
  const rows = await ctx.scoped
    .selectFrom('care_session_attendees')
    .innerJoin('care_sessions', 'care_sessions.id', 'care_session_attendees.session_id')
    .select(['care_session_attendees.carer_id', 'care_sessions.course_id', 'care_sessions.held_on', 'care_sessions.topics'])
    .where('care_session_attendees.carer_id', 'in', carerIds)
    .where('care_session_attendees.attendance', '=', 'attended')
    .where('care_sessions.held_on', '<=', asOf)
    .execute();
  return rows.map((row) => ({ carerId: row.carer_id, courseId: row.course_id, heldOn: row.held_on, topics: row.topics }));
}

/**
 * Trained carers per organization for the regional report: carers still caring on `asOf` of
 * active clients (in the report's filters and the caller's scope) who live in a family, who by
 * then attended sessions covering every topic of a course (src/school-of-care/training.ts).
 */
export async function trainedCarersByOrganization(ctx: Context, filter: Omit<CareFilter, 'current'>): Promise<Map<string, number>> {
  const clientFilter = sql.join(
    [
      sql`c.status = 'active'`,
      sql`c.archived_at IS NULL`,
      sql`c.living_situation = ANY(${[...FAMILY_SITUATIONS]}::text[])`,
      ctx.scoped.where('clients', 'c'),
      ...(filter.organizationId ? [sql`c.organization_id = ${filter.organizationId}`] : []),
      ...(filter.departmentId ? [sql`c.department_id = ${filter.departmentId}`] : []),
      ...(filter.careForm ? [sql`c.care_form = ${filter.careForm}`] : []),
    ],
    sql` AND `,
  );
  const { rows } = await sql<{ organization_id: string; trained: number }>`
    WITH covered AS (
      SELECT a.carer_id, s.course_id, count(DISTINCT topic.code) AS topics
      FROM care_session_attendees a
      JOIN care_sessions s ON s.id = a.session_id
      JOIN care_courses k ON k.id = s.course_id
      CROSS JOIN LATERAL unnest(s.topics) AS topic(code)
      WHERE a.attendance = 'attended' AND s.held_on <= ${filter.asOf}
        AND topic.code IN (SELECT t->>'code' FROM jsonb_array_elements(k.definition->'topics') t)
      GROUP BY a.carer_id, s.course_id
    ),
    trained AS (
      SELECT DISTINCT covered.carer_id
      FROM covered JOIN care_courses k ON k.id = covered.course_id
      WHERE covered.topics = jsonb_array_length(k.definition->'topics')
    )
    SELECT c.organization_id, count(*)::int AS trained
    FROM carers r
    JOIN trained ON trained.carer_id = r.id
    JOIN clients c ON c.id = r.client_id
    WHERE (r.cares_until IS NULL OR r.cares_until >= ${filter.asOf}) AND ${clientFilter}
    GROUP BY c.organization_id
  `.execute(ctx.db);
  return new Map(rows.map((row) => [row.organization_id, row.trained]));
}
