/*
 * The import's floor: the rows the import scenario's files create, made by the service's own rules
 * (assessmentRules, newAssessmentRow) and inserted with one INSERT … SELECT from
 * jsonb_populate_recordset into assessments, with its indexes, foreign keys and triggers, inside a
 * transaction that is rolled back so that the data set stays as it was for the service's import.
 */
import pg from 'pg';
import { assessmentRules, newAssessmentRow, type AssessedClient } from '../src/assessments/service.js';
import type { Db } from '../src/db/database.js';
import type { Instrument } from '../src/instruments/schemas.js';

/** One line of an import file, with the client it names. */
export interface ImportLine {
  client: AssessedClient;
  instrument: Instrument;
  assessedOn: string;
  answers: Record<string, string>;
  conductedBy: string[];
  notes: string;
}

/** The service's default (config REASSESSMENT_MONTHS): the next check date only, not the cost. */
const REASSESSMENT_MONTHS = 6;

/** Each line's row as the import would write it: the client's next interview number on the form. */
async function rowsOf(db: Db, lines: ImportLine[]) {
  const latest = new Map(
    (
      await db
        .selectFrom('assessments')
        .select(['client_id', 'instrument_id', (eb) => eb.fn.max<number>('interview_no').as('max')])
        .groupBy(['client_id', 'instrument_id'])
        .execute()
    ).map((row) => [`${row.client_id} ${row.instrument_id}`, row.max]),
  );
  return lines.map(({ client, instrument, ...line }) => {
    const fields = { ...line, livingSituation: client.living_situation };
    const evaluation = assessmentRules(client, instrument, fields, new Set(fields.conductedBy));
    if (Array.isArray(evaluation)) throw new Error(`the rules refuse an import line: ${JSON.stringify(evaluation)}`);
    const interviewNo = (latest.get(`${client.id} ${instrument.id}`) ?? 0) + 1;
    const row = newAssessmentRow(client, { ...fields, instrumentId: instrument.id, interviewNo }, evaluation, REASSESSMENT_MONTHS);
    // The row carries answers as JSON text for a jsonb parameter; inside the recordset they are the object itself.
    return { ...row, answers: fields.answers };
  });
}

/** Seconds the one INSERT … SELECT of every line's row took, rolled back after. */
export async function importFloorSeconds(db: Db, url: string, lines: ImportLine[]): Promise<number> {
  const rows = await rowsOf(db, lines);
  const columns = Object.keys(rows[0] ?? {})
    .map((column) => pg.escapeIdentifier(column))
    .join(', ');
  const recordset = JSON.stringify(rows);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const started = performance.now();
    const inserted = await client.query(
      `INSERT INTO assessments (${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::assessments, $1::jsonb)`,
      [recordset],
    );
    const seconds = (performance.now() - started) / 1000;
    if (inserted.rowCount !== rows.length) throw new Error(`the floor inserted ${inserted.rowCount} of ${rows.length} rows`);
    return seconds;
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}
