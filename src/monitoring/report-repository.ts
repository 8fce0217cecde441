import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** Which organization (and department) a monthly report covers, and its month in dates and instants. */
export interface ReportScope {
  organizationId: string;
  departmentId?: string;
  /** 'YYYY-MM-01' and the first day of the next month */
  firstDay: string;
  nextFirstDay: string;
  /** the month's instants on the organization's clock */
  from: Date;
  to: Date;
}

const inDepartment = (scope: ReportScope, column: string) =>
  scope.departmentId ? sql`AND ${sql.ref(column)} = ${scope.departmentId}` : sql``;

/** Sessions of the month by direction and status: one query. */
export async function sessionsByDirection(db: Db, scope: ReportScope) {
  const { rows } = await sql<{ direction: string; status: string; sessions: number }>`
    SELECT t.direction, a.status, count(*)::int AS sessions
    FROM activities a JOIN activity_types t ON t.id = a.activity_type_id
    WHERE a.organization_id = ${scope.organizationId} ${inDepartment(scope, 'a.department_id')}
      AND a.starts_at >= ${scope.from} AND a.starts_at < ${scope.to}
    GROUP BY t.direction, a.status
  `.execute(db);
  return rows;
}

/** Participation records of the month's held sessions by the type's participation and attendance. */
export async function participation(db: Db, scope: ReportScope) {
  const { rows } = await sql<{ participation: string; attendance: string; records: number; clients: number }>`
    SELECT t.participation, p.attendance, count(*)::int AS records, count(DISTINCT p.client_id)::int AS clients
    FROM activity_participants p
    JOIN activities a ON a.id = p.activity_id
    JOIN activity_types t ON t.id = a.activity_type_id
    WHERE a.organization_id = ${scope.organizationId} ${inDepartment(scope, 'a.department_id')}
      AND a.status = 'held' AND a.starts_at >= ${scope.from} AND a.starts_at < ${scope.to}
    GROUP BY t.participation, p.attendance
  `.execute(db);
  const { rows: distinct } = await sql<{ participants: number }>`
    SELECT count(DISTINCT p.client_id)::int AS participants
    FROM activity_participants p JOIN activities a ON a.id = p.activity_id
    WHERE a.organization_id = ${scope.organizationId} ${inDepartment(scope, 'a.department_id')}
      AND a.status = 'held' AND p.attendance = 'attended' AND a.starts_at >= ${scope.from} AND a.starts_at < ${scope.to}
  `.execute(db);
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

export async function questionnaireAverages(db: Db, scope: ReportScope, firstDay: string, nextFirstDay: string) {
  const { rows } = await sql<QuestionnaireAverages>`
    SELECT ${QUESTIONNAIRE_AVERAGES}
    FROM questionnaires q JOIN clients c ON c.id = q.client_id
    WHERE q.organization_id = ${scope.organizationId} ${inDepartment(scope, 'c.department_id')}
      AND q.filled_on >= ${firstDay} AND q.filled_on < ${nextFirstDay}
  `.execute(db);
  return rows[0]!;
}

export interface ObservationPair {
  client_id: string;
  before: Record<string, number> | null;
  after: Record<string, number>;
}

/**
 * For every client observed in the month: the month's latest observation and the latest one
 * before the month, if any, in one query.
 */
export async function observationPairs(db: Db, scope: ReportScope): Promise<ObservationPair[]> {
  const { rows } = await sql<ObservationPair>`
    WITH ranked AS (
      SELECT o.*, o.observed_on >= ${scope.firstDay} AS in_month,
        row_number() OVER (PARTITION BY o.client_id, o.observed_on >= ${scope.firstDay}
                           ORDER BY o.observed_on DESC, o.created_at DESC) AS rank
      FROM observations o JOIN clients c ON c.id = o.client_id
      WHERE o.organization_id = ${scope.organizationId} ${inDepartment(scope, 'c.department_id')}
        AND o.observed_on < ${scope.nextFirstDay}
    ),
    latest AS (SELECT * FROM ranked WHERE rank = 1)
    SELECT m.client_id,
      CASE WHEN b.id IS NULL THEN NULL ELSE to_jsonb(b) END AS before,
      to_jsonb(m) AS after
    FROM latest m LEFT JOIN latest b ON b.client_id = m.client_id AND NOT b.in_month
    WHERE m.in_month
    ORDER BY m.client_id
  `.execute(db);
  return rows;
}

/** Active, not archived clients who attended no held session in the month. */
export async function clientsWithoutActivity(db: Db, scope: ReportScope) {
  const { rows } = await sql<{ id: string }>`
    SELECT c.id FROM clients c
    WHERE c.organization_id = ${scope.organizationId} ${inDepartment(scope, 'c.department_id')}
      AND c.status = 'active' AND c.archived_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM activity_participants p JOIN activities a ON a.id = p.activity_id
        WHERE p.client_id = c.id AND p.attendance = 'attended' AND a.status = 'held'
          AND a.starts_at >= ${scope.from} AND a.starts_at < ${scope.to})
    ORDER BY c.id
  `.execute(db);
  return rows.map((row) => row.id);
}

/** Support programs running in the month, and what their clients attended by activity type. */
export async function programsOfMonth(db: Db, scope: ReportScope) {
  const programs = await db
    .selectFrom('support_programs')
    .innerJoin('clients', 'clients.id', 'support_programs.client_id')
    .selectAll('support_programs')
    .where('support_programs.organization_id', '=', scope.organizationId)
    .$if(scope.departmentId !== undefined, (query) => query.where('clients.department_id', '=', scope.departmentId!))
    .where('support_programs.status', 'in', ['active', 'completed'])
    .where('support_programs.period_from', '<', scope.nextFirstDay)
    .where('support_programs.period_to', '>=', scope.firstDay)
    .execute();
  const { rows } = await sql<{ client_id: string; activity_type_id: string; attended: number }>`
    SELECT p.client_id, a.activity_type_id, count(*)::int AS attended
    FROM activity_participants p JOIN activities a ON a.id = p.activity_id
    WHERE a.organization_id = ${scope.organizationId} AND p.attendance = 'attended' AND a.status <> 'cancelled'
      AND a.starts_at >= ${scope.from} AND a.starts_at < ${scope.to}
    GROUP BY p.client_id, a.activity_type_id
  `.execute(db);
  return { programs, attended: rows };
}
