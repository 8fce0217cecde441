import { randomUUID } from 'node:crypto';
import { ActivityTypeRetired } from '../activity-types/problems.js';
import { findActivityTypes } from '../activity-types/repository.js';
import { addMonths, today } from '../calendar/dates.js';
import { monthRange } from '../calendar/zoned.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import { onUniqueViolation } from '../db/errors.js';
import type { ActivityTypeRow, ClientRow, PlannedActivity, SupportProgramRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import { NotFound, withFields } from '../http/problems.js';
import type { FieldError } from '../http/problem.js';
import { getOrganization } from '../organizations/service.js';
import { staffOfOrganization } from '../staff/repository.js';
import { fulfilment } from './fulfilment.js';
import { mergeGoals, reviewErrors, withReview } from './goals.js';
import {
  ClientNotServed,
  GoalReviewRuleViolated,
  InstrumentNotMapped,
  NoAssessmentToSuggestFrom,
  ProgramAlreadyActive,
  ProgramNotReviewable,
  ProgramRuleViolated,
  ProgramTransitionForbidden,
} from './problems.js';
import * as repository from './repository.js';
import type {
  CreateGoalReview,
  CreateSupportProgram,
  ProgramSearch,
  ProgramSuggestion,
  SuggestionRequest,
  SupportProgram,
  UpdateSupportProgram,
} from './schemas.js';
import { suggestProgram } from './suggestion.js';
import { suitabilityWarnings } from './suitability.js';

type Pointer = Omit<FieldError, 'in'>;

/** A program with the client it was read or written for: its answer shows the client's current state. */
export type ProgramOfClient = SupportProgramRow & { client: ClientRow };

function mapProgram({ client, ...row }: ProgramOfClient, types: ActivityTypeRow[]): SupportProgram {
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    goals: row.goals,
    reviewDueOn: row.review_due_on,
    activities: row.activities,
    draftedBy: row.drafted_by,
    status: row.status,
    client: { group: client.current_group, selfCareReduction: client.current_self_care_reduction },
    warnings: suitabilityWarnings(row.activities, types, client.current_group),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const plannedTypes = (programs: SupportProgramRow[]) => [
  ...new Set(programs.flatMap((row) => row.activities.map((activity) => activity.activityTypeId))),
];

export async function toProgram(ctx: Context, program: ProgramOfClient): Promise<SupportProgram> {
  return mapProgram(program, await findActivityTypes(ctx, plannedTypes([program])));
}

/** A page of one client's programs, with the activity types they plan read in one query. */
export async function toPrograms(ctx: Context, rows: SupportProgramRow[], client: ClientRow): Promise<SupportProgram[]> {
  const types = await findActivityTypes(ctx, plannedTypes(rows));
  return rows.map((row) => mapProgram({ ...row, client }, types));
}

interface ProgramFields {
  periodFrom: string;
  periodTo: string;
  activities: PlannedActivity[];
  draftedBy: string[];
}

/** The rules a schema cannot express; `goalErrors` are those mergeGoals found, answered with the others. */
async function validate(ctx: Context, organizationId: string, fields: ProgramFields, goalErrors: Pointer[] = []): Promise<void> {
  const errors: Pointer[] = [...goalErrors];
  const retired: Pointer[] = [];
  if (fields.periodTo < fields.periodFrom) errors.push({ pointer: '/periodTo', message: 'is before periodFrom' });
  const types = new Map(
    (
      await findActivityTypes(
        ctx,
        fields.activities.map((a) => a.activityTypeId),
      )
    ).map((type) => [type.id, type]),
  );
  const staffIds = [...fields.draftedBy, ...fields.activities.flatMap((a) => (a.responsibleStaffId ? [a.responsibleStaffId] : []))];
  const staff = await staffOfOrganization(ctx, organizationId, staffIds);
  fields.activities.forEach((activity, index) => {
    const at = `/activities/${index}`;
    if ((activity.timesPerWeek === undefined) === (activity.timesPerMonth === undefined)) {
      errors.push({ pointer: at, message: 'needs exactly one of timesPerWeek and timesPerMonth' });
    }
    // The caller may see more of the catalog than the client's organization has: the shared entries and that organization's own.
    const type = types.get(activity.activityTypeId);
    if (!type || (type.organization_id !== null && type.organization_id !== organizationId)) {
      errors.push({ pointer: `${at}/activityTypeId`, message: 'is not in the catalog of the organization' });
    } else if (type.retired_at) retired.push({ pointer: `${at}/activityTypeId`, message: 'is retired' });
    if (activity.responsibleStaffId && !staff.has(activity.responsibleStaffId)) {
      errors.push({ pointer: `${at}/responsibleStaffId`, message: 'is not a staff member of the organization' });
    }
  });
  fields.draftedBy.forEach((id, index) => {
    if (!staff.has(id)) errors.push({ pointer: `/draftedBy/${index}`, message: 'is not a staff member of the organization' });
  });
  if (errors.length) throw withFields(new ProgramRuleViolated(), errors);
  if (retired.length) {
    const ids = [...new Set(fields.activities.map((activity) => activity.activityTypeId).filter((id) => types.get(id)?.retired_at))];
    throw withFields(new ActivityTypeRetired(ids.join(', ')), retired);
  }
}

function oneActive<T>(tx: UnitOfWork, clientId: string, write: () => Promise<T>): Promise<T> {
  return onUniqueViolation(tx.db, write, 'support_programs_one_active', () => new ProgramAlreadyActive(clientId));
}

/** An archived, discharged or deceased client takes no new program, nor a suggested one. */
function assertServed(client: ClientRow): void {
  if (client.archived_at || client.status === 'discharged' || client.status === 'deceased') {
    throw new ClientNotServed(client.id, client.archived_at ? 'archived' : client.status);
  }
}

export async function createProgram(tx: UnitOfWork, clientId: string, input: CreateSupportProgram): Promise<ProgramOfClient> {
  const client = await getClient(tx, clientId);
  assertServed(client);
  const { goals, errors } = mergeGoals(input.goals, [], { from: input.periodFrom, to: input.periodTo }, randomUUID);
  await validate(tx, client.organization_id, input, errors);
  const row = await oneActive(tx, clientId, () =>
    repository.insertProgram(tx, {
      client_id: client.id,
      organization_id: client.organization_id,
      period_from: input.periodFrom,
      period_to: input.periodTo,
      goals: JSON.stringify(goals),
      activities: JSON.stringify(input.activities),
      drafted_by: input.draftedBy,
      status: input.status ?? 'draft',
    }),
  );
  return { ...row, client };
}

export async function getProgram(ctx: Context, clientId: string, id: string): Promise<ProgramOfClient> {
  const client = await getClient(ctx, clientId);
  const row = await repository.findProgram(ctx, clientId, id);
  if (!row) throw new NotFound('Support program', id);
  return { ...row, client };
}

/** Allowed status changes: a draft starts or is dropped; an active program ends one way or the other. */
const TRANSITIONS: Record<SupportProgramRow['status'], Array<SupportProgramRow['status']>> = {
  draft: ['draft', 'active', 'cancelled'],
  active: ['active', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export async function updateProgram(
  tx: UnitOfWork,
  clientId: string,
  id: string,
  ifMatch: IfMatch,
  input: UpdateSupportProgram,
): Promise<ProgramOfClient> {
  const { client, ...current } = await getProgram(tx, clientId, id);
  const status = input.status ?? current.status;
  if (!TRANSITIONS[current.status].includes(status)) {
    throw withFields(new ProgramTransitionForbidden(current.status, status), [
      { pointer: '/status', message: `cannot change from ${current.status} to ${status}` },
    ]);
  }
  const period = { from: input.periodFrom ?? current.period_from, to: input.periodTo ?? current.period_to };
  const merged = input.goals && mergeGoals(input.goals, current.goals, period, randomUUID);
  await validate(
    tx,
    current.organization_id,
    {
      periodFrom: period.from,
      periodTo: period.to,
      activities: input.activities ?? current.activities,
      draftedBy: input.draftedBy ?? current.drafted_by,
    },
    merged?.errors,
  );
  const version = expectedVersion(ifMatch, current);
  const updated = await oneActive(tx, clientId, () =>
    repository.updateProgram(tx, id, version, {
      period_from: input.periodFrom,
      period_to: input.periodTo,
      goals: merged && JSON.stringify(merged.goals),
      activities: input.activities && JSON.stringify(input.activities),
      drafted_by: input.draftedBy,
      status: input.status,
    }),
  );
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Support program', id));
  return { ...updated, client };
}

/** A client's programs, for `paginate`; a client the caller does not see is a 404. */
export async function listPrograms(ctx: Context, clientId: string, filter: { status?: SupportProgramRow['status'] }) {
  const client = await getClient(ctx, clientId);
  return { client, query: repository.programsQuery(ctx, client.id, filter) };
}

export async function programFulfilment(ctx: Context, clientId: string, id: string, month: string) {
  const program = await getProgram(ctx, clientId, id);
  const { time_zone } = await getOrganization(ctx, program.organization_id);
  const { from, to } = monthRange(month, time_zone);
  const attended = await repository.attendedByType(ctx, clientId, from, to);
  return fulfilment(month, { from: program.period_from, to: program.period_to }, program.activities, attended);
}

/**
 * Appends a review to a goal and sets the goal's status (and target date) from it. The program row
 * is locked meanwhile, so reviews sent at once are appended one after the other and none is lost;
 * its version rises, so the ETag and the change feed show the change. If-Match is optional here:
 * a review adds to the goal rather than replacing what the caller read; sent, it is checked.
 */
export async function reviewGoal(
  tx: UnitOfWork,
  params: { clientId: string; id: string; goalId: string },
  ifMatch: IfMatch | undefined,
  input: CreateGoalReview,
): Promise<ProgramOfClient & { reviewId: string }> {
  const client = await getClient(tx, params.clientId);
  const current = await repository.lockProgram(tx, params.clientId, params.id);
  if (!current) throw new NotFound('Support program', params.id);
  const goal = current.goals.find((candidate) => candidate.id === params.goalId);
  if (!goal) throw new NotFound('Goal', params.goalId);
  if (ifMatch) expectedVersion(ifMatch, current);
  if (current.status !== 'active' && current.status !== 'completed') throw new ProgramNotReviewable(current.status);
  const errors = reviewErrors(input, goal, current.period_from, today());
  const staff = await staffOfOrganization(tx, current.organization_id, [input.staffId]);
  if (!staff.has(input.staffId)) errors.push({ pointer: '/staffId', message: 'is not a staff member of the organization' });
  if (errors.length) throw withFields(new GoalReviewRuleViolated(), errors);
  const { goal: reviewed, entry } = withReview(goal, input, randomUUID(), new Date());
  const goals = current.goals.map((candidate) => (candidate.id === goal.id ? reviewed : candidate));
  const updated = await repository.updateProgram(tx, current.id, current.version, { goals: JSON.stringify(goals) });
  if (!updated) throw new Error(`Support program ${current.id} changed while locked`);
  return { ...updated, client, reviewId: entry.id };
}

/** Programs of every client in the caller's scope, for `paginate`, and their mapping to the API with their clients. */
export function searchPrograms(ctx: Context, filter: ProgramSearch) {
  return {
    query: repository.programSearchQuery(ctx, filter),
    toItems: async (rows: SupportProgramRow[]): Promise<SupportProgram[]> => {
      const [clients, types] = await Promise.all([
        repository.findClients(ctx, [...new Set(rows.map((row) => row.client_id))]),
        findActivityTypes(ctx, plannedTypes(rows)),
      ]);
      const byId = new Map(clients.map((client) => [client.id, client]));
      return rows.flatMap((row) => {
        const client = byId.get(row.client_id);
        return client ? [mapProgram({ ...row, client }, types)] : [];
      });
    },
  };
}

/** The default period of a suggested program: until the day before the next check, else six months. */
function suggestedPeriod(client: ClientRow, request: SuggestionRequest): { from: string; to: string } {
  const from = request.periodFrom ?? today();
  if (request.periodTo) return { from, to: request.periodTo };
  const next = client.current_next_check_on;
  if (next && next > from) {
    const dayBefore = new Date(Date.parse(`${next}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    if (dayBefore >= from) return { from, to: dayBefore };
  }
  const sixMonths = new Date(Date.parse(`${addMonths(from, 6)}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return { from, to: sixMonths };
}

/**
 * A draft program from the client's latest final assessment, through the mapping's current
 * version; stores nothing. The body it answers passes createProgram's rules as it stands.
 */
export async function suggestionFor(
  ctx: Context,
  instruments: InstrumentCatalog,
  clientId: string,
  request: SuggestionRequest,
): Promise<ProgramSuggestion> {
  const client = await getClient(ctx, clientId);
  assertServed(client);
  const assessment = client.current_assessment_id ? await repository.findAssessment(ctx, client.current_assessment_id) : undefined;
  if (!assessment || client.current_group === null) throw new NoAssessmentToSuggestFrom(clientId);
  const mapping = await repository.currentMapping(ctx);
  if (!mapping) throw new Error('No program suggestion mapping is installed');
  if (!mapping.instruments.includes(assessment.instrument_id)) throw new InstrumentNotMapped(mapping.id, assessment.instrument_id);
  const period = suggestedPeriod(client, request);
  await validate(ctx, client.organization_id, {
    periodFrom: period.from,
    periodTo: period.to,
    activities: [],
    draftedBy: request.draftedBy,
  });
  const codes = [...new Set(mapping.rules.flatMap((rule) => rule.activities.map((activity) => activity.code)))];
  const catalog = new Map((await repository.sharedTypesByCode(ctx, codes)).map((type) => [type.code ?? '', type]));
  const suggestion = suggestProgram({
    mapping,
    instrument: await instruments.get(assessment.instrument_id),
    answers: assessment.answers,
    socialSupport: assessment.social_support,
    group: client.current_group,
    catalog,
    period,
    draftedBy: request.draftedBy,
  });
  return {
    program: suggestion.program,
    assessmentId: assessment.id,
    instrumentId: assessment.instrument_id,
    group: suggestion.group,
    mapping: { id: mapping.id, version: mapping.version },
    activities: suggestion.activities,
    leftOut: suggestion.leftOut,
  };
}
