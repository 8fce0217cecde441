import type { Context } from '../context/request-context.js';
import type { Insertable } from 'kysely';
import type { ObservationTable, QuestionnaireTable, SpecialistReportTable } from '../db/schema.js';

/** A client's questionnaires, for `paginate`. */
export function questionnairesQuery(ctx: Context, clientId: string) {
  return ctx.scoped.selectFrom('questionnaires').selectAll().where('questionnaires.client_id', '=', clientId);
}

/** A client's observations, for `paginate`. */
export function observationsQuery(ctx: Context, clientId: string) {
  return ctx.scoped.selectFrom('observations').selectAll().where('observations.client_id', '=', clientId);
}

/** The specialist reports a list filter selects, for `paginate`. */
export function specialistReportsQuery(ctx: Context, filter: { organizationId?: string; month?: string; staffId?: string }) {
  let query = ctx.scoped.selectFrom('specialist_reports').selectAll();
  if (filter.organizationId !== undefined) query = query.where('specialist_reports.organization_id', '=', filter.organizationId);
  if (filter.month !== undefined) query = query.where('specialist_reports.month', '=', filter.month);
  if (filter.staffId !== undefined) query = query.where('specialist_reports.staff_id', '=', filter.staffId);
  return query;
}

/**
 * The month's specialist reports with who wrote them, for the printable report: the whole
 * organization's, or one department's when the report is a department's.
 */
export async function monthSpecialistReports(ctx: Context, scope: { organizationId: string; departmentId: string | null; month: string }) {
  let query = ctx.scoped
    .selectFrom('specialist_reports')
    .innerJoin('staff', 'staff.id', 'specialist_reports.staff_id')
    .select(['staff.full_name', 'staff.position', 'specialist_reports.text', 'specialist_reports.counts'])
    .where('specialist_reports.organization_id', '=', scope.organizationId)
    .where('specialist_reports.month', '=', scope.month);
  if (scope.departmentId !== null) query = query.where('specialist_reports.department_id', '=', scope.departmentId);
  return query.orderBy('staff.full_name').orderBy('specialist_reports.created_at').orderBy('specialist_reports.id').execute();
}

export async function findTemplate(ctx: Context, id: string) {
  return ctx.db.selectFrom('questionnaire_templates').select(['id', 'definition']).where('id', '=', id).executeTakeFirst();
}

export async function insertQuestionnaire(ctx: Context, row: Insertable<QuestionnaireTable>) {
  return ctx.scoped.insertInto('questionnaires', row).returningAll().executeTakeFirstOrThrow();
}

export async function insertObservation(ctx: Context, row: Insertable<ObservationTable>) {
  return ctx.scoped.insertInto('observations', row).returningAll().executeTakeFirstOrThrow();
}

export async function insertSpecialistReport(ctx: Context, row: Insertable<SpecialistReportTable>) {
  return ctx.scoped.insertInto('specialist_reports', row).returningAll().executeTakeFirstOrThrow();
}
