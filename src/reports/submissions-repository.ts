import { sql, type Insertable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ReportSubmissionTable } from '../db/schema.js';
import type { LivingSituation, SubmissionFindingCode } from '../enums.js';
import type { LongTermCareReport } from './schemas.js';
import type { SubmissionFinding } from './submissions-schemas.js';

/*
 * The SQL of monthly submissions: the report_submissions table (shared: a submission covers the
 * region) and the per-client figures its validation reads.
 */

/** A submission with the correction that superseded it, if any. */
function submissions(ctx: Context) {
  return ctx.db
    .selectFrom('report_submissions')
    .leftJoin('report_submissions as successor', 'successor.supersedes', 'report_submissions.id')
    .select('successor.id as superseded_by');
}

const SUMMARY = [
  'report_submissions.id',
  'report_submissions.month',
  'report_submissions.as_of',
  'report_submissions.weekly_hours_per_fte',
  'report_submissions.hourly_rate',
  'report_submissions.supersedes',
  'report_submissions.reason',
  'report_submissions.finding_counts',
  'report_submissions.created_at',
] as const;

/** The snapshot's parts as objects; stored as jsonb. */
type NewSubmission = Omit<Insertable<ReportSubmissionTable>, 'report' | 'findings' | 'finding_counts'> & {
  report: LongTermCareReport;
  findings: SubmissionFinding[];
  finding_counts: Record<SubmissionFindingCode, number>;
};

export async function insertSubmission(tx: UnitOfWork, row: NewSubmission) {
  return tx.db
    .insertInto('report_submissions')
    .values({
      ...row,
      report: JSON.stringify(row.report),
      findings: JSON.stringify(row.findings),
      finding_counts: JSON.stringify(row.finding_counts),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSubmission(ctx: Context, id: string) {
  return submissions(ctx).selectAll('report_submissions').where('report_submissions.id', '=', id).executeTakeFirst();
}

export async function findSummary(ctx: Context, id: string) {
  return submissions(ctx).select(SUMMARY).where('report_submissions.id', '=', id).executeTakeFirst();
}

/** The month's submission in force: the one no correction superseded. */
export async function currentSubmission(ctx: Context, month: string) {
  return submissions(ctx)
    .select(SUMMARY)
    .where('report_submissions.month', '=', month)
    .where('successor.id', 'is', null)
    .executeTakeFirst();
}

/** The submissions a list filter selects, for `paginate`: summaries, without report and findings. */
export function summariesQuery(ctx: Context, filter: { month?: string; current?: boolean }) {
  let query = submissions(ctx).select(SUMMARY);
  if (filter.month !== undefined) query = query.where('report_submissions.month', '=', filter.month);
  if (filter.current !== undefined) query = query.where('successor.id', filter.current ? 'is' : 'is not', null);
  return query;
}

/** An active client and its assessment in effect on a day, with the figures the report counts. */
export interface ClientInEffect {
  client_id: string;
  organization_id: string;
  assessment_id: string | null;
  instrument_id: string | null;
  living_situation: LivingSituation | null;
  /** The group in effect: the commission decision's in force that day, or the computed one. */
  dependency_group: number | null;
  next_check_on: string | null;
  hours_optimal: number | null;
  hours_minimal: number | null;
  hours_by_living_situation: number | null;
}

/**
 * Every active client the report counts (of the social-service organizations in the caller's
 * scope) with its latest final assessment as of `asOf` and the decision in force that day, read
 * as src/reports/long-term-care-repository.ts reads them, so that the findings and the report's
 * counts agree. By organization and client.
 */
export async function clientsInEffect(ctx: Context, asOf: string): Promise<ClientInEffect[]> {
  const { rows } = await sql<ClientInEffect>`
    SELECT c.id AS client_id, c.organization_id, latest.id AS assessment_id, latest.instrument_id, latest.living_situation,
      coalesce(decided.decided_group, latest.dependency_group) AS dependency_group, latest.next_check_on,
      coalesce(decided.hours_optimal, latest.hours_optimal) AS hours_optimal,
      coalesce(decided.hours_minimal, latest.hours_minimal) AS hours_minimal,
      CASE WHEN decided.id IS NULL THEN latest.hours_by_living_situation ELSE decided.hours_by_living_situation END
        AS hours_by_living_situation
    FROM clients c
    JOIN organizations o ON o.id = c.organization_id AND o.kind = 'social_service'
    LEFT JOIN (
      SELECT DISTINCT ON (a.client_id) a.*
      FROM assessments a
      WHERE a.status = 'final' AND a.superseded_by IS NULL AND a.assessed_on <= ${asOf}
      ORDER BY a.client_id, a.assessed_on DESC, a.created_at DESC
    ) latest ON latest.client_id = c.id
    LEFT JOIN LATERAL (
      SELECT d.id, d.decided_group, d.hours_optimal, d.hours_minimal, d.hours_by_living_situation
      FROM assessment_decisions d
      WHERE d.assessment_id = latest.id AND d.decided_on <= ${asOf}
      ORDER BY d.decided_on DESC, d.created_at DESC
      LIMIT 1
    ) decided ON true
    WHERE c.status = 'active' AND c.archived_at IS NULL AND ${ctx.scoped.where('clients', 'c')}
    ORDER BY c.organization_id, c.id
  `.execute(ctx.db);
  return rows;
}
