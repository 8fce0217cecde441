import { randomUUID } from 'node:crypto';
import { addMonths, daysBetween, today } from '../calendar/dates.js';
import { holdClients, refreshCurrentAssessment } from '../clients/repository.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { AssessmentDecisionRow, AssessmentRow, ClientRow, NewAssessmentRow } from '../db/schema.js';
import { guardUnique } from '../db/errors.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { LivingSituation } from '../enums.js';
import type { IfMatch } from '../http/etag.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields, type Problem } from '../http/problems.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import type { Instrument, InstrumentGroup } from '../instruments/schemas.js';
import {
  careHours,
  classify,
  fromQuarters,
  scoreAnswers,
  type AnswerError,
  type Answers,
  type CareHours,
  type ItemScore,
} from '../instruments/scoring.js';
import { explain, secondOpinionSuggested, type Explanation } from '../instruments/explanation.js';
import { staffOfOrganization } from '../staff/repository.js';
import { dynamics, type ScoredAssessment } from './dynamics.js';
import { effectiveFigures, toDecision } from './decisions.js';
import { currentDecisions } from './decisions-repository.js';
import {
  ArchivedClientNotAssessable,
  AssessmentAlreadyFinal,
  AssessmentAlreadySuperseded,
  AssessmentFinal,
  AssessmentRuleViolated,
  CorrectionOfDraft,
  CorrectionOfOtherAssessment,
  DeceasedClientNotAssessable,
  FinalAssessmentOnDate,
  InstrumentCareFormMismatch,
  InterviewNoTaken,
  SupersededMeanwhile,
  UnknownInstrument,
} from './problems.js';
import * as repository from './repository.js';
import type { Assessment, CreateAssessment, Reassessment, UpdateAssessment } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

/** What an assessment needs besides the database: the forms, and when the next check falls by default. */
export interface AssessmentSettings {
  catalog: InstrumentCatalog;
  reassessmentMonths: number;
}

/** The score, group and hours that answers give. */
export interface Evaluation {
  quarters: number;
  breakdown: ItemScore[];
  group: InstrumentGroup;
  hours: CareHours;
  explanation: Explanation;
}

/** The score, group and hours the answers give, or the answers that prevent it. */
function evaluate(instrument: Instrument, answers: Answers, livingSituation: LivingSituation): Evaluation | AnswerError[] {
  const { quarters, breakdown, errors } = scoreAnswers(instrument, answers);
  if (errors.length) return errors;
  const group = classify(instrument, quarters);
  return { quarters, breakdown, group, hours: careHours(group, livingSituation), explanation: explain(instrument, answers, quarters) };
}

/** What the rules of an assessment read of its client. */
export type AssessedClient = Pick<
  ClientRow,
  'id' | 'organization_id' | 'status' | 'archived_at' | 'birth_date' | 'care_form' | 'living_situation' | 'social_support'
>;

/** `decision`: the assessment's current commission decision, if any (decisions-repository currentDecisions). */
export function toAssessment(row: AssessmentRow, instrument: Instrument, decision: AssessmentDecisionRow | undefined): Assessment {
  const { breakdown } = scoreAnswers(instrument, row.answers);
  const explanation = explain(instrument, row.answers, row.score_quarters);
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
      explanation,
    },
    decision: decision ? toDecision(decision, row.dependency_group) : null,
    effective: effectiveFigures(row, decision),
    secondOpinionSuggested: secondOpinionSuggested(explanation, row.conducted_by),
    finalizedAt: row.finalized_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Maps rows to API objects; instruments come from the in-memory catalog, not one query a row. */
export async function toAssessments(ctx: Context, catalog: InstrumentCatalog, rows: AssessmentRow[]): Promise<Assessment[]> {
  // One query for the page's decisions, not one a row.
  const decisions = await currentDecisions(
    ctx,
    rows.map((row) => row.id),
  );
  return Promise.all(rows.map(async (row) => toAssessment(row, await catalog.get(row.instrument_id), decisions.get(row.id))));
}

/** What the reassessment list reads of a client. */
export type DueClient = Pick<
  ClientRow,
  | 'id'
  | 'organization_id'
  | 'department_id'
  | 'last_name'
  | 'first_name'
  | 'middle_name'
  | 'care_form'
  | 'current_assessment_id'
  | 'current_group'
  | 'current_next_check_on'
>;

export function toReassessment(row: DueClient, today: string): Reassessment {
  return {
    clientId: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    lastName: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    careForm: row.care_form,
    neverAssessed: row.current_assessment_id === null,
    latestAssessmentId: row.current_assessment_id,
    group: row.current_group,
    dueOn: row.current_next_check_on,
    daysOverdue: row.current_next_check_on ? daysBetween(row.current_next_check_on, today) : null,
  };
}

interface AssessmentFields {
  assessedOn: string;
  answers: Answers;
  conductedBy: string[];
  livingSituation: LivingSituation;
  nextCheckOn?: string;
}

/** Why the client takes no new assessment (and its drafts no change), or undefined when it does. */
export function notAssessable(client: AssessedClient): Error | undefined {
  if (client.archived_at) return new ArchivedClientNotAssessable(client.id);
  if (client.status === 'deceased') return new DeceasedClientNotAssessable(client.id);
  return undefined;
}

function checkClientAssessable(client: AssessedClient): void {
  const problem = notAssessable(client);
  if (problem) throw problem;
}

/**
 * Every rule an assessment must meet, checked together: the result its answers give, or every
 * broken rule with the exact field of each (after `extra`, those the caller found).
 */
export function assessmentRules(
  client: AssessedClient,
  instrument: Instrument,
  fields: AssessmentFields,
  staff: Set<string>,
  extra: Pointer[] = [],
): Evaluation | Pointer[] {
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
  if (Array.isArray(evaluation)) return [...errors, ...evaluation];
  return errors.length ? errors : evaluation;
}

/** A correction's checks: the fields they refused, the condition that names them, and the original when it may be corrected. */
interface Correction {
  errors: Pointer[];
  condition?: Problem;
  original?: AssessmentRow;
}

async function validate(ctx: Context, client: AssessedClient, instrument: Instrument, fields: AssessmentFields, correction?: Correction) {
  const staff = await staffOfOrganization(ctx, client.organization_id, fields.conductedBy);
  const checked = assessmentRules(client, instrument, fields, staff, correction?.errors);
  if (Array.isArray(checked)) throw withFields(new (correction?.condition ?? AssessmentRuleViolated)(), checked);
  return checked;
}

/** The form the client is assessed on, or the problem that prevents it. */
export function formFor(instrument: Instrument | undefined, client: AssessedClient): Instrument | Error {
  const pointer = '/instrumentId';
  if (!instrument) return withFields(new UnknownInstrument(), [{ pointer, message: 'is not an instrument; see GET /v1/instruments' }]);
  if (instrument.careForm === client.care_form) return instrument;
  return withFields(new InstrumentCareFormMismatch(), [
    { pointer, message: `is the form for ${instrument.careForm} care; the client receives ${client.care_form} care` },
  ]);
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
    near_boundary: evaluation.explanation.nearBoundary,
  };
}

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

export async function createAssessment(
  tx: UnitOfWork,
  settings: AssessmentSettings,
  clientId: string,
  input: CreateAssessment,
): Promise<AssessmentRow> {
  const client = await getClient(tx, clientId);
  await holdClients(tx, [client.id]);
  checkClientAssessable(client);
  const instrument = formFor(await settings.catalog.find(input.instrumentId), client);
  if (instrument instanceof Error) throw instrument;
  const livingSituation = input.livingSituation ?? client.living_situation;
  const correction = await correctedAssessment(tx, client, input);
  const evaluation = await validate(tx, client, instrument, { ...input, livingSituation }, correction);
  const interviewNo =
    input.interviewNo ?? correction.original?.interview_no ?? (await repository.nextInterviewNo(tx, client.id, instrument.id));
  const row = {
    ...newAssessmentRow(client, { ...input, livingSituation, interviewNo }, evaluation, settings.reassessmentMonths),
    id: randomUUID(),
  };
  return guardKeys(tx, row, async () => {
    if (row.status === 'final') await supersedeOriginal(tx, row);
    const inserted = await repository.insertAssessment(tx, row);
    if (inserted.status === 'final') await refreshCurrentAssessment(tx, inserted.client_id);
    return inserted;
  });
}

type AssessmentKeys = Pick<AssessmentRow, 'client_id' | 'instrument_id' | 'assessed_on' | 'interview_no'>;

/**
 * Runs a write of an assessment with `keys`, answering the database's unique keys of a client's
 * assessments on a form (one final a day, one holder of an interview number) with their 409.
 */
async function guardKeys<T>(tx: UnitOfWork, keys: AssessmentKeys, write: () => Promise<T>): Promise<T> {
  const form = { clientId: keys.client_id, instrumentId: keys.instrument_id };
  return guardUnique(tx.db, write, async (constraint) => {
    if (constraint === 'assessments_one_current_final') {
      const holder = await repository.keyHolder(tx, { ...form, assessedOn: keys.assessed_on });
      return withFields(new FinalAssessmentOnDate(holder?.id ?? 'of another request', keys.assessed_on), [
        { pointer: '/assessedOn', message: 'is the date of a final assessment of the client on this form' },
      ]);
    }
    if (constraint === 'assessments_interview_no_once') {
      const holder = await repository.keyHolder(tx, { ...form, interviewNo: keys.interview_no });
      return withFields(new InterviewNoTaken(keys.interview_no, holder?.id ?? 'of another request'), [
        { pointer: '/interviewNo', message: 'is held by another assessment of the client on this form' },
      ]);
    }
    return undefined;
  });
}

/** The assessment a correction replaces, checked: same client, final, not yet replaced. */
async function correctedAssessment(ctx: Context, client: AssessedClient, input: CreateAssessment): Promise<Correction> {
  const errors: Pointer[] = [];
  if (input.supersedes === undefined) {
    if (input.reason !== undefined) errors.push({ pointer: '/reason', message: 'is only for a correction (with supersedes)' });
    return { errors };
  }
  if (input.reason === undefined) errors.push({ pointer: '/reason', message: 'is required with supersedes' });
  const original = await repository.findAssessment(ctx, input.supersedes);
  if (!original || original.client_id !== client.id) {
    errors.push({ pointer: '/supersedes', message: 'is not an assessment of this client' });
    return { errors, condition: CorrectionOfOtherAssessment };
  }
  if (original.status !== 'final') {
    errors.push({ pointer: '/supersedes', message: 'is a draft: edit it instead' });
    return { errors, condition: CorrectionOfDraft };
  }
  if (original.superseded_by) {
    errors.push({ pointer: '/supersedes', message: `was already superseded by ${original.superseded_by}` });
    return { errors, condition: AssessmentAlreadySuperseded };
  }
  return { errors, original };
}

/**
 * A correction becoming final first marks its original superseded, and only then is written: the
 * two share the interview number (and often the date), and the database keeps one current holder
 * of each. The reference to the correction is checked at commit, when the correction exists.
 */
async function supersedeOriginal(tx: UnitOfWork, row: { id: string; supersedes?: string | null }): Promise<void> {
  if (row.supersedes && !(await repository.markSuperseded(tx, row.supersedes, row.id))) {
    throw new SupersededMeanwhile(row.supersedes);
  }
}

export async function getAssessment(ctx: Context, id: string): Promise<AssessmentRow> {
  const row = await repository.findAssessment(ctx, id);
  if (!row) throw new NotFound('Assessment', id);
  return row;
}

export async function updateDraft(
  tx: UnitOfWork,
  settings: AssessmentSettings,
  id: string,
  ifMatch: IfMatch,
  input: UpdateAssessment,
): Promise<AssessmentRow> {
  const current = await getAssessment(tx, id);
  if (current.status === 'final') throw new AssessmentFinal(id, id);
  const client = await getClient(tx, current.client_id);
  await holdClients(tx, [client.id]);
  checkClientAssessable(client);
  const instrument = await settings.catalog.get(current.instrument_id);
  const fields = {
    assessedOn: input.assessedOn ?? current.assessed_on,
    answers: { ...current.answers, ...input.answers },
    conductedBy: input.conductedBy ?? current.conducted_by,
    livingSituation: input.livingSituation ?? current.living_situation,
    nextCheckOn: input.nextCheckOn ?? current.next_check_on,
  };
  const evaluation = await validate(tx, client, instrument, fields);
  const keys = { ...current, assessed_on: fields.assessedOn, interview_no: input.interviewNo ?? current.interview_no };
  const write = () =>
    repository.updateDraft(tx, id, expectedVersion(ifMatch, current), {
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
  const updated = await guardKeys(tx, keys, write);
  if (!updated) throw failedUpdate(await repository.findAssessment(tx, id), ifMatch, () => new NotFound('Assessment', id));
  return updated;
}

export async function finalize(tx: UnitOfWork, id: string, ifMatch: IfMatch): Promise<AssessmentRow> {
  const current = await getAssessment(tx, id);
  if (current.status === 'final') throw new AssessmentAlreadyFinal(id);
  await holdClients(tx, [current.client_id]);
  checkClientAssessable(await getClient(tx, current.client_id));
  const row = await guardKeys(tx, current, async () => {
    await supersedeOriginal(tx, current);
    return repository.updateDraft(tx, id, expectedVersion(ifMatch, current), { status: 'final', finalized_at: new Date() });
  });
  if (!row) throw failedUpdate(current, ifMatch, () => new NotFound('Assessment', id));
  await refreshCurrentAssessment(tx, row.client_id);
  return row;
}

export async function clientDynamics(ctx: Context, catalog: InstrumentCatalog, clientId: string) {
  await getClient(ctx, clientId);
  const history = await repository.finalHistory(ctx, clientId);
  const decisions = await currentDecisions(
    ctx,
    history.map((row) => row.id),
  );
  const scored: ScoredAssessment[] = await Promise.all(
    history.map(async (row) => ({
      id: row.id,
      assessedOn: row.assessed_on,
      instrumentId: row.instrument_id,
      quarters: row.score_quarters,
      // The group in effect: a commission's decision moves the client's dynamics as it moves its hours.
      group: decisions.get(row.id)?.decided_group ?? row.dependency_group,
      computedGroup: row.dependency_group,
      decisionId: decisions.get(row.id)?.id ?? null,
      selfCareReduction: decisions.get(row.id)?.self_care_reduction ?? row.self_care_reduction,
      breakdown: scoreAnswers(await catalog.get(row.instrument_id), row.answers).breakdown,
    })),
  );
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
