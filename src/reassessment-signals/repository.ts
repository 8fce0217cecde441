import { sql, type Insertable, type RawBuilder } from 'kysely';
import { RAPID_GROUPS, RAPID_WINDOW_MONTHS } from '../assessments/dynamics.js';
import type { Context } from '../context/request-context.js';
import type { ScopedDb } from '../context/scoped-db.js';
import type { ReassessmentSignalResolutionTable } from '../db/schema.js';
import type { ReassessmentSignalKind, SignalOutcome } from '../enums.js';
import { INDICATORS, INDICATOR_NAMES } from '../monitoring/indicators.js';
import type { BasisRecord } from './schemas.js';

/*
 * The signals, derived in one SQL statement from the records of the caller's active clients each
 * time they are read (see the migration 20261203T1320 for why they are not stored). Each kind is
 * one branch; a signal's id is a version 8 UUID (RFC 9562) made of the SHA-256 of its key, the
 * client's records it rests on, so it is the same on every instance and every read:
 * - outcomeIndicatorWorsened: the indicator and the two consecutive observations;
 * - questionnaireAverageDropped: the two consecutive questionnaires;
 * - attendanceDropped: the client and the month (its records may still be corrected; the month
 *   keeps the signal's identity, so a dismissal holds);
 * - rapidDeterioration: the current assessment.
 * A signal dated on or before the client's current assessment is left out: that assessment saw
 * the records already. A rapid deterioration is about the current assessment itself.
 */

export interface SignalThresholds {
  indicatorSteps: number;
  attendanceRatio: number;
  attendanceMinRecords: number;
  questionnaireDrop: number;
}

/** The questionnaire template's answers (migration 20261124T0600): four ratings, two satisfactions. */
const QUESTIONNAIRE_ANSWERS = 6;

export interface SignalRow {
  id: string;
  client_id: string;
  organization_id: string;
  kind: ReassessmentSignalKind;
  date: string;
  measure: string;
  before: number;
  after: number;
  threshold: number;
  records: { before: number; after: number } | null;
  basis: BasisRecord[];
  outcome: SignalOutcome | null;
  scheduled_on: string | null;
  reason: string | null;
  resolved_by: string | null;
  resolved_on: string | null;
  resolved_at: Date | null;
}

export interface SignalQuery {
  status: 'open' | 'resolved' | 'all';
  kind?: ReassessmentSignalKind;
  organizationId?: string;
  clientId?: string;
  /** One signal by its id. */
  id?: string;
  /** Keyset: signals after this one in (date, id) order. */
  after?: { date: string; id: string };
  limit?: number;
}

const KINDS: readonly ReassessmentSignalKind[] = [
  'outcomeIndicatorWorsened',
  'attendanceDropped',
  'questionnaireAverageDropped',
  'rapidDeterioration',
];

const basisRecord = (type: BasisRecord['type'], id: RawBuilder<unknown>, date: RawBuilder<unknown>) =>
  sql`jsonb_build_object('type', ${sql.lit(type)}::text, 'id', ${id}, 'date', ${date})`;

/** Consecutive observations of a client, each indicator the worse way by at least the set steps. */
function indicatorBranch(scoped: ScopedDb, thresholds: SignalThresholds) {
  const previous = INDICATOR_NAMES.map((name) => {
    const column = INDICATORS[name].column;
    return sql`lag(${sql.ref(`ob.${column}`)}) OVER w AS ${sql.ref(`before_${column}`)}`;
  });
  // One row per indicator; `better` turns a change the worse way into positive steps.
  const indicators = INDICATOR_NAMES.map((name) => {
    const { column, higherIsBetter } = INDICATORS[name];
    return sql`(${name}::text, ${sql.ref(`p.before_${column}`)}, ${sql.ref(`p.${column}`)}, ${sql.lit(higherIsBetter ? 1 : -1)})`;
  });
  return sql`
    SELECT 'outcomeIndicatorWorsened' AS kind, p.client_id, c.organization_id, p.observed_on AS date, i.measure,
      i.before::float AS before, i.after::float AS after, ${thresholds.indicatorSteps}::float AS threshold, NULL::jsonb AS records,
      jsonb_build_array(${basisRecord('observation', sql`p.before_id`, sql`p.before_on`)}, ${basisRecord('observation', sql`p.id`, sql`p.observed_on`)}) AS basis,
      concat_ws('/', 'outcomeIndicatorWorsened', i.measure, p.before_id, p.id) AS key
    FROM (
      SELECT ob.*, lag(ob.id) OVER w AS before_id, lag(ob.observed_on) OVER w AS before_on, ${sql.join(previous)}
      FROM observations ob JOIN candidates c ON c.id = ob.client_id
      WHERE ${scoped.where('observations', 'ob')}
      WINDOW w AS (PARTITION BY ob.client_id ORDER BY ob.observed_on, ob.created_at, ob.id)
    ) p
    JOIN candidates c ON c.id = p.client_id
    CROSS JOIN LATERAL (VALUES ${sql.join(indicators)}) AS i (measure, before, after, better)
    WHERE p.before_id IS NOT NULL AND (i.before - i.after) * i.better >= ${thresholds.indicatorSteps}::int
      AND (c.current_assessed_on IS NULL OR p.observed_on > c.current_assessed_on)`;
}

/**
 * Months (on the organization's clock, completed months only: a month under way has no rate yet)
 * whose attendance rate fell to the set share of the month before or lower, with enough records in
 * both. A record is the client's participation in a held session with its attendance recorded
 * (`enrolled` in a held session is attendance not yet marked); the rate is attended / records.
 */
function attendanceBranch(scoped: ScopedDb, thresholds: SignalThresholds) {
  const day = sql`(a.starts_at AT TIME ZONE c.time_zone)::date`;
  return sql`
    SELECT 'attendanceDropped' AS kind, m.client_id, c.organization_id, m.last_on AS date, 'attendanceRate' AS measure,
      round(b.attended::numeric / b.records, 4)::float AS before, round(m.attended::numeric / m.records, 4)::float AS after,
      ${thresholds.attendanceRatio}::float AS threshold, jsonb_build_object('before', b.records, 'after', m.records) AS records,
      b.basis || m.basis AS basis, concat_ws('/', 'attendanceDropped', m.client_id, m.month) AS key
    FROM (
      SELECT p.client_id, to_char(a.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM') AS month, count(*)::int AS records,
        (count(*) FILTER (WHERE p.attendance = 'attended'))::int AS attended, max(${day}) AS last_on,
        jsonb_agg(${basisRecord('participation', sql`a.id`, day)} ORDER BY a.starts_at, a.id) AS basis
      FROM activity_participants p
      JOIN activities a ON a.id = p.activity_id
      JOIN candidates c ON c.id = p.client_id
      WHERE a.status = 'held' AND p.attendance <> 'enrolled' AND a.starts_at < c.month_begun AND ${scoped.where('activities', 'a')}
      GROUP BY p.client_id, 2
    ) m
    JOIN LATERAL (
      SELECT p.client_id, count(*)::int AS records, (count(*) FILTER (WHERE p.attendance = 'attended'))::int AS attended,
        jsonb_agg(${basisRecord('participation', sql`a.id`, day)} ORDER BY a.starts_at, a.id) AS basis
      FROM activity_participants p
      JOIN activities a ON a.id = p.activity_id
      JOIN candidates c ON c.id = p.client_id
      WHERE p.client_id = m.client_id AND a.status = 'held' AND p.attendance <> 'enrolled' AND ${scoped.where('activities', 'a')}
        AND to_char(a.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM') = to_char(to_date(m.month, 'YYYY-MM') - interval '1 month', 'YYYY-MM')
      GROUP BY p.client_id
    ) b ON true
    JOIN candidates c ON c.id = m.client_id
    WHERE m.records >= ${thresholds.attendanceMinRecords}::int AND b.records >= ${thresholds.attendanceMinRecords}::int AND b.attended > 0
      AND m.attended::numeric * b.records <= ${thresholds.attendanceRatio}::numeric * b.attended * m.records
      AND (c.current_assessed_on IS NULL OR m.last_on > c.current_assessed_on)`;
}

/** Consecutive questionnaires of a client whose average answer fell by the set points or more (compared in sums: exact). */
function questionnaireBranch(scoped: ScopedDb, thresholds: SignalThresholds) {
  return sql`
    SELECT 'questionnaireAverageDropped' AS kind, p.client_id, c.organization_id, p.filled_on AS date, 'questionnaireAverage' AS measure,
      round(p.before_total::numeric / ${QUESTIONNAIRE_ANSWERS}, 2)::float AS before, round(p.total::numeric / ${QUESTIONNAIRE_ANSWERS}, 2)::float AS after,
      ${thresholds.questionnaireDrop}::float AS threshold, NULL::jsonb AS records,
      jsonb_build_array(${basisRecord('questionnaire', sql`p.before_id`, sql`p.before_on`)}, ${basisRecord('questionnaire', sql`p.id`, sql`p.filled_on`)}) AS basis,
      concat_ws('/', 'questionnaireAverageDropped', p.before_id, p.id) AS key
    FROM (
      SELECT q.id, q.client_id, q.filled_on, q.total,
        lag(q.id) OVER w AS before_id, lag(q.filled_on) OVER w AS before_on, lag(q.total) OVER w AS before_total
      FROM (
        SELECT q.*, q.physical + q.psychological + q.social + q.spiritual + q.satisfaction_process + q.satisfaction_results AS total
        FROM questionnaires q JOIN candidates c ON c.id = q.client_id
        WHERE ${scoped.where('questionnaires', 'q')}
      ) q
      WINDOW w AS (PARTITION BY q.client_id ORDER BY q.filled_on, q.created_at, q.id)
    ) p
    JOIN candidates c ON c.id = p.client_id
    WHERE p.before_id IS NOT NULL
      AND (p.before_total - p.total)::numeric >= ${thresholds.questionnaireDrop}::numeric * ${QUESTIONNAIRE_ANSWERS}
      AND (c.current_assessed_on IS NULL OR p.filled_on > c.current_assessed_on)`;
}

/**
 * The client's current assessment two groups or more above a final assessment of the six months
 * before it: the rule of `rapidDeterioration` in src/assessments/dynamics.ts, on the group in
 * effect (a commission's current decision, or the computed group). Names the lowest such earlier one.
 */
function rapidBranch(scoped: ScopedDb) {
  const group = (alias: string) =>
    sql`COALESCE((SELECT d.decided_group FROM assessment_decisions d WHERE d.assessment_id = ${sql.ref(`${alias}.id`)} AND d.superseded_by IS NULL), ${sql.ref(`${alias}.dependency_group`)})`;
  return sql`
    SELECT 'rapidDeterioration' AS kind, c.id AS client_id, c.organization_id, cur.assessed_on AS date, 'dependencyGroup' AS measure,
      e.effective_group::float AS before, cur.effective_group::float AS after, ${RAPID_GROUPS}::float AS threshold, NULL::jsonb AS records,
      jsonb_build_array(${basisRecord('assessment', sql`e.id`, sql`e.assessed_on`)}, ${basisRecord('assessment', sql`cur.id`, sql`cur.assessed_on`)}) AS basis,
      concat_ws('/', 'rapidDeterioration', cur.id) AS key
    FROM candidates c
    JOIN LATERAL (
      SELECT a.id, a.assessed_on, a.created_at, ${group('a')} AS effective_group
      FROM assessments a WHERE a.id = c.current_assessment_id AND ${scoped.where('assessments', 'a')}
    ) cur ON true
    JOIN LATERAL (
      SELECT earlier.id, earlier.assessed_on, earlier.effective_group
      FROM (
        SELECT a.id, a.assessed_on, a.created_at, ${group('a')} AS effective_group
        FROM assessments a
        WHERE a.client_id = c.id AND a.status = 'final' AND a.superseded_by IS NULL AND a.id <> cur.id AND ${scoped.where('assessments', 'a')}
          AND (a.assessed_on, a.created_at) < (cur.assessed_on, cur.created_at)
          AND a.assessed_on >= cur.assessed_on - ${`${RAPID_WINDOW_MONTHS} months`}::interval
      ) earlier
      WHERE cur.effective_group - earlier.effective_group >= ${RAPID_GROUPS}::int
      ORDER BY earlier.effective_group, earlier.assessed_on, earlier.created_at
      LIMIT 1
    ) e ON true`;
}

const BRANCHES: Record<ReassessmentSignalKind, (scoped: ScopedDb, thresholds: SignalThresholds) => RawBuilder<unknown>> = {
  outcomeIndicatorWorsened: indicatorBranch,
  attendanceDropped: attendanceBranch,
  questionnaireAverageDropped: questionnaireBranch,
  rapidDeterioration: (scoped) => rapidBranch(scoped),
};

const RESOLUTION_COLUMNS = sql`r.outcome, r.scheduled_on, r.reason, r.resolved_by, r.resolved_on, r.created_at AS resolved_at`;

/**
 * The signals of the caller's active clients (not archived, not discharged or deceased), open
 * ones derived now and resolved ones as they were when resolved, in (date, id) order.
 */
export async function selectSignals(ctx: Context, thresholds: SignalThresholds, query: SignalQuery): Promise<SignalRow[]> {
  const { scoped } = ctx;
  const kinds = query.kind ? [query.kind] : KINDS;
  const open = query.status !== 'resolved';
  const resolved = query.status !== 'open';
  const parts = [];
  if (open) {
    parts.push(sql`
      SELECT s.id, s.client_id, s.organization_id, s.kind, s.date, s.measure, s.before, s.after, s.threshold, s.records, s.basis,
        NULL::text AS outcome, NULL::date AS scheduled_on, NULL::text AS reason, NULL::uuid AS resolved_by, NULL::date AS resolved_on,
        NULL::timestamptz AS resolved_at
      FROM (
        SELECT derived.*, ${signalId(sql`derived.key`)} AS id
        FROM (${sql.join(
          kinds.map((kind) => BRANCHES[kind](scoped, thresholds)),
          sql` UNION ALL `,
        )}) derived
      ) s
      WHERE NOT EXISTS (SELECT 1 FROM reassessment_signal_resolutions r WHERE r.signal_id = s.id)`);
  }
  if (resolved) {
    parts.push(sql`
      SELECT r.signal_id AS id, r.client_id, r.organization_id, r.kind, r.signal_date AS date, r.signal->>'measure' AS measure,
        (r.signal->>'before')::float AS before, (r.signal->>'after')::float AS after, (r.signal->>'threshold')::float AS threshold,
        NULLIF(r.signal->'records', 'null'::jsonb) AS records, r.signal->'basis' AS basis, ${RESOLUTION_COLUMNS}
      FROM reassessment_signal_resolutions r JOIN candidates c ON c.id = r.client_id
      WHERE ${scoped.where('reassessment_signal_resolutions', 'r')} ${query.kind ? sql`AND r.kind = ${query.kind}` : sql``}`);
  }
  const conditions = [sql<boolean>`true`];
  if (query.id !== undefined) conditions.push(sql`listed.id = ${query.id}::uuid`);
  if (query.after) conditions.push(sql`(listed.date, listed.id) > (${query.after.date}::date, ${query.after.id}::uuid)`);
  const { rows } = await sql<SignalRow>`
    WITH candidates AS (
      SELECT c.id, c.organization_id, c.current_assessment_id, c.current_assessed_on, o.time_zone,
        date_trunc('month', now() AT TIME ZONE o.time_zone) AT TIME ZONE o.time_zone AS month_begun
      FROM clients c JOIN organizations o ON o.id = c.organization_id
      WHERE c.status = 'active' AND c.archived_at IS NULL AND ${scoped.where('clients', 'c')}
        ${query.organizationId !== undefined ? sql`AND c.organization_id = ${query.organizationId}::uuid` : sql``}
        ${query.clientId !== undefined ? sql`AND c.id = ${query.clientId}::uuid` : sql``}
    )
    SELECT listed.* FROM (${sql.join(parts, sql` UNION ALL `)}) listed
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY listed.date, listed.id
    ${query.limit !== undefined ? sql`LIMIT ${query.limit}::int` : sql``}
  `.execute(ctx.db);
  return rows;
}

/**
 * A version 8 UUID (RFC 9562: the version nibble 8, the variant bits 10) of the SHA-256 of the
 * signal's key: the same signal gets the same id on every instance and every read.
 */
function signalId(key: RawBuilder<unknown>) {
  const hex = sql`encode(sha256(convert_to('reassessment-signal/' || ${key}, 'UTF8')), 'hex')`;
  return sql`overlay(overlay(substr(${hex}, 1, 32) PLACING '8' FROM 13 FOR 1)
    PLACING substr('89ab', ('x' || substr(${hex}, 17, 1))::bit(4)::int % 4 + 1, 1) FROM 17 FOR 1)::uuid`;
}

export async function findResolution(ctx: Context, signalId: string) {
  return ctx.scoped
    .selectFrom('reassessment_signal_resolutions')
    .select(['reassessment_signal_resolutions.signal_id'])
    .where('reassessment_signal_resolutions.signal_id', '=', signalId)
    .executeTakeFirst();
}

export async function insertResolution(ctx: Context, row: Insertable<ReassessmentSignalResolutionTable>) {
  return ctx.scoped.insertInto('reassessment_signal_resolutions', row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Raises the client's version once its next check moved: the client's representation changed
 * (`nextCheckOn`), so its ETag does and the change feed reports it.
 */
export async function touchClient(ctx: Context, clientId: string): Promise<void> {
  await ctx.scoped
    .updateTable('clients')
    .set((eb) => ({ updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('clients.id', '=', clientId)
    .execute();
}
