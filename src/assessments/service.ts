import { legacyContext } from '../context/request-context.js';
import { addMonths, today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import { refreshCurrentAssessment } from '../clients/repository.js';
import { inTransaction, type Db } from '../db/database.js';
import type { AssessmentRow, ClientRow, NewAssessmentRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { Conflict, NotFound, Unprocessable, invalidFields } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import type { Instrument, LivingSituation } from '../instruments/schemas.js';
import { careHours, classify, fromQuarters, scoreAnswers, type Answers } from '../instruments/scoring.js';
import { dynamics, type ScoredAssessment } from './dynamics.js';
import { staffOfOrganization } from '../staff/repository.js';
import * as repository from './repository.js';
import type { Assessment, CreateAssessment, UpdateAssessment } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

/** The score, group and hours the answers give, or the fields that prevent it. */
function evaluate(instrument: Instrument, answers: Answers, livingSituation: LivingSituation) {
  const { quarters, breakdown, errors } = scoreAnswers(instrument, answers);
  if (errors.length) return { errors };
  const group = classify(instrument, quarters);
  return { errors, quarters, breakdown, group, hours: careHours(group, livingSituation) };
}

/** What the rules of an assessment read of its client. */
export type AssessedClient = Pick<
  ClientRow,
  'id' | 'organization_id' | 'status' | 'archived_at' | 'birth_date' | 'care_form' | 'living_situation' | 'social_support'
>;

export function toAssessment(row: AssessmentRow, instrument: Instrument): Assessment {
  const { breakdown } = scoreAnswers(instrument, row.answers);
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    instrumentId: row.instrument_id,
    status: row.status,
    assessedOn: row.assessed_on,
    interviewNo: row.interview_no,
    answers: row.answers,
    livingSituation: row.living_situation,
    socialSupport: row.social_support,
    nextCheckOn: row.next_check_on,
    conductedBy: row.conducted_by,
    notes: row.notes,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
    reason: row.supersede_reason,
    result: {
      score: fromQuarters(row.score_quarters),
      group: row.dependency_group,
      selfCareReduction: row.self_care_reduction,
      hours: { optimal: row.hours_optimal, minimal: row.hours_minimal, byLivingSituation: row.hours_by_living_situation },
      breakdown,
    },
    finalizedAt: row.finalized_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Maps rows to API objects; instruments come from the in-memory catalog, not one query a row. */
export async function toAssessments(catalog: InstrumentCatalog, rows: AssessmentRow[]): Promise<Assessment[]> {
  const instruments = new Map((await catalog.all()).map((instrument) => [instrument.id, instrument]));
  return rows.map((row) => toAssessment(row, instruments.get(row.instrument_id)!));
}

interface AssessmentFields {
  assessedOn: string;
  answers: Answers;
  conductedBy: string[];
  livingSituation: LivingSituation;
  nextCheckOn?: string;
}

/** Why the client takes no assessment, or undefined when it does. */
export function notAssessable(client: AssessedClient): string | undefined {
  if (client.archived_at) return `Client ${client.id} is archived: it takes no new assessment.`;
  if (client.status === 'deceased') return `Client ${client.id} is deceased: it takes no new assessment.`;
  return undefined;
}

function checkClientAssessable(client: ClientRow): void {
  const reason = notAssessable(client);
  if (reason) throw new Unprocessable(reason);
}

/** Every rule an assessment must meet, with the exact field of each, and the result its answers give. */
export function assessmentRules(client: AssessedClient, instrument: Instrument, fields: AssessmentFields, staff: Set<string>, extra: Pointer[] = []) {
  const errors: Pointer[] = [...extra];
  if (fields.assessedOn > today()) errors.push({ pointer: '/assessedOn', message: 'is in the future' });
  else if (fields.assessedOn < client.birth_date) errors.push({ pointer: '/assessedOn', message: 'is before the client’s birth' });
  if (fields.nextCheckOn !== undefined) {
    if (fields.nextCheckOn <= fields.assessedOn) errors.push({ pointer: '/nextCheckOn', message: 'must be after assessedOn' });
  }
  fields.conductedBy.forEach((id, index) => {
    if (!staff.has(id)) errors.push({ pointer: `/conductedBy/${index}`, message: 'is not a staff member of the client’s organization' });
  });
  const evaluation = evaluate(instrument, fields.answers, fields.livingSituation);
  errors.push(...evaluation.errors);
  return { errors, evaluation: evaluation as Required<typeof evaluation> };
}

async function validate(db: Db, client: ClientRow, instrument: Instrument, fields: AssessmentFields, extra: Pointer[] = []) {
  const staff = await staffOfOrganization(db, client.organization_id, fields.conductedBy);
  const { errors, evaluation } = assessmentRules(client, instrument, fields, staff, extra);
  if (errors.length) throw invalidFields('The assessment breaks a rule of the form.', errors);
  return evaluation;
}

/** Why the client cannot be assessed on this instrument, or undefined when it can. */
export function instrumentProblem(instrument: Instrument | undefined, client: AssessedClient): { detail: string; error: Pointer } | undefined {
  const pointer = '/instrumentId';
  if (!instrument) return { detail: 'Unknown instrument.', error: { pointer, message: 'is not an instrument; see GET /v1/instruments' } };
  if (instrument.careForm === client.care_form) return undefined;
  return {
    detail: 'The form does not match the client’s care form.',
    error: { pointer, message: `is the form for ${instrument.careForm} care; the client receives ${client.care_form} care` },
  };
}

async function instrumentFor(catalog: InstrumentCatalog, client: ClientRow, instrumentId: string): Promise<Instrument> {
  const instrument = await catalog.find(instrumentId);
  const problem = instrumentProblem(instrument, client);
  if (problem) throw invalidFields(problem.detail, [problem.error]);
  return instrument!;
}

/** The stored result of scoring: what reports and lists read without scoring again. */
function resultColumns(evaluation: Evaluation) {
  return {
    score_quarters: evaluation.quarters,
    dependency_group: evaluation.group.group,
    self_care_reduction: evaluation.group.selfCareReduction,
    hours_optimal: evaluation.hours.optimal,
    hours_minimal: evaluation.hours.minimal,
    hours_by_living_situation: evaluation.hours.byLivingSituation,
  };
}

export type Evaluation = ReturnType<typeof assessmentRules>['evaluation'];

/** The row of a new assessment: its answers with the score, group and hours they give. */
export function newAssessmentRow(
  client: AssessedClient,
  input: Omit<CreateAssessment, 'interviewNo'> & { interviewNo: number },
  evaluation: Evaluation,
  reassessmentMonths: number,
): NewAssessmentRow {
  const status = input.status ?? 'final';
  return {
    client_id: client.id,
    organization_id: client.organization_id,
    instrument_id: input.instrumentId,
    status,
    assessed_on: input.assessedOn,
    interview_no: input.interviewNo,
    answers: JSON.stringify(input.answers),
    ...resultColumns(evaluation),
    living_situation: input.livingSituation ?? client.living_situation,
    social_support: input.socialSupport ?? client.social_support,
    next_check_on: input.nextCheckOn ?? addMonths(input.assessedOn, reassessmentMonths),
    conducted_by: input.conductedBy,
    notes: input.notes ?? null,
    supersedes: input.supersedes ?? null,
    supersede_reason: input.reason ?? null,
    finalized_at: status === 'final' ? new Date() : null,
  };
}

export interface AssessmentContext {
  db: Db;
  catalog: InstrumentCatalog;
  reassessmentMonths: number;
  scope?: string;
}

export async function createAssessment(context: AssessmentContext, clientId: string, input: CreateAssessment): Promise<AssessmentRow> {
  const { db, catalog, scope } = context;
  const client = await getClient(legacyContext(db, scope), clientId);
  checkClientAssessable(client);
  const instrument = await instrumentFor(catalog, client, input.instrumentId);
  const livingSituation = input.livingSituation ?? client.living_situation;
  const correction = await correctedAssessment(db, client, input);
  const evaluation = await validate(db, client, instrument, { ...input, livingSituation }, correction.errors);

  return inTransaction(db, async (trx) => {
    const interviewNo =
      input.interviewNo ?? correction.original?.interview_no ?? (await repository.nextInterviewNo(trx, client.id, instrument.id));
    const row = await repository.insertAssessment(
      trx,
      newAssessmentRow(client, { ...input, livingSituation, interviewNo }, evaluation, context.reassessmentMonths),
    );
    if (row.status === 'final') await settleFinal(trx, row);
    return row;
  });
}

/** The assessment a correction replaces, checked: same client, final, not yet replaced. */
async function correctedAssessment(db: Db, client: ClientRow, input: CreateAssessment) {
  const errors: Pointer[] = [];
  if (input.supersedes === undefined) {
    if (input.reason !== undefined) errors.push({ pointer: '/reason', message: 'is only for a correction (with supersedes)' });
    return { errors, original: undefined };
  }
  if (input.reason === undefined) errors.push({ pointer: '/reason', message: 'is required with supersedes' });
  const original = await repository.findAssessment(db, input.supersedes, client.organization_id);
  if (!original || original.client_id !== client.id) {
    errors.push({ pointer: '/supersedes', message: 'is not an assessment of this client' });
  } else if (original.status !== 'final') {
    errors.push({ pointer: '/supersedes', message: 'is a draft: edit it instead' });
  } else if (original.superseded_by) {
    errors.push({ pointer: '/supersedes', message: `was already superseded by ${original.superseded_by}` });
  }
  return { errors, original };
}

/** What becoming final changes besides the row: the corrected original, and the client's latest. */
export async function settleFinal(trx: Db, row: AssessmentRow): Promise<void> {
  if (row.supersedes && !(await repository.markSuperseded(trx, row.supersedes, row.id))) {
    throw new Conflict(`Assessment ${row.supersedes} was superseded by another correction meanwhile.`);
  }
  await refreshCurrentAssessment(legacyContext(trx), row.client_id);
}

export async function getAssessment(context: AssessmentContext, id: string): Promise<AssessmentRow> {
  const row = await repository.findAssessment(context.db, id, context.scope);
  if (!row) throw new NotFound('Assessment', id);
  return row;
}

export async function updateDraft(context: AssessmentContext, id: string, ifMatch: IfMatch, input: UpdateAssessment): Promise<AssessmentRow> {
  const { db, catalog } = context;
  const current = await getAssessment(context, id);
  if (current.status === 'final') {
    throw new Conflict(`Assessment ${id} is final and cannot change; file a correction with "supersedes": "${id}".`);
  }
  const client = await getClient(legacyContext(db), current.client_id);
  checkClientAssessable(client);
  const instrument = (await catalog.find(current.instrument_id))!;
  const fields = {
    assessedOn: input.assessedOn ?? current.assessed_on,
    answers: { ...current.answers, ...input.answers },
    conductedBy: input.conductedBy ?? current.conducted_by,
    livingSituation: input.livingSituation ?? current.living_situation,
    nextCheckOn: input.nextCheckOn ?? current.next_check_on,
  };
  const evaluation = await validate(db, client, instrument, fields);
  const updated = await repository.updateDraft(db, id, expectedVersion(ifMatch, current), {
    assessed_on: fields.assessedOn,
    answers: JSON.stringify(fields.answers),
    conducted_by: fields.conductedBy,
    living_situation: fields.livingSituation,
    next_check_on: fields.nextCheckOn,
    interview_no: input.interviewNo,
    social_support: input.socialSupport,
    notes: input.notes,
    ...resultColumns(evaluation),
  });
  if (!updated) throw failedUpdate(await repository.findAssessment(db, id), ifMatch, () => new NotFound('Assessment', id));
  return updated;
}

export async function finalize(context: AssessmentContext, id: string, ifMatch: IfMatch): Promise<AssessmentRow> {
  const { db } = context;
  const current = await getAssessment(context, id);
  if (current.status === 'final') throw new Conflict(`Assessment ${id} is already final.`);
  checkClientAssessable(await getClient(legacyContext(db), current.client_id));
  return inTransaction(db, async (trx) => {
    const row = await repository.updateDraft(trx, id, expectedVersion(ifMatch, current), { status: 'final', finalized_at: new Date() });
    if (!row) throw failedUpdate(current, ifMatch, () => new NotFound('Assessment', id));
    await settleFinal(trx, row);
    return row;
  });
}

export async function clientDynamics(context: AssessmentContext, clientId: string) {
  await getClient(legacyContext(context.db, context.scope), clientId);
  const history = await repository.finalHistory(context.db, clientId);
  const instruments = new Map((await context.catalog.all()).map((instrument) => [instrument.id, instrument]));
  const scored: ScoredAssessment[] = history.map((row) => ({
    id: row.id,
    assessedOn: row.assessed_on,
    instrumentId: row.instrument_id,
    quarters: row.score_quarters,
    group: row.dependency_group,
    selfCareReduction: row.self_care_reduction,
    breakdown: scoreAnswers(instruments.get(row.instrument_id)!, row.answers).breakdown,
  }));
  const entries = dynamics(scored);
  const latest = entries.at(-1);
  return {
    clientId,
    assessments: entries,
    deteriorating: latest?.deteriorating ?? false,
    rapidDeterioration: latest?.rapidDeterioration ?? false,
    improving: latest?.improving ?? false,
  };
}
