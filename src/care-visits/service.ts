import { today } from '../calendar/dates.js';
import { getClient } from '../clients/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ClientRow } from '../db/schema.js';
import { onUniqueViolation } from '../db/errors.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import { findOrganization } from '../organizations/repository.js';
import { staffOfOrganization } from '../staff/repository.js';
import { CareVisitAlreadyCorrected, CareVisitRuleViolated, ClientTakesNoVisits } from './problems.js';
import * as repository from './repository.js';
import type { StoredVisit } from './repository.js';
import type { CareDelivery, CareDeliveryWeek, CareService, CareVisit, CorrectCareVisit, CreateCareVisit } from './schemas.js';
import { monthBounds, weeksOfMonth } from './weeks.js';

type Pointer = Omit<FieldError, 'in'>;

// EPSILON keeps exact halves such as 0.075 rounding up despite their binary representation.
const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

export async function careServices(ctx: Context): Promise<CareService[]> {
  return (await repository.careServices(ctx)).map((row) => ({ code: row.code, titleRu: row.title_ru, titleEn: row.title_en }));
}

export function toVisit(row: StoredVisit): CareVisit {
  return {
    id: row.id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    careAssistantId: row.care_assistant_id,
    startedAt: row.started_at.toISOString(),
    visitedOn: row.visited_on,
    durationMinutes: row.duration_minutes,
    services: row.services,
    note: row.note,
    voided: row.voided,
    corrects: row.corrects,
    reason: row.reason,
    supersededBy: row.superseded_by,
    counted: !row.voided && row.superseded_by === null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Why a client takes no new visit, or undefined: only active clients served at home, not archived, do. */
export function visitRefusal(client: Pick<ClientRow, 'id' | 'care_form' | 'status' | 'archived_at'>): Error | undefined {
  if (client.archived_at) return new ClientTakesNoVisits(client.id, 'the client is archived');
  if (client.care_form !== 'home') return new ClientTakesNoVisits(client.id, 'the client is served inpatient, not at home');
  if (client.status !== 'active') return new ClientTakesNoVisits(client.id, `the client is ${client.status}`);
  return undefined;
}

/** What the rules of a visit need to know of its organization, read once for a whole import. */
export interface VisitRules {
  organizationId: string;
  timeZone: string;
  services: Set<string>;
  /** Which of `ids` are staff of the organization. */
  staff: (ids: string[]) => Promise<Set<string>>;
}

export async function visitRules(ctx: Context, organizationId: string): Promise<VisitRules> {
  // The organization of a client the caller reached: visible to the caller.
  const organization = await findOrganization(ctx, organizationId);
  if (!organization) throw new NotFound('Organization', organizationId);
  return {
    organizationId,
    timeZone: organization.time_zone,
    services: await repository.knownServiceCodes(ctx),
    staff: (ids) => staffOfOrganization(ctx, organizationId, ids),
  };
}

interface VisitFields {
  careAssistantId: string;
  startedAt: string;
  services: string[];
}

/** Every broken rule of a visit's fields, each with its field. */
export async function visitErrors(rules: VisitRules, fields: VisitFields, now = Date.now()): Promise<Pointer[]> {
  const errors: Pointer[] = [];
  const staff = await rules.staff([fields.careAssistantId]);
  if (!staff.has(fields.careAssistantId)) {
    errors.push({ pointer: '/careAssistantId', message: 'is not a staff member of the client’s organization' });
  }
  if (Date.parse(fields.startedAt) > now) errors.push({ pointer: '/startedAt', message: 'is in the future' });
  fields.services.forEach((code, index) => {
    if (!rules.services.has(code)) errors.push({ pointer: `/services/${index}`, message: 'is not a code of the care-service catalog' });
  });
  return errors;
}

/** The day a visit counts on: its start's date on the organization's clock. */
export const visitDay = (rules: VisitRules, startedAt: string) => today(rules.timeZone, new Date(startedAt));

export async function createVisit(tx: UnitOfWork, clientId: string, input: CreateCareVisit): Promise<StoredVisit> {
  const client = await getClient(tx, clientId);
  const refusal = visitRefusal(client);
  if (refusal) throw refusal;
  const rules = await visitRules(tx, client.organization_id);
  const errors = await visitErrors(rules, input);
  if (errors.length) throw withFields(new CareVisitRuleViolated(), errors);
  const [row] = await repository.insertVisits(tx, [
    {
      organization_id: client.organization_id,
      client_id: client.id,
      care_assistant_id: input.careAssistantId,
      started_at: new Date(input.startedAt),
      visited_on: visitDay(rules, input.startedAt),
      duration_minutes: input.durationMinutes,
      services: input.services,
      note: input.note ?? null,
    },
  ]);
  if (!row) throw new Error('insertVisits lost a row');
  return { ...row, superseded_by: null };
}

const VISIT_FIELDS = ['careAssistantId', 'startedAt', 'durationMinutes', 'services', 'note'] as const;

/**
 * A correction: a new visit that `corrects` the earlier one, which stays but no longer counts. A
 * visit is corrected once (UNIQUE `corrects`): the second of two corrections at once is a 409
 * like a correction of a visit already corrected. The client's status is not checked: a visit of
 * a client since discharged can still be put right.
 */
export async function correctVisit(tx: UnitOfWork, clientId: string, visitId: string, input: CorrectCareVisit): Promise<StoredVisit> {
  const original = await getVisit(tx, clientId, visitId);
  if (original.superseded_by) throw new CareVisitAlreadyCorrected(original.id, original.superseded_by);
  const rules = await visitRules(tx, original.organization_id);
  const errors: Pointer[] = [];
  const voided = input.voided ?? false;
  if (voided) {
    for (const field of VISIT_FIELDS) {
      if (input[field] !== undefined)
        errors.push({ pointer: `/${field}`, message: 'is not given with voided: a voided visit did not take place' });
    }
  } else if (original.voided) {
    for (const field of ['durationMinutes', 'services'] as const) {
      if (input[field] === undefined) errors.push({ pointer: `/${field}`, message: 'is required to correct a voided visit' });
    }
  }
  const fields = {
    careAssistantId: input.careAssistantId ?? original.care_assistant_id,
    startedAt: input.startedAt ?? original.started_at.toISOString(),
    durationMinutes: voided ? null : (input.durationMinutes ?? original.duration_minutes),
    services: voided ? [] : (input.services ?? original.services),
    note: voided ? null : input.note === undefined ? original.note : input.note,
  };
  errors.push(...(await visitErrors(rules, fields)));
  if (errors.length) throw withFields(new CareVisitRuleViolated(), errors);
  const insert = () =>
    repository.insertVisits(tx, [
      {
        organization_id: original.organization_id,
        client_id: original.client_id,
        care_assistant_id: fields.careAssistantId,
        started_at: new Date(fields.startedAt),
        visited_on: visitDay(rules, fields.startedAt),
        duration_minutes: fields.durationMinutes,
        services: fields.services,
        note: fields.note,
        corrects: original.id,
        reason: input.reason,
        voided,
      },
    ]);
  const [row] = await onUniqueViolation(tx.db, insert, 'care_visits_corrects_key', async () => {
    const winner = await repository.findVisit(tx, clientId, visitId);
    return new CareVisitAlreadyCorrected(original.id, winner?.superseded_by ?? 'another correction');
  });
  if (!row) throw new Error('insertVisits lost a row');
  return { ...row, superseded_by: null };
}

/** A client's visits in creation order, for `paginate`; the client must be the caller's to see. */
export async function visitsOf(ctx: Context, clientId: string, month?: string) {
  const client = await getClient(ctx, clientId);
  return repository.visitsQuery(ctx, client.id, month);
}

export async function getVisit(ctx: Context, clientId: string, id: string): Promise<StoredVisit> {
  const row = await repository.findVisit(ctx, clientId, id);
  if (!row) throw new NotFound('Care visit', id);
  return row;
}

type Hours = { optimal: number; minimal: number; byLivingSituation: number | null };

/**
 * Care delivered against care entitled, per ISO week with a day in the month. Only visits on the
 * month's days count (by `visitedOn`), and a week partly in the month is entitled to that part of
 * its weekly hours: weekly × daysInMonth / 7. The entitlement of a week is the one in force on its
 * last day inside the month. Below minimal compares exact minutes, rounding only what is shown.
 */
export async function careDelivery(ctx: Context, clientId: string, month: string): Promise<CareDelivery> {
  const client = await getClient(ctx, clientId);
  const { first, last } = monthBounds(month);
  const weeks = weeksOfMonth(month);
  const visits = await repository.countedVisits(ctx, client.id, first, last);
  const entitlements = new Map(
    (
      await repository.entitlementsOn(
        ctx,
        client.id,
        weeks.map((week) => week.lastInMonth),
      )
    ).map((row) => [row.day, row]),
  );

  let entitledMinimalDays = 0;
  let minutesEntitled = 0;
  const entitled: Hours = { optimal: 0, minimal: 0, byLivingSituation: null };
  const answered: CareDeliveryWeek[] = weeks.map((week) => {
    const inWeek = visits.filter((visit) => visit.visited_on >= week.firstInMonth && visit.visited_on <= week.lastInMonth);
    const minutes = inWeek.reduce((sum, visit) => sum + (visit.duration_minutes ?? 0), 0);
    const row = entitlements.get(week.lastInMonth);
    const base = { week: week.week, from: week.from, to: week.to, daysInMonth: week.daysInMonth, visits: inWeek.length };
    const deliveredHours = round2(minutes / 60);
    if (!row?.assessment_id || row.hours_optimal === null || row.hours_minimal === null || row.dependency_group === null) {
      return { ...base, deliveredHours, entitlement: null, belowMinimal: null };
    }
    const share = week.daysInMonth / 7;
    const byLiving = row.hours_by_living_situation;
    entitled.optimal += row.hours_optimal * share;
    entitled.minimal += row.hours_minimal * share;
    if (byLiving !== null) entitled.byLivingSituation = (entitled.byLivingSituation ?? 0) + byLiving * share;
    entitledMinimalDays += row.hours_minimal * week.daysInMonth;
    minutesEntitled += minutes;
    return {
      ...base,
      deliveredHours,
      entitlement: {
        assessmentId: row.assessment_id,
        decisionId: row.decision_id,
        group: row.dependency_group,
        weekly: { optimal: row.hours_optimal, minimal: row.hours_minimal, byLivingSituation: byLiving },
        prorated: {
          optimal: round2(row.hours_optimal * share),
          minimal: round2(row.hours_minimal * share),
          byLivingSituation: byLiving === null ? null : round2(byLiving * share),
        },
      },
      // minutes / 60 < minimal × days / 7, in integers
      belowMinimal: minutes * 7 < row.hours_minimal * 60 * week.daysInMonth,
    };
  });
  const anyEntitled = answered.some((week) => week.entitlement !== null);
  const minutes = visits.reduce((sum, visit) => sum + (visit.duration_minutes ?? 0), 0);
  return {
    clientId: client.id,
    month,
    weeks: answered,
    total: {
      visits: visits.length,
      deliveredHours: round2(minutes / 60),
      entitledHours: anyEntitled
        ? {
            optimal: round2(entitled.optimal),
            minimal: round2(entitled.minimal),
            byLivingSituation: entitled.byLivingSituation === null ? null : round2(entitled.byLivingSituation),
          }
        : null,
      belowMinimal: anyEntitled ? minutesEntitled * 7 < entitledMinimalDays * 60 : null,
    },
  };
}
