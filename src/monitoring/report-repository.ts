import { sql } from 'kysely';
import type { Context } from '../context/request-context.js';
import type { ActivityStatus, Attendance, Direction, Participation, ProgramStatus } from '../enums.js';
import type { IndicatorColumn } from './indicators.js';

/*
 * The month's figures, in SQL. Each query is confined to the caller's scope besides the report's
 * organization: `ctx.scoped.where` on the owned table it reads.
 */

/** Which organization (and department) a monthly report covers, and its month in dates and instants. */
export interface ReportCoverage {
  organizationId: string;
  departmentId?: string;
  /** 'YYYY-MM-01' and the first day of the next month */
  firstDay: string;
  nextFirstDay: string;
  /** the month's instants on the organization's clock */
  from: Date;
  to: Date;
}

const inDepartment = (coverage: ReportCoverage, column: string) =>
  coverage.departmentId ? sql`AND ${sql.ref(column)} = ${coverage.departmentId}` : sql``;

/** Sessions of the month by direction and status: one query. */
export async function sessionsByDirection(ctx: Context, coverage: ReportCoverage) {
  const { rows } = await sql<{ direction: Direction; status: ActivityStatus; sessions: number }>`
    SELECT t.direction, a.status, count(*)::int AS sessions
    FROM activities a JOIN activity_types t ON t.id = a.activity_type_id
    WHERE a.organization_id = ${coverage.organizationId} ${inDepartment(coverage, 'a.department_id')} AND ${ctx.scoped.where('activities', 'a')}
      AND a.starts_at >= ${coverage.from} AND a.starts_at < ${coverage.to}
    GROUP BY t.direction, a.status
  `.execute(ctx.db);
  return rows;
}

/** Participation records of the month's held sessions by the type's participation and attendance. */
export async function participation(ctx: Context, coverage: ReportCoverage) {
  const { rows } = await sql<{ participation: Participation; attendance: Attendance; records: number; clients: number }>`
    SELECT t.participation, p.attendance, count(*)::int AS records, count(DISTINCT p.client_id)::int AS clients
    FROM activity_participants p
    JOIN activities a ON a.id = p.activity_id
    JOIN activity_types t ON t.id = a.activity_type_id
    WHERE a.organization_id = ${coverage.organizationId} ${inDepartment(coverage, 'a.department_id')} AND ${ctx.scoped.where('activities', 'a')}
      AND a.status = 'held' AND a.starts_at >= ${coverage.from} AND a.starts_at < ${coverage.to}
    GROUP BY t.participation, p.attendance
  `.execute(ctx.db);
  const { rows: distinct } = await sql<{ participants: number }>`
    SELECT count(DISTINCT p.client_id)::int AS participants
    FROM activity_participants p JOIN activities a ON a.id = p.activity_id
    WHERE a.organization_id = ${coverage.organizationId} ${inDepartment(coverage, 'a.department_id')} AND ${ctx.scoped.where('activities', 'a')}
      AND a.status = 'held' AND p.attendance = 'attended' AND a.starts_at >= ${coverage.from} AND a.starts_at < ${coverage.to}
  `.execute(ctx.db);
  return { rows, participants: distinct[0]?.participants ?? 0 };
}

const QUESTIONNAIRE_AVERAGES = sql`
  count(*)::int AS questionnaires,
  round(avg(q.physical), 2)::float AS physical,
  round(avg(q.psychological), 2)::float AS psychological,
  round(avg(q.social), 2)::float AS social,
  round(avg(q.spiritual), 2)::float AS spiritual,
  round(avg(q.satisfaction_process), 2)::float AS satisfaction_process,
  round(avg(q.satisfaction_results), 2)::float AS satisfaction_results`;

export interface QuestionnaireAverages {
  questionnaires: number;
  physical: number | null;
  psychological: number | null;
  social: number | null;
  spiritual: number | null;
  satisfaction_process: number | null;
  satisfaction_results: number | null;
}

const NO_QUESTIONNAIRES: QuestionnaireAverages = {
  questionnaires: 0,
  physical: null,
  psychological: null,
  social: null,
  spiritual: null,
  satisfaction_process: null,
  satisfaction_results: null,
};

export async function questionnaireAverages(ctx: Context, coverage: ReportCoverage, firstDay: string, nextFirstDay: string) {
  const { rows } = await sql<QuestionnaireAverages>`
    SELECT ${QUESTIONNAIRE_AVERAGES}
    FROM questionnaires q JOIN clients c ON c.id = q.client_id
    WHERE q.organization_id = ${coverage.organizationId} ${inDepartment(coverage, 'c.department_id')} AND ${ctx.scoped.where('questionnaires', 'q')}
      AND q.filled_on >= ${firstDay} AND q.filled_on < ${nextFirstDay}
  `.execute(ctx.db);
  // An aggregate answers one row; typed as a list, its absence reads as no questionnaire.
  return rows[0] ?? NO_QUESTIONNAIRES;
}

export interface ObservationPair {
  client_id: string;
  before: Record<IndicatorColumn, number> | null;
  after: Record<IndicatorColumn, number>;
}

/**
 * For every client observed in the month: the month's latest observation and the latest one
 * before the month, if any, in one query.
 */
export async function observationPairs(ctx: Context, coverage: ReportCoverage): Promise<ObservationPair[]> {
  const { rows } = await sql<ObservationPair>`
    WITH ranked AS (
      SELECT o.*, o.observed_on >= ${coverage.firstDay} AS in_month,
        row_number() OVER (PARTITION BY o.client_id, o.observed_on >= ${coverage.firstDay}
                           ORDER BY o.observed_on DESC, o.created_at DESC) AS rank
      FROM observations o JOIN clients c ON c.id = o.client_id
      WHERE o.organization_id = ${coverage.organizationId} ${inDepartment(coverage, 'c.department_id')} AND ${ctx.scoped.where('observations', 'o')}
        AND o.observed_on < ${coverage.nextFirstDay}
    ),
    latest AS (SELECT * FROM ranked WHERE rank = 1)
    SELECT m.client_id,
      CASE WHEN b.id IS NULL THEN NULL ELSE to_jsonb(b) END AS before,
      to_jsonb(m) AS after
    FROM latest m LEFT JOIN latest b ON b.client_id = m.client_id AND NOT b.in_month
    WHERE m.in_month
    ORDER BY m.client_id
  `.execute(ctx.db);
  return rows;
}

/** Active, not archived clients who attended no held session in the month. */
export async function clientsWithoutActivity(ctx: Context, coverage: ReportCoverage) {
  const { rows } = await sql<{ id: string }>`
    SELECT c.id FROM clients c
    WHERE c.organization_id = ${coverage.organizationId} ${inDepartment(coverage, 'c.department_id')} AND ${ctx.scoped.where('clients', 'c')}
      AND c.status = 'active' AND c.archived_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM activity_participants p JOIN activities a ON a.id = p.activity_id
        WHERE p.client_id = c.id AND p.attendance = 'attended' AND a.status = 'held'
          AND a.starts_at >= ${coverage.from} AND a.starts_at < ${coverage.to})
    ORDER BY c.id
  `.execute(ctx.db);
  return rows.map((row) => row.id);
}

/** Support programs of one of `statuses` whose period overlaps the month, and what their clients attended by activity type. */
export async function programsOfMonth(ctx: Context, coverage: ReportCoverage, statuses: readonly ProgramStatus[]) {
  let query = ctx.scoped
    .selectFrom('support_programs')
    .innerJoin('clients', 'clients.id', 'support_programs.client_id')
    .selectAll('support_programs')
    .where('support_programs.organization_id', '=', coverage.organizationId)
    .where('support_programs.status', 'in', statuses)
    .where('support_programs.period_from', '<', coverage.nextFirstDay)
    .where('support_programs.period_to', '>=', coverage.firstDay);
  if (coverage.departmentId !== undefined) query = query.where('clients.department_id', '=', coverage.departmentId);
  const programs = await query.execute();
  const { rows } = await sql<{ client_id: string; activity_type_id: string; attended: number }>`
    SELECT p.client_id, a.activity_type_id, count(*)::int AS attended
    FROM activity_participants p JOIN activities a ON a.id = p.activity_id
    WHERE a.organization_id = ${coverage.organizationId} AND ${ctx.scoped.where('activities', 'a')}
      AND p.attendance = 'attended' AND a.status <> 'cancelled'
      AND a.starts_at >= ${coverage.from} AND a.starts_at < ${coverage.to}
    GROUP BY p.client_id, a.activity_type_id
  `.execute(ctx.db);
  return { programs, attended: rows };
}
