import { randomUUID } from 'node:crypto';
import { AssessmentRuleViolated, InterviewNoTaken } from '../assessments/problems.js';
import { keyHolder } from '../assessments/repository.js';
import {
  assessmentRules,
  createAssessment,
  finalize,
  formFor,
  newAssessmentRow,
  notAssessable,
  updateDraft,
  type AssessedClient,
  type AssessmentSettings,
  type Evaluation,
} from '../assessments/service.js';
import { refreshCurrentAssessment } from '../clients/repository.js';
import type { UnitOfWork } from '../context/request-context.js';
import { inSavepoint } from '../db/errors.js';
import type { AssessmentRow, NewAssessmentRow } from '../db/schema.js';
import { withFields } from '../http/problems.js';
import { compileDocumentValidator } from '../http/validation.js';
import { failedLine, refusedLine, type Importer, type ParsedLine } from './import.js';
import * as repository from './repository.js';
import { BulkAssessmentLineSchema, type BulkAssessmentLine, type LineResult } from './schemas.js';

/** Why a correction was filed, on every assessment an import corrects. */
export const IMPORT_CORRECTION_REASON = 'Corrected by a bulk import: the sender’s record differs from the final assessment.';

const sameAnswers = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([item, option]) => b[item] === option);

/** Whether the line says what the stored assessment says; a field the line leaves out is not compared. */
function matches(row: AssessmentRow, record: BulkAssessmentLine): boolean {
  const optional: Array<[unknown, unknown]> = [
    [record.interviewNo, row.interview_no],
    [record.livingSituation, row.living_situation],
    [record.socialSupport, row.social_support],
    [record.nextCheckOn, row.next_check_on],
    [record.notes, row.notes],
  ];
  return (
    (record.status ?? 'final') === row.status &&
    sameAnswers(record.answers, row.answers) &&
    record.conductedBy.length === row.conducted_by.length &&
    record.conductedBy.every((id, index) => row.conducted_by[index] === id) &&
    optional.every(([given, stored]) => given === undefined || given === stored)
  );
}

type BulkClient = AssessedClient & { external_id: string };

interface Checked {
  line: number;
  record: BulkAssessmentLine;
  client: BulkClient;
  key: string;
  evaluation: Evaluation;
}

/**
 * Assessments of one organization's clients, matched by the client's externalId, the instrument
 * and the date. New ones are scored and written a batch at a time; a line that differs from a
 * draft edits it, and one that differs from a final assessment files a correction superseding it.
 */
export async function assessmentImporter(
  tx: UnitOfWork,
  settings: AssessmentSettings,
  organizationId: string,
): Promise<Importer<BulkAssessmentLine>> {
  const staff = await repository.staffIdsOf(tx, organizationId);
  const instruments = new Map((await settings.catalog.all()).map((instrument) => [instrument.id, instrument]));
  const seen = new Map<string, number>();

  function check({ line, record }: ParsedLine<BulkAssessmentLine>, clients: Map<string, BulkClient>): Checked | LineResult {
    const key = `${record.clientExternalId}\n${record.instrumentId}\n${record.assessedOn}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return failedLine(line, 422, `Line ${earlier} of this file already holds this assessment.`, [
        { pointer: '/assessedOn', message: `repeats line ${earlier} (same client, instrument and date)` },
      ]);
    }
    seen.set(key, line);
    const client = clients.get(record.clientExternalId);
    if (!client)
      return failedLine(line, 422, 'Unknown client.', [{ pointer: '/clientExternalId', message: 'is not a client of the organization' }]);
    const refusal = notAssessable(client);
    if (refusal) {
      return refusedLine(
        line,
        withFields(refusal, [{ pointer: '/clientExternalId', message: 'names a client who takes no new assessment' }]),
      );
    }
    const instrument = formFor(instruments.get(record.instrumentId), client);
    if (instrument instanceof Error) return refusedLine(line, instrument);
    const livingSituation = record.livingSituation ?? client.living_situation;
    const evaluation = assessmentRules(client, instrument, { ...record, livingSituation }, staff);
    if (Array.isArray(evaluation)) return refusedLine(line, withFields(new AssessmentRuleViolated(), evaluation));
    return { line, record, client, key, evaluation };
  }

  async function apply(batch: Array<ParsedLine<BulkAssessmentLine>>): Promise<LineResult[]> {
    const clients = await repository.heldClientsByExternalId(tx, organizationId, [
      ...new Set(batch.map(({ record }) => record.clientExternalId)),
    ]);
    const results: LineResult[] = [];
    const valid: Checked[] = [];
    for (const parsed of batch) {
      const checked = check(parsed, clients);
      if ('outcome' in checked) results.push(checked);
      else valid.push(checked);
    }

    const stored = new Map<string, AssessmentRow>();
    const keys = valid.map(({ record, client }) => ({
      clientId: client.id,
      instrumentId: record.instrumentId,
      assessedOn: record.assessedOn,
    }));
    const externalIds = new Map(valid.map(({ client }) => [client.id, client.external_id]));
    for (const row of await repository.assessmentsMatching(tx, keys)) {
      stored.set(`${externalIds.get(row.client_id)}\n${row.instrument_id}\n${row.assessed_on}`, row);
    }

    const numbers = await repository.latestInterviewNumbers(tx, [...new Set(valid.map(({ client }) => client.id))]);
    const inserts: Array<{ entry: Checked; row: NewAssessmentRow & { id: string } }> = [];
    const changes: Array<{ entry: Checked; row: AssessmentRow }> = [];
    for (const entry of valid) {
      const row = stored.get(entry.key);
      if (row && matches(row, entry.record)) results.push({ line: entry.line, outcome: 'unchanged', id: row.id });
      else if (row) changes.push({ entry, row });
      else {
        const { record, client, evaluation } = entry;
        const numberKey = `${client.id} ${record.instrumentId}`;
        const interviewNo = record.interviewNo ?? (numbers.get(numberKey) ?? 0) + 1;
        numbers.set(numberKey, Math.max(interviewNo, numbers.get(numberKey) ?? 0));
        const livingSituation = record.livingSituation ?? client.living_situation;
        const row = newAssessmentRow(client, { ...record, livingSituation, interviewNo }, evaluation, settings.reassessmentMonths);
        inserts.push({ entry, row: { ...row, id: randomUUID() } });
      }
    }
    const landed = await repository.insertAssessments(
      tx,
      inserts.map(({ row }) => row),
    );
    for (const { entry, row } of inserts) {
      results.push(landed.has(row.id) ? { line: entry.line, outcome: 'created', id: row.id } : await numberTaken(entry, row));
    }
    const finals = inserts.filter(({ row }) => landed.has(row.id) && row.status === 'final');
    await refreshCurrentAssessment(tx, [...new Set(finals.map(({ row }) => row.client_id))]);
    for (const change of changes) results.push(await revise(change.entry, change.row));
    return results;
  }

  /**
   * A new line whose interview number another current assessment holds. Only a number the line
   * itself gives can be: those the import gives were read under the clients' locks.
   */
  async function numberTaken({ line }: Checked, row: NewAssessmentRow): Promise<LineResult> {
    const holder = await keyHolder(tx, { clientId: row.client_id, instrumentId: row.instrument_id, interviewNo: row.interview_no });
    return refusedLine(
      line,
      withFields(new InterviewNoTaken(row.interview_no, holder?.id ?? 'of another import'), [
        { pointer: '/interviewNo', message: 'is held by another assessment of the client on this form' },
      ]),
    );
  }

  /** A changed record goes through the single-record rules, in a savepoint so a refusal fails only its line. */
  async function revise({ line, record, client }: Checked, row: AssessmentRow): Promise<LineResult> {
    const { clientExternalId: _client, ...assessment } = record;
    const { instrumentId: _instrument, status, ...edit } = assessment;
    const ifMatch = (version: number) => ({ version, header: `"${version}"` });
    try {
      const revised = await inSavepoint(tx.db, async () => {
        if (row.status === 'final') {
          return createAssessment(tx, settings, client.id, { ...assessment, supersedes: row.id, reason: IMPORT_CORRECTION_REASON });
        }
        const edited = await updateDraft(tx, settings, row.id, ifMatch(row.version), edit);
        return (status ?? 'final') === 'final' ? finalize(tx, row.id, ifMatch(edited.version)) : edited;
      });
      return { line, outcome: 'updated', id: revised.id };
    } catch (error) {
      return refusedLine(line, error);
    }
  }

  return { validate: compileDocumentValidator(BulkAssessmentLineSchema), apply };
}
