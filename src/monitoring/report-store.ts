import type { Context } from '../context/request-context.js';
import type { MonitoringReportRow } from '../db/schema.js';
import type { ReportStatus } from '../enums.js';
import type { ReportContent } from './report-schemas.js';

// The stored monthly reports, snapshots: the SQL of the monitoring_reports table.

export async function insertReport(
  ctx: Context,
  row: { organization_id: string; department_id: string | null; month: string; content: ReportContent },
) {
  return ctx.scoped
    .insertInto('monitoring_reports', { ...row, content: JSON.stringify(row.content) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findReport(ctx: Context, id: string) {
  return ctx.scoped.selectFrom('monitoring_reports').selectAll().where('monitoring_reports.id', '=', id).executeTakeFirst();
}

/** The reports a list filter selects, for `paginate`. */
export function reportsQuery(
  ctx: Context,
  filter: { organizationId?: string; fromMonth?: string; toMonth?: string; status?: ReportStatus },
) {
  let query = ctx.scoped.selectFrom('monitoring_reports').selectAll();
  if (filter.organizationId !== undefined) query = query.where('monitoring_reports.organization_id', '=', filter.organizationId);
  if (filter.fromMonth !== undefined) query = query.where('monitoring_reports.month', '>=', filter.fromMonth);
  if (filter.toMonth !== undefined) query = query.where('monitoring_reports.month', '<=', filter.toMonth);
  if (filter.status !== undefined) query = query.where('monitoring_reports.status', '=', filter.status);
  return query;
}

/** The latest report of each of the `months` months up to this one, same organization and department, oldest first. */
export async function reportHistory(ctx: Context, report: MonitoringReportRow, months: number) {
  const rows = await ctx.scoped
    .selectFrom('monitoring_reports')
    .selectAll()
    .distinctOn('monitoring_reports.month')
    .where('monitoring_reports.organization_id', '=', report.organization_id)
    .where((eb) =>
      report.department_id
        ? eb('monitoring_reports.department_id', '=', report.department_id)
        : eb('monitoring_reports.department_id', 'is', null),
    )
    .where('monitoring_reports.month', '<=', report.month)
    .orderBy('monitoring_reports.month', 'desc')
    .orderBy('monitoring_reports.created_at', 'desc')
    .limit(months)
    .execute();
  return rows.reverse();
}

/** Approves a draft of the expected version; undefined when it is no longer that draft. */
export async function approveReport(ctx: Context, id: string, expectedVersion: number) {
  return ctx.scoped
    .updateTable('monitoring_reports')
    .set((eb) => ({ status: 'approved', approved_at: new Date(), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
