import type { AssessmentSettings } from '../assessments/service.js';
import type { UnitOfWork } from '../context/request-context.js';
import { assessmentImporter } from './assessments.js';
import { clientImporter } from './clients.js';
import { atomicFailure, checkImportOrganization, runImport, type Importer } from './import.js';
import { ndjsonLines } from './ndjson.js';
import type { BulkResult } from './schemas.js';

export const IMPORT_KINDS = ['clients', 'assessments'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface ImportRequest {
  kind: ImportKind;
  organizationId: string;
  atomic: boolean;
  source: AsyncIterable<Buffer | string>;
  onProgress?: (linesRead: number) => void;
}

/**
 * One NDJSON import, over HTTP or from the shell, in one unit of work: a failed line undoes only
 * its own writes (savepoints), and with atomic=true one failed line undoes all of it.
 */
export async function importRecords(tx: UnitOfWork, settings: AssessmentSettings, request: ImportRequest): Promise<BulkResult> {
  const { organizationId, atomic } = request;
  await checkImportOrganization(tx, organizationId);
  const importer: Importer<never> =
    request.kind === 'clients' ? await clientImporter(tx, organizationId) : await assessmentImporter(tx, settings, organizationId);
  const outcome = await runImport(ndjsonLines(request.source, MAX_IMPORT_BYTES), importer, request.onProgress);
  if (atomic && outcome.totals.failed) throw atomicFailure(outcome);
  return { organizationId, atomic, ...outcome };
}
