import { sql } from 'kysely';
import { daysBetween } from '../calendar/dates.js';
import { confinedTo } from '../context/scope.js';
import type { Context } from '../context/request-context.js';
import type { CareForm } from '../enums.js';

export interface CareFilter {
  asOf: string;
  /** True when asOf is today or later: the maintained current assessment is the one as of then. */
  current: boolean;
  organizationId?: string;
  departmentId?: string;
  careForm?: CareForm;
}

export interface OrganizationCareRow {
  organization_id: string;
  name: string;
  active_clients: number;
  never_assessed: number;
  overdue: number;
  group_1: number;
  group_2: number;
  group_3: number;
  group_4: number;
  group_5: number;
  group_6: number;
  hours_optimal: number;
  hours_minimal: number;
  hours_by_living_situation: number;
  overrides: number;
  delivered_minutes: number;
  clients_below_minimal: number;
}

/**
 * One aggregate query per report: active clients with their latest final assessment as of the
 * day, counted per organization, of the organizations in the caller's scope.
 */
export async function careFigures(ctx: Context, filter: CareFilter): Promise<OrganizationCareRow[]> {
  const confined = confinedTo(ctx.scope);
  const clientFilter = sql.join(
    [
      sql`c.status = 'active'`,
      sql`c.archived_at IS NULL`,
      ctx.scoped.where('clients', 'c'),
      ...(filter.organizationId ? [sql`c.organization_id = ${filter.organizationId}`] : []),
      ...(filter.departmentId ? [sql`c.department_id = ${filter.departmentId}`] : []),
      ...(filter.careForm ? [sql`c.care_form = ${filter.careForm}`] : []),
    ],
    sql` AND `,
  );
  // One row per active client with its latest final assessment's figures in effect (nulls when
  // never assessed): a commission's decision's group and hours, or the computed ones; `overridden`
  // when the decided group differs from the computed one. Today they are on the client row: one
  // pass over clients. A past day finds its latest assessments with DISTINCT ON, and each one's
  // decision in force that day: the latest decided on or before it (a later decision supersedes
  // from its own day on; its day is never before the one it supersedes).
  const figures = filter.current
    ? sql`SELECT c.id AS client_id, c.organization_id, c.care_form, c.current_assessment_id IS NOT NULL AS assessed, c.current_group AS dependency_group,
            c.current_next_check_on AS next_check_on, c.current_hours_optimal AS hours_optimal,
            c.current_hours_minimal AS hours_minimal, c.current_hours_by_living_situation AS hours_by_living_situation,
            c.current_decision_id IS NOT NULL AND c.current_group <> c.current_computed_group AS overridden
          FROM clients c WHERE ${clientFilter}`
    : sql`SELECT c.id AS client_id, c.organization_id, c.care_form, latest.client_id IS NOT NULL AS assessed,
            coalesce(decided.decided_group, latest.dependency_group) AS dependency_group, latest.next_check_on,
            coalesce(decided.hours_optimal, latest.hours_optimal) AS hours_optimal,
            coalesce(decided.hours_minimal, latest.hours_minimal) AS hours_minimal,
            CASE WHEN decided.id IS NULL THEN latest.hours_by_living_situation ELSE decided.hours_by_living_situation END
              AS hours_by_living_situation,
            coalesce(decided.decided_group <> latest.dependency_group, false) AS overridden
          FROM clients c
          LEFT JOIN (
            SELECT DISTINCT ON (a.client_id) a.*
            FROM assessments a
            WHERE a.status = 'final' AND a.superseded_by IS NULL AND a.assessed_on <= ${filter.asOf}
            ORDER BY a.client_id, a.assessed_on DESC, a.created_at DESC
          ) latest ON latest.client_id = c.id
          LEFT JOIN LATERAL (
            SELECT d.id, d.decided_group, d.hours_optimal, d.hours_minimal, d.hours_by_living_situation
            FROM assessment_decisions d
            WHERE d.assessment_id = latest.id AND d.decided_on <= ${filter.asOf}
            ORDER BY d.decided_on DESC, d.created_at DESC
            LIMIT 1
          ) decided ON true
          WHERE ${clientFilter}`;
  const orgFilter = sql.join(
    [
      sql`o.kind = 'social_service'`,
      ...(confined === undefined ? [] : [sql`o.id = ${confined}`]),
      ...(filter.organizationId ? [sql`o.id = ${filter.organizationId}`] : []),
    ],
    sql` AND `,
  );
  // Care delivered (src/care-visits): the minutes of counted visits, neither corrected nor voided,
  // from the first of asOf's month through asOf; a home client is below the minimum when they fall
  // short of the weekly minimal hours prorated to those days (minutes × 7 < hours × 60 × days).
  const monthStart = `${filter.asOf.slice(0, 7)}-01`;
  const days = daysBetween(monthStart, filter.asOf) + 1;
  const { rows } = await sql<OrganizationCareRow>`
    WITH figures AS (${figures}),
    delivered AS (
      SELECT v.client_id, sum(v.duration_minutes)::int AS minutes
      FROM care_visits v
      WHERE NOT v.voided AND v.visited_on BETWEEN ${monthStart} AND ${filter.asOf}
        AND NOT EXISTS (SELECT 1 FROM care_visits correction WHERE correction.corrects = v.id)
        AND ${ctx.scoped.where('care_visits', 'v')}
      GROUP BY v.client_id
    )
    SELECT o.id AS organization_id, o.name,
      count(f.organization_id)::int AS active_clients,
      count(*) FILTER (WHERE NOT f.assessed)::int AS never_assessed,
      count(*) FILTER (WHERE f.next_check_on < ${filter.asOf})::int AS overdue,
      count(*) FILTER (WHERE f.dependency_group = 1)::int AS group_1,
      count(*) FILTER (WHERE f.dependency_group = 2)::int AS group_2,
      count(*) FILTER (WHERE f.dependency_group = 3)::int AS group_3,
      count(*) FILTER (WHERE f.dependency_group = 4)::int AS group_4,
      count(*) FILTER (WHERE f.dependency_group = 5)::int AS group_5,
      count(*) FILTER (WHERE f.dependency_group = 6)::int AS group_6,
      coalesce(sum(f.hours_optimal), 0)::int AS hours_optimal,
      coalesce(sum(f.hours_minimal), 0)::int AS hours_minimal,
      coalesce(sum(f.hours_by_living_situation), 0)::int AS hours_by_living_situation,
      count(*) FILTER (WHERE f.overridden)::int AS overrides,
      coalesce(sum(d.minutes), 0)::int AS delivered_minutes,
      count(*) FILTER (WHERE f.care_form = 'home' AND f.hours_minimal IS NOT NULL
        AND coalesce(d.minutes, 0) * 7 < f.hours_minimal * 60 * ${days}::int)::int AS clients_below_minimal
    FROM organizations o
    LEFT JOIN figures f ON f.organization_id = o.id
    LEFT JOIN delivered d ON d.client_id = f.client_id
    WHERE ${orgFilter}
    GROUP BY o.id, o.name
    ORDER BY o.name, o.id
  `.execute(ctx.db);
  return rows;
}
