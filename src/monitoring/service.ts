import type { Context, UnitOfWork } from '../context/request-context.js';
import type { MonitoringReportRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import { getOrganization } from '../organizations/service.js';
import { monthSpecialistReports } from './input-repository.js';
import { checkDepartment, checkMonth } from './input-service.js';
import { MonitoringRuleViolated, ReportApproved } from './problems.js';
import type { ReportPage } from './render.js';
import { buildMonthlyReport } from './report.js';
import type { MonitoringReport, ReportContent } from './report-schemas.js';
import * as store from './report-store.js';

/** How many months the printable page charts, up to the report's own. */
const HISTORY_MONTHS = 6;

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

/** Builds the month's report from the data as they are now and keeps it as a draft snapshot. */
export async function createReport(tx: UnitOfWork, input: { organizationId: string; departmentId?: string | null; month: string }) {
  const organization = await getOrganization(tx, input.organizationId);
  const errors: Array<Omit<FieldError, 'in'>> = [];
  await checkDepartment(tx, organization.id, input.departmentId, errors);
  checkMonth(input.month, errors);
  if (errors.length) throw withFields(new MonitoringRuleViolated('monitoring report'), errors);
  const content = await buildMonthlyReport(tx, organization, input.departmentId ?? undefined, input.month);
  return store.insertReport(tx, {
    organization_id: organization.id,
    department_id: input.departmentId ?? null,
    month: input.month,
    content,
  });
}

export async function getReport(ctx: Context, id: string): Promise<MonitoringReportRow> {
  const row = await store.findReport(ctx, id);
  if (!row) throw new NotFound('Monitoring report', id);
  return row;
}

/** From its approval on, a report never changes (the database refuses it too). */
export async function approveReport(tx: UnitOfWork, id: string, ifMatch: IfMatch): Promise<MonitoringReportRow> {
  const current = await getReport(tx, id);
  if (current.status === 'approved') throw new ReportApproved(current.id);
  const row = await store.approveReport(tx, current.id, expectedVersion(ifMatch, current));
  if (!row) throw failedUpdate(current, ifMatch, () => new NotFound('Monitoring report', id));
  return row;
}

/**
 * What the printable page shows besides the report: the organization's name, the months before it
 * and the specialists' short reports of the month (the department's, or all of the organization's).
 */
export async function reportPage(ctx: Context, row: MonitoringReportRow, report: MonitoringReport): Promise<ReportPage> {
  const [organization, history, specialistReports] = await Promise.all([
    getOrganization(ctx, row.organization_id),
    store.reportHistory(ctx, row, HISTORY_MONTHS),
    monthSpecialistReports(ctx, { organizationId: row.organization_id, departmentId: row.department_id, month: row.month }),
  ]);
  return {
    organizationName: organization.name,
    history: history.map((entry) => (entry.month === row.month ? report : toReport(entry))),
    specialistReports: specialistReports.map((entry) => ({
      fullName: entry.full_name,
      position: entry.position,
      sessions: entry.counts.sessions ?? null,
      text: entry.text,
    })),
  };
}
