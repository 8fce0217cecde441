import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface CareFilter {
  asOf: string;
  /** True when asOf is today or later: the maintained current assessment is the one as of then. */
  current: boolean;
  scope?: string;
  organizationId?: string;
  departmentId?: string;
  careForm?: 'home' | 'inpatient';
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
}

/**
 * One aggregate query per report: active clients joined to their latest final assessment as of
 * the day, counted per organization. For today that assessment is the maintained
 * `clients.current_assessment_id`; for a past day it is found with DISTINCT ON over the index.
 */
export async function careFigures(db: Db, filter: CareFilter): Promise<OrganizationCareRow[]> {
  const clientFilter = sql.join(
    [
      sql`c.status = 'active'`,
      sql`c.archived_at IS NULL`,
      ...(filter.scope ? [sql`c.organization_id = ${filter.scope}`] : []),
      ...(filter.organizationId ? [sql`c.organization_id = ${filter.organizationId}`] : []),
      ...(filter.departmentId ? [sql`c.department_id = ${filter.departmentId}`] : []),
      ...(filter.careForm ? [sql`c.care_form = ${filter.careForm}`] : []),
    ],
    sql` AND `,
  );
  const latest = filter.current
    ? sql`SELECT a.* FROM assessments a JOIN clients c ON a.id = c.current_assessment_id WHERE ${clientFilter}`
    : sql`SELECT DISTINCT ON (a.client_id) a.* FROM assessments a JOIN clients c ON c.id = a.client_id
          WHERE ${clientFilter} AND a.status = 'final' AND a.superseded_by IS NULL AND a.assessed_on <= ${filter.asOf}
          ORDER BY a.client_id, a.assessed_on DESC, a.created_at DESC`;
  const orgFilter = sql.join(
    [
      sql`o.kind = 'social_service'`,
      ...(filter.scope ? [sql`o.id = ${filter.scope}`] : []),
      ...(filter.organizationId ? [sql`o.id = ${filter.organizationId}`] : []),
    ],
    sql` AND `,
  );
  const { rows } = await sql<OrganizationCareRow>`
    WITH latest AS (${latest}),
    active AS (SELECT c.* FROM clients c WHERE ${clientFilter})
    SELECT o.id AS organization_id, o.name,
      count(active.id)::int AS active_clients,
      count(active.id) FILTER (WHERE latest.id IS NULL)::int AS never_assessed,
      count(active.id) FILTER (WHERE latest.next_check_on < ${filter.asOf})::int AS overdue,
      count(active.id) FILTER (WHERE latest.dependency_group = 1)::int AS group_1,
      count(active.id) FILTER (WHERE latest.dependency_group = 2)::int AS group_2,
      count(active.id) FILTER (WHERE latest.dependency_group = 3)::int AS group_3,
      count(active.id) FILTER (WHERE latest.dependency_group = 4)::int AS group_4,
      count(active.id) FILTER (WHERE latest.dependency_group = 5)::int AS group_5,
      count(active.id) FILTER (WHERE latest.dependency_group = 6)::int AS group_6,
      coalesce(sum(latest.hours_optimal), 0)::int AS hours_optimal,
      coalesce(sum(latest.hours_minimal), 0)::int AS hours_minimal,
      coalesce(sum(latest.hours_by_living_situation), 0)::int AS hours_by_living_situation
    FROM organizations o
    LEFT JOIN active ON active.organization_id = o.id
    LEFT JOIN latest ON latest.client_id = active.id
    WHERE ${orgFilter}
    GROUP BY o.id, o.name
    ORDER BY o.name, o.id
  `.execute(db);
  return rows;
}
