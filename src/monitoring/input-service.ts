import { today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ObservationRow, QuestionnaireRow, SpecialistReportRow } from '../db/schema.js';
import { findDepartment } from '../departments/repository.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import { staffOfOrganization } from '../staff/repository.js';
import { INDICATORS, INDICATOR_NAMES, type Indicator, type IndicatorColumn } from './indicators.js';
import * as repository from './input-repository.js';
import { DEFAULT_TEMPLATE, type CreateObservation, type CreateQuestionnaire, type CreateSpecialistReport } from './input-schemas.js';
import { MonitoringRuleViolated } from './problems.js';

type Pointer = Omit<FieldError, 'in'>;

export const toQuestionnaire = (row: QuestionnaireRow) => ({
  id: row.id,
  clientId: row.client_id,
  templateId: row.template_id,
  filledOn: row.filled_on,
  helpedBy: row.helped_by,
  ratings: { physical: row.physical, psychological: row.psychological, social: row.social, spiritual: row.spiritual },
  satisfaction: { process: row.satisfaction_process, results: row.satisfaction_results },
  wishes: row.wishes,
  createdAt: row.created_at.toISOString(),
});

export const toObservation = (row: ObservationRow) => ({
  id: row.id,
  clientId: row.client_id,
  observedOn: row.observed_on,
  staffId: row.staff_id,
  method: row.method,
  indicators: Object.fromEntries(INDICATOR_NAMES.map((name) => [name, row[INDICATORS[name].column]])) as Record<Indicator, number>,
  note: row.note,
  createdAt: row.created_at.toISOString(),
});

export const toSpecialistReport = (row: SpecialistReportRow) => ({
  id: row.id,
  organizationId: row.organization_id,
  departmentId: row.department_id,
  staffId: row.staff_id,
  month: row.month,
  text: row.text,
  counts: row.counts,
  createdAt: row.created_at.toISOString(),
});

async function checkStaff(ctx: Context, organizationId: string, staffId: string | null | undefined, pointer: string, errors: Pointer[]) {
  if (staffId && !(await staffOfOrganization(ctx, organizationId, [staffId])).has(staffId)) {
    errors.push({ pointer, message: 'is not a staff member of the organization' });
  }
}

function checkDay(date: string, pointer: string, errors: Pointer[]) {
  if (date > today()) errors.push({ pointer, message: 'is in the future' });
}

/** A department of the organization, or none: the rule every monitoring record naming one keeps. */
export async function checkDepartment(ctx: Context, organizationId: string, departmentId: string | null | undefined, errors: Pointer[]) {
  if (departmentId && !(await findDepartment(ctx, organizationId, departmentId))) {
    errors.push({ pointer: '/departmentId', message: 'is not a department of the organization' });
  }
}

/** A month not yet begun has nothing to report. */
export function checkMonth(month: string, errors: Pointer[]) {
  if (month > today().slice(0, 7)) errors.push({ pointer: '/month', message: 'is in the future' });
}

export async function addQuestionnaire(tx: UnitOfWork, clientId: string, input: CreateQuestionnaire) {
  const client = await getClient(tx, clientId);
  const errors: Pointer[] = [];
  const templateId = input.templateId ?? DEFAULT_TEMPLATE;
  if (!(await repository.findTemplate(tx, templateId))) errors.push({ pointer: '/templateId', message: 'is not a questionnaire template' });
  checkDay(input.filledOn, '/filledOn', errors);
  await checkStaff(tx, client.organization_id, input.helpedBy, '/helpedBy', errors);
  if (errors.length) throw withFields(new MonitoringRuleViolated('questionnaire'), errors);
  return repository.insertQuestionnaire(tx, {
    client_id: client.id,
    organization_id: client.organization_id,
    template_id: templateId,
    filled_on: input.filledOn,
    helped_by: input.helpedBy ?? null,
    ...input.ratings,
    satisfaction_process: input.satisfaction.process,
    satisfaction_results: input.satisfaction.results,
    wishes: input.wishes ?? null,
  });
}

export async function addObservation(tx: UnitOfWork, clientId: string, input: CreateObservation) {
  const client = await getClient(tx, clientId);
  const errors: Pointer[] = [];
  checkDay(input.observedOn, '/observedOn', errors);
  await checkStaff(tx, client.organization_id, input.staffId, '/staffId', errors);
  if (errors.length) throw withFields(new MonitoringRuleViolated('observation'), errors);
  const ratings = Object.fromEntries(INDICATOR_NAMES.map((name) => [INDICATORS[name].column, input.indicators[name]]));
  return repository.insertObservation(tx, {
    client_id: client.id,
    organization_id: client.organization_id,
    observed_on: input.observedOn,
    staff_id: input.staffId,
    method: input.method,
    ...(ratings as Record<IndicatorColumn, number>),
    note: input.note ?? null,
  });
}

export async function addSpecialistReport(tx: UnitOfWork, input: CreateSpecialistReport) {
  const errors: Pointer[] = [];
  await checkStaff(tx, input.organizationId, input.staffId, '/staffId', errors);
  await checkDepartment(tx, input.organizationId, input.departmentId, errors);
  checkMonth(input.month, errors);
  if (errors.length) throw withFields(new MonitoringRuleViolated('report'), errors);
  return repository.insertSpecialistReport(tx, {
    organization_id: input.organizationId,
    department_id: input.departmentId ?? null,
    staff_id: input.staffId,
    month: input.month,
    text: input.text,
    counts: JSON.stringify(input.counts),
  });
}

/** A questionnaire template's definition: its questions and scale. */
export async function getTemplate(ctx: Context, id: string) {
  const row = await repository.findTemplate(ctx, id);
  if (!row) throw new NotFound('Questionnaire template', id);
  return row.definition;
}

/** A client's questionnaires, once the client is known in the caller's scope (404 otherwise). */
export async function clientQuestionnaires(ctx: Context, clientId: string) {
  const client = await getClient(ctx, clientId);
  return repository.questionnairesQuery(ctx, client.id);
}

/** A client's observations, once the client is known in the caller's scope (404 otherwise). */
export async function clientObservations(ctx: Context, clientId: string) {
  const client = await getClient(ctx, clientId);
  return repository.observationsQuery(ctx, client.id);
}
