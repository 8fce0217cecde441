import { legacyContext } from '../context/request-context.js';
import { today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import type { Db } from '../db/database.js';
import type { ObservationRow, QuestionnaireRow, SpecialistReportRow } from '../db/schema.js';
import { findDepartment } from '../departments/repository.js';
import { invalidFields } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import { staffOfOrganization } from '../staff/repository.js';
import { INDICATORS, INDICATOR_NAMES, type Indicator } from './indicators.js';
import * as repository from './input-repository.js';
import type { CreateObservation, CreateQuestionnaire, CreateSpecialistReport } from './input-schemas.js';

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

async function checkStaff(db: Db, organizationId: string, staffId: string | null | undefined, pointer: string, errors: Pointer[]) {
  if (staffId && !(await staffOfOrganization(db, organizationId, [staffId])).has(staffId)) {
    errors.push({ pointer, message: 'is not a staff member of the organization' });
  }
}

function checkDay(date: string, pointer: string, errors: Pointer[]) {
  if (date > today()) errors.push({ pointer, message: 'is in the future' });
}

export async function addQuestionnaire(db: Db, clientId: string, input: CreateQuestionnaire, scope?: string) {
  const client = await getClient(legacyContext(db, scope), clientId);
  const errors: Pointer[] = [];
  const templateId = input.templateId ?? 'milieu-questionnaire-2025';
  const template = await repository.findTemplate(db, templateId);
  if (!template) errors.push({ pointer: '/templateId', message: 'is not a questionnaire template' });
  checkDay(input.filledOn, '/filledOn', errors);
  await checkStaff(db, client.organization_id, input.helpedBy, '/helpedBy', errors);
  if (errors.length) throw invalidFields('The questionnaire breaks a rule.', errors);
  return repository.insertQuestionnaire(db, {
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

export async function addObservation(db: Db, clientId: string, input: CreateObservation, scope?: string) {
  const client = await getClient(legacyContext(db, scope), clientId);
  const errors: Pointer[] = [];
  checkDay(input.observedOn, '/observedOn', errors);
  await checkStaff(db, client.organization_id, input.staffId, '/staffId', errors);
  if (errors.length) throw invalidFields('The observation breaks a rule.', errors);
  const ratings = Object.fromEntries(INDICATOR_NAMES.map((name) => [INDICATORS[name].column, input.indicators[name]!]));
  return repository.insertObservation(db, {
      client_id: client.id,
      organization_id: client.organization_id,
      observed_on: input.observedOn,
      staff_id: input.staffId,
      method: input.method,
      ...(ratings as Record<(typeof INDICATORS)[Indicator]['column'], number>),
    note: input.note ?? null,
  });
}

export async function addSpecialistReport(db: Db, input: CreateSpecialistReport) {
  const errors: Pointer[] = [];
  await checkStaff(db, input.organizationId, input.staffId, '/staffId', errors);
  if (input.departmentId && !(await findDepartment(db, input.organizationId, input.departmentId))) {
    errors.push({ pointer: '/departmentId', message: 'is not a department of the organization' });
  }
  if (input.month > today().slice(0, 7)) errors.push({ pointer: '/month', message: 'is in the future' });
  if (errors.length) throw invalidFields('The report breaks a rule.', errors);
  return repository.insertSpecialistReport(db, {
      organization_id: input.organizationId,
      department_id: input.departmentId ?? null,
      staff_id: input.staffId,
      month: input.month,
      text: input.text,
    counts: JSON.stringify(input.counts),
  });
}
