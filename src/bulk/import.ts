import { NotSocialServiceOrganization } from '../organizations/problems.js';
import type { ValidateFunction } from 'ajv';
import type { Context } from '../context/request-context.js';
import { fieldErrors } from '../http/error-handler.js';
import type { FieldError } from '../http/problem.js';
import { firstUnusable } from '../http/json-body.js';
import { withProblem } from '../http/problems.js';
import { findOrganization } from '../organizations/repository.js';
import { MAX_LINE_BYTES, type NdjsonLine } from './ndjson.js';
import { ImportLinesFailed } from './problems.js';
import { ImportLog } from './results.js';
import type { LineResult } from './schemas.js';

/** A line that passed its schema, waiting in a batch. */
export interface ParsedLine<T> {
  line: number;
  record: T;
}

/** What one kind of import knows: the schema of a line, and how to write a batch of them. */
export interface Importer<T> {
  validate: ValidateFunction;
  /** Writes one batch (file order) and answers one result per line. */
  apply(batch: Array<ParsedLine<T>>): Promise<LineResult[]>;
}

/**
 * Lines are written a batch at a time: each batch costs a handful of multi-row statements however
 * many lines it holds, which is what makes a region's file load in seconds.
 */
export const BATCH_SIZE = 1000;

export function failedLine(line: number, status: number, detail: string, errors?: Array<Omit<FieldError, 'in'>>): LineResult {
  return {
    line,
    outcome: 'failed',
    problem: { status, detail, ...(errors ? { errors: errors.map((error) => ({ in: 'line', ...error })) } : {}) },
  };
}

/**
 * A line refused as the single-record operation would refuse the record: the status, detail and
 * fields of its problem. Anything but a client's problem is a fault, and fails the import.
 */
export function refusedLine(line: number, error: unknown): LineResult {
  const known = error as { statusCode?: number; message?: string; problem?: { errors?: FieldError[] } };
  if (!known.statusCode || known.statusCode >= 500) throw error;
  return failedLine(
    line,
    known.statusCode,
    known.message ?? 'rejected',
    known.problem?.errors?.map(({ pointer, message }) => ({ pointer, message })),
  );
}

/**
 * A line as the JSON body of the single-record operation would be read: the same guard, then its
 * schema. Once the answer lists no more failures (`detailed` false) a line breaking its schema is
 * only counted: its field errors are the costliest part of a bad line, and no one would read them.
 */
function parse(importer: Importer<unknown>, ndjson: NdjsonLine, detailed: boolean): ParsedLine<unknown> | LineResult {
  const { line } = ndjson;
  if ('notUtf8' in ndjson) return failedLine(line, 400, 'The line is not valid UTF-8.', [{ pointer: '', message: 'is not valid UTF-8' }]);
  if ('tooLong' in ndjson) {
    return failedLine(line, 400, `The line is longer than ${MAX_LINE_BYTES} bytes.`, [
      { pointer: '', message: `is longer than ${MAX_LINE_BYTES} bytes` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(ndjson.text);
  } catch (error) {
    return failedLine(line, 400, `The line is not JSON: ${(error as Error).message}.`, [{ pointer: '', message: 'is not valid JSON' }]);
  }
  const unusable = firstUnusable(value);
  if (unusable) return failedLine(line, 400, `The line holds what is not text at ${unusable.pointer}.`, [unusable]);
  if (!importer.validate(value)) {
    if (!detailed) return { line, outcome: 'failed' };
    const errors = fieldErrors('line', importer.validate.errors ?? []);
    return failedLine(line, 400, `The line breaks its schema: ${errors.map((error) => error.pointer).join(', ')}.`, errors);
  }
  return { line, record: value };
}

/** Reads, checks and writes every line; one bad line is reported and does not stop the others. */
export async function runImport<T>(
  lines: AsyncIterable<NdjsonLine>,
  importer: Importer<T>,
  onProgress?: (linesRead: number) => void,
): Promise<ImportLog> {
  const log = new ImportLog();
  let batch: Array<ParsedLine<T>> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    log.add(await importer.apply(batch));
    batch = [];
  };
  let read = 0;
  for await (const line of lines) {
    read += 1;
    const parsed = parse(importer, line, log.listsFailureOf(line.line));
    if ('outcome' in parsed) log.add([parsed]);
    else batch.push(parsed as ParsedLine<T>);
    if (batch.length >= BATCH_SIZE) {
      await flush();
      onProgress?.(read);
    }
  }
  await flush();
  onProgress?.(read);
  return log;
}

/** The answer of an all-or-nothing import that met a bad line: nothing was written. */
export function atomicFailure(log: ImportLog): Error {
  const { totals } = log;
  return withProblem(new ImportLinesFailed(totals.failed, totals.lines), {
    totals,
    failuresOmitted: log.failuresOmitted,
    failures: log.listedFailures(),
  });
}

/** Imports land in a social-service organization of the register. */
export async function checkImportOrganization(ctx: Context, organizationId: string): Promise<void> {
  const organization = await findOrganization(ctx, organizationId);
  if (organization?.kind !== 'social_service') {
    throw withProblem(new NotSocialServiceOrganization('Clients'), {
      errors: [{ in: 'querystring', pointer: '/organizationId', message: 'is not a social-service organization of this register' }],
    });
  }
}
