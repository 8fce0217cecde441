import type { Db } from '../db/database.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import { assessmentImporter } from './assessments.js';
import { clientImporter } from './clients.js';
import { atomicFailure, checkImportOrganization, runImport, type Importer } from './import.js';
import { ndjsonLines } from './ndjson.js';
import type { BulkResult } from './schemas.js';

export const IMPORT_KINDS = ['clients', 'assessments'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface ImportContext {
  /** A transaction: with atomic=true a failed line undoes all of it. */
  db: Db;
  catalog: InstrumentCatalog;
  reassessmentMonths: number;
}

export interface ImportRequest {
  kind: ImportKind;
  organizationId: string;
  atomic: boolean;
  source: AsyncIterable<Buffer | string>;
  onProgress?: (linesRead: number) => void;
}

/** One NDJSON import, over HTTP or from the shell. */
export async function importRecords(context: ImportContext, request: ImportRequest): Promise<BulkResult> {
  const { db } = context;
  const { organizationId, atomic } = request;
  await checkImportOrganization(db, organizationId);
  const importer: Importer<never> =
    request.kind === 'clients'
      ? await clientImporter(db, organizationId)
      : await assessmentImporter({ ...context, organizationId });
  const outcome = await runImport(ndjsonLines(request.source, MAX_IMPORT_BYTES), importer, request.onProgress);
  if (atomic && outcome.totals.failed) throw atomicFailure(outcome);
  return { organizationId, atomic, ...outcome };
}
