import type { Db } from '../db/database.js';
import type { MonitoringReportRow } from '../db/schema.js';
import { after } from '../http/pagination.js';
import type { MonitoringReport, ReportContent } from './report-schemas.js';

export const toReport = (row: MonitoringReportRow): MonitoringReport => ({
  id: row.id,
  organizationId: row.organization_id,
  departmentId: row.department_id,
  month: row.month,
  status: row.status,
  content: row.content as ReportContent,
  approvedAt: row.approved_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

export async function insertReport(db: Db, row: { organization_id: string; department_id: string | null; month: string; content: ReportContent }) {
  return db
    .insertInto('monitoring_reports')
    .values({ ...row, content: JSON.stringify(row.content) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findReport(db: Db, id: string, scope?: string) {
  return db
    .selectFrom('monitoring_reports')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== undefined, (query) => query.where('organization_id', '=', scope!))
    .executeTakeFirst();
}

export async function listReports(
  db: Db,
  filter: { scope?: string; organizationId?: string; fromMonth?: string; toMonth?: string; status?: 'draft' | 'approved'; cursor?: string; limit: number },
) {
  return db
    .selectFrom('monitoring_reports')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.fromMonth !== undefined, (query) => query.where('month', '>=', filter.fromMonth!))
    .$if(filter.toMonth !== undefined, (query) => query.where('month', '<=', filter.toMonth!))
    .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('monitoring_reports', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** The latest report of each of the six months up to this one, same organization and department, oldest first. */
export async function reportHistory(db: Db, report: MonitoringReportRow) {
  const rows = await db
    .selectFrom('monitoring_reports')
    .selectAll()
    .distinctOn('month')
    .where('organization_id', '=', report.organization_id)
    .where((eb) => (report.department_id ? eb('department_id', '=', report.department_id) : eb('department_id', 'is', null)))
    .where('month', '<=', report.month)
    .orderBy('month', 'desc')
    .orderBy('created_at', 'desc')
    .limit(6)
    .execute();
  return rows.reverse();
}

export async function approveReport(db: Db, id: string, expectedVersion: number) {
  return db
    .updateTable('monitoring_reports')
    .set((eb) => ({ status: 'approved', approved_at: new Date(), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
