import { sql } from 'kysely';
import { today } from '../calendar/dates.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ReportSubmissionRow } from '../db/schema.js';
import { guardUnique } from '../db/errors.js';
import { SubmissionFindingCode, type CsvSeparator } from '../enums.js';
import type { FieldError } from '../http/problem.js';
import { NotFound, withFields } from '../http/problems.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import { careHours, type CareHours } from '../instruments/scoring.js';
import { toCsv } from './csv.js';
import { longTermCareReport } from './long-term-care.js';
import { SubmissionExists, SubmissionNotCurrent, SubmissionRuleViolated } from './submissions-problems.js';
import * as repository from './submissions-repository.js';
import type { ClientInEffect } from './submissions-repository.js';
import type { CreateSubmission, Submission, SubmissionFinding, SubmissionSummary } from './submissions-schemas.js';

type Pointer = Omit<FieldError, 'in'>;
type SummaryRow = Omit<ReportSubmissionRow, 'report' | 'findings'> & { superseded_by: string | null };

export function toSummary(row: SummaryRow): SubmissionSummary {
  return {
    id: row.id,
    month: row.month,
    asOf: row.as_of,
    weeklyHoursPerFte: row.weekly_hours_per_fte,
    hourlyRate: row.hourly_rate,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
    current: row.superseded_by === null,
    reason: row.reason,
    findingCounts: row.finding_counts,
    createdAt: row.created_at.toISOString(),
  };
}

export const toSubmission = (row: ReportSubmissionRow & { superseded_by: string | null }): Submission => ({
  ...toSummary(row),
  report: row.report,
  findings: row.findings,
});

/** The day a month's report is computed as of: its last day, or today while the month runs. */
export function submissionDay(month: string, now = today()): string {
  if (month === now.slice(0, 7)) return now;
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 0)).toISOString().slice(0, 10);
}

const hoursText = (hours: CareHours | Pick<ClientInEffect, 'hours_optimal' | 'hours_minimal' | 'hours_by_living_situation'>) =>
  'optimal' in hours
    ? `optimal ${hours.optimal}, minimal ${hours.minimal}, by living situation ${hours.byLivingSituation ?? 'none'}`
    : `optimal ${hours.hours_optimal}, minimal ${hours.hours_minimal}, by living situation ${hours.hours_by_living_situation ?? 'none'}`;

/** The hours finding of one assessed client: its stored hours against the tables for its group in effect. */
async function hoursFinding(instruments: InstrumentCatalog, client: ClientInEffect): Promise<string | undefined> {
  if (client.instrument_id === null || client.dependency_group === null || client.living_situation === null) return undefined;
  const instrument = await instruments.get(client.instrument_id);
  const group = instrument.groups.find((candidate) => candidate.group === client.dependency_group);
  if (!group) return `group ${client.dependency_group} is not a group of the form ${instrument.id}`;
  const expected = careHours(group, client.living_situation);
  const agrees =
    expected.optimal === client.hours_optimal &&
    expected.minimal === client.hours_minimal &&
    expected.byLivingSituation === client.hours_by_living_situation;
  if (agrees) return undefined;
  return (
    `stored weekly hours (${hoursText(client)}) differ from the tables of ${instrument.id} for group ${group.group} ` +
    `(${hoursText(expected)})`
  );
}

/**
 * The validation of a month's report: every active client the report counts that was never
 * assessed, overdue for its next check, or whose hours contradict its group. Ids, dates and
 * figures only: a finding goes to the region, which needs no names to look a client up.
 */
export async function validationFindings(ctx: Context, instruments: InstrumentCatalog, asOf: string): Promise<SubmissionFinding[]> {
  const findings: SubmissionFinding[] = [];
  for (const client of await repository.clientsInEffect(ctx, asOf)) {
    const of = { organizationId: client.organization_id, clientId: client.client_id, assessmentId: client.assessment_id };
    if (client.assessment_id === null) {
      findings.push({ code: 'never_assessed', ...of, message: `no final assessment by ${asOf}` });
      continue;
    }
    if (client.next_check_on !== null && client.next_check_on < asOf) {
      findings.push({ code: 'overdue', ...of, message: `the next check was due on ${client.next_check_on}, before ${asOf}` });
    }
    const hours = await hoursFinding(instruments, client);
    if (hours) findings.push({ code: 'hours_contradict_group', ...of, message: hours });
  }
  const order = SubmissionFindingCode.values;
  return findings.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
}

const countFindings = (findings: SubmissionFinding[]) =>
  Object.fromEntries(
    SubmissionFindingCode.values.map((code) => [code, findings.filter((finding) => finding.code === code).length]),
  ) as Submission['findingCounts'];

/** The rules of the request itself, and which current submission it corrects. */
async function checkCorrection(tx: UnitOfWork, input: CreateSubmission): Promise<Pointer[]> {
  const errors: Pointer[] = [];
  if (input.month > today().slice(0, 7)) errors.push({ pointer: '/month', message: 'is in the future' });
  if (input.supersedes !== undefined && input.reason === undefined) {
    errors.push({ pointer: '/reason', message: 'is required with supersedes' });
  }
  if (input.supersedes === undefined && input.reason !== undefined) {
    errors.push({ pointer: '/reason', message: 'is for a correction: give it with supersedes' });
  }
  const current = await repository.currentSubmission(tx, input.month);
  if (input.supersedes === undefined) {
    if (current && !errors.length) throw new SubmissionExists(input.month, current.id);
    return errors;
  }
  if (current?.id === input.supersedes) return errors;
  const named = await repository.findSummary(tx, input.supersedes);
  if (named && named.month === input.month && current) throw new SubmissionNotCurrent(named.id, current.id);
  errors.push({ pointer: '/supersedes', message: named ? `is a submission of ${named.month}, not of ${input.month}` : 'is no submission' });
  return errors;
}

/**
 * Computes the month's regional report and its findings and keeps them as a submission that
 * never changes. Everything is read in one snapshot (repeatable read: the statement below is the
 * transaction's first), so the findings count what the report counts. The constraints of the
 * table decide a race between two submissions of a month; the loser, whose snapshot cannot see
 * the winner, is answered without the winner's id.
 */
export async function submitMonth(
  tx: UnitOfWork,
  instruments: InstrumentCatalog,
  input: CreateSubmission & { weeklyHoursPerFte: number },
): Promise<ReportSubmissionRow & { superseded_by: null }> {
  await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`.execute(tx.db);
  const errors = await checkCorrection(tx, input);
  if (errors.length) throw withFields(new SubmissionRuleViolated(), errors);
  const asOf = submissionDay(input.month);
  const report = await longTermCareReport(tx, { asOf, weeklyHoursPerFte: input.weeklyHoursPerFte, hourlyRate: input.hourlyRate });
  const findings = await validationFindings(tx, instruments, asOf);
  const row = await guardUnique(
    tx.db,
    () =>
      repository.insertSubmission(tx, {
        month: input.month,
        as_of: asOf,
        weekly_hours_per_fte: input.weeklyHoursPerFte,
        hourly_rate: input.hourlyRate ?? null,
        report,
        findings,
        finding_counts: countFindings(findings),
        supersedes: input.supersedes ?? null,
        reason: input.reason ?? null,
      }),
    async (constraint) => {
      if (constraint === 'report_submissions_first_of_month') return new SubmissionExists(input.month, 'of another request');
      if (constraint === 'report_submissions_superseded_once') return new SubmissionNotCurrent(input.supersedes ?? '', 'another');
      return undefined;
    },
  );
  return { ...row, superseded_by: null };
}

/** The findings, one row each, with the organization's name as submitted. */
export function findingsCsv(submission: Submission, separator: CsvSeparator): string {
  const names = new Map(submission.report.organizations.map((organization) => [organization.organizationId, organization.name]));
  const header = ['code', 'organization_id', 'organization', 'client_id', 'assessment_id', 'message'];
  const rows = submission.findings.map((finding) => [
    finding.code,
    finding.organizationId,
    names.get(finding.organizationId),
    finding.clientId,
    finding.assessmentId,
    finding.message,
  ]);
  return toCsv(header, rows, separator);
}

export async function getSubmission(ctx: Context, id: string) {
  const row = await repository.findSubmission(ctx, id);
  if (!row) throw new NotFound('Report submission', id);
  return row;
}
