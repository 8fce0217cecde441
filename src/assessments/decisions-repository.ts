import type { Context } from '../context/request-context.js';
import type { AssessmentDecisionRow, AssessmentRow, NewAssessmentDecisionRow } from '../db/schema.js';

export async function insertDecision(ctx: Context, row: NewAssessmentDecisionRow): Promise<AssessmentDecisionRow> {
  return ctx.scoped.insertInto('assessment_decisions', row).returningAll().executeTakeFirstOrThrow();
}

export async function findDecision(ctx: Context, id: string): Promise<AssessmentDecisionRow | undefined> {
  return ctx.scoped.selectFrom('assessment_decisions').selectAll().where('assessment_decisions.id', '=', id).executeTakeFirst();
}

/** The current (not superseded) decision of each of the assessments that has one, by assessment id. */
export async function currentDecisions(ctx: Context, assessmentIds: string[]): Promise<Map<string, AssessmentDecisionRow>> {
  if (assessmentIds.length === 0) return new Map();
  const rows = await ctx.scoped
    .selectFrom('assessment_decisions')
    .selectAll()
    .where('assessment_decisions.assessment_id', 'in', [...new Set(assessmentIds)])
    .where('assessment_decisions.superseded_by', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.assessment_id, row]));
}

/** Marks `id` as replaced by `later`; false when another decision replaced it first. */
export async function markDecisionSuperseded(ctx: Context, id: string, later: string): Promise<boolean> {
  const result = await ctx.scoped
    .updateTable('assessment_decisions')
    .set({ superseded_by: later })
    .where('id', '=', id)
    .where('superseded_by', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** An assessment's decisions, superseded ones included, for `paginate` (in the order they were taken). */
export function decisionsQuery(ctx: Context, assessmentId: string) {
  return ctx.scoped.selectFrom('assessment_decisions').selectAll().where('assessment_decisions.assessment_id', '=', assessmentId);
}

/**
 * A decision changes what the assessment answers (its `decision` and effective figures), so the
 * assessment's version moves: its ETag, and an `update` of it in the change feed, where the
 * regional systems that follow assessments learn of the decision.
 */
export async function touchAssessment(ctx: Context, id: string): Promise<AssessmentRow> {
  return ctx.scoped
    .updateTable('assessments')
    .set((eb) => ({ updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
