import { sql, type Insertable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { CareVisitRow, CareVisitTable } from '../db/schema.js';

/** The visit has no correction: a correction's `corrects` names the same client's visit. */
const notCorrected = sql<boolean>`NOT EXISTS (SELECT 1 FROM care_visits correction WHERE correction.corrects = care_visits.id)`;

/** A visit with the correction that supersedes it, if any. */
export type StoredVisit = CareVisitRow & { superseded_by: string | null };

export async function careServices(ctx: Context) {
  return ctx.db.selectFrom('care_services').select(['code', 'title_ru', 'title_en']).orderBy('code').execute();
}

export async function knownServiceCodes(ctx: Context): Promise<Set<string>> {
  return new Set((await ctx.db.selectFrom('care_services').select('code').execute()).map((row) => row.code));
}

/** Visits with `superseded_by`: the visit whose `corrects` names them. */
function visits(ctx: Context) {
  return ctx.scoped
    .selectFrom('care_visits')
    .selectAll('care_visits')
    .select((eb) =>
      eb
        .selectFrom('care_visits as correction')
        .select('correction.id')
        .whereRef('correction.corrects', '=', 'care_visits.id')
        .as('superseded_by'),
    );
}

/** A client's visits, of one month (`YYYY-MM`) or all, for `paginate`. */
export function visitsQuery(ctx: Context, clientId: string, month?: string) {
  return visits(ctx)
    .where('care_visits.client_id', '=', clientId)
    .$if(month !== undefined, (query) =>
      query
        .where('care_visits.visited_on', '>=', `${month}-01`)
        .where('care_visits.visited_on', '<', sql<string>`(${`${month}-01`}::date + interval '1 month')::date`),
    );
}

export async function findVisit(ctx: Context, clientId: string, id: string): Promise<StoredVisit | undefined> {
  return visits(ctx).where('care_visits.client_id', '=', clientId).where('care_visits.id', '=', id).executeTakeFirst();
}

export async function insertVisits(tx: UnitOfWork, rows: Array<Insertable<CareVisitTable>>): Promise<CareVisitRow[]> {
  if (rows.length === 0) return [];
  return tx.scoped.insertInto('care_visits', rows).returningAll().execute();
}

/** A client's counted visits (neither corrected nor voided) between two days, inclusive. */
export async function countedVisits(ctx: Context, clientId: string, from: string, to: string) {
  return ctx.scoped
    .selectFrom('care_visits')
    .select(['care_visits.visited_on', 'care_visits.duration_minutes'])
    .where('care_visits.client_id', '=', clientId)
    .where('care_visits.voided', '=', false)
    .where('care_visits.visited_on', '>=', from)
    .where('care_visits.visited_on', '<=', to)
    .where(notCorrected)
    .execute();
}

/** Counted visits of clients keyed by (client, care assistant, start), for a bulk import to match its lines. */
export async function countedVisitsAt(ctx: Context, keys: Array<{ clientId: string; careAssistantId: string; startedAt: Date }>) {
  if (keys.length === 0) return [];
  return visits(ctx)
    .where(
      sql<boolean>`(care_visits.client_id, care_visits.care_assistant_id, care_visits.started_at) IN (
        SELECT * FROM unnest(${keys.map((key) => key.clientId)}::uuid[], ${keys.map((key) => key.careAssistantId)}::uuid[],
          ${keys.map((key) => key.startedAt.toISOString())}::timestamptz[]))`,
    )
    .where('care_visits.voided', '=', false)
    .where(notCorrected)
    .execute();
}

/** The figures of the assessment in force on a day, with the commission decision in force then. */
export interface EntitlementRow {
  day: string;
  assessment_id: string | null;
  decision_id: string | null;
  dependency_group: number | null;
  hours_optimal: number | null;
  hours_minimal: number | null;
  hours_by_living_situation: number | null;
}

/**
 * The entitlement of a client on each of `days`, as the regional report reads a past day
 * (src/reports/long-term-care-repository.ts): the latest final assessment by then, and its
 * latest commission decision by then, whose group and hours take the place of the computed ones.
 */
export async function entitlementsOn(ctx: Context, clientId: string, days: string[]): Promise<EntitlementRow[]> {
  const { rows } = await sql<EntitlementRow>`
    SELECT day::text AS day, latest.id AS assessment_id, decided.id AS decision_id,
      coalesce(decided.decided_group, latest.dependency_group) AS dependency_group,
      coalesce(decided.hours_optimal, latest.hours_optimal) AS hours_optimal,
      coalesce(decided.hours_minimal, latest.hours_minimal) AS hours_minimal,
      CASE WHEN decided.id IS NULL THEN latest.hours_by_living_situation ELSE decided.hours_by_living_situation END
        AS hours_by_living_situation
    FROM unnest(${days}::date[]) AS day
    LEFT JOIN LATERAL (
      SELECT a.id, a.dependency_group, a.hours_optimal, a.hours_minimal, a.hours_by_living_situation
      FROM assessments a
      WHERE a.client_id = ${clientId} AND a.status = 'final' AND a.superseded_by IS NULL AND a.assessed_on <= day
        AND ${ctx.scoped.where('assessments', 'a')}
      ORDER BY a.assessed_on DESC, a.created_at DESC
      LIMIT 1
    ) latest ON true
    LEFT JOIN LATERAL (
      SELECT d.id, d.decided_group, d.hours_optimal, d.hours_minimal, d.hours_by_living_situation
      FROM assessment_decisions d
      WHERE d.assessment_id = latest.id AND d.decided_on <= day AND ${ctx.scoped.where('assessment_decisions', 'd')}
      ORDER BY d.decided_on DESC, d.created_at DESC
      LIMIT 1
    ) decided ON true
    ORDER BY day
  `.execute(ctx.db);
  return rows;
}
