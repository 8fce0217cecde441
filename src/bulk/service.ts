import type { AssessmentSettings } from '../assessments/service.js';
import type { UnitOfWork } from '../context/request-context.js';
import { assessmentImporter } from './assessments.js';
import { careVisitImporter } from './care-visits.js';
import { clientImporter } from './clients.js';
import { atomicFailure, checkImportOrganization, runImport, type Importer } from './import.js';
import { ndjsonLines, untilStalled } from './ndjson.js';
import { UploadStalled } from './problems.js';
import type { ImportLog } from './results.js';

export const IMPORT_KINDS = ['clients', 'assessments', 'care-visits'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/**
 * How long an import waits for the next part of its body. The import holds its transaction, and so
 * a database connection, while the body arrives: a sender that stops sending gives it back after
 * this long instead of at the server's request timeout, or never.
 */
export const UPLOAD_IDLE_MS = 10_000;

export interface ImportRequest {
  kind: ImportKind;
  organizationId: string;
  atomic: boolean;
  source: AsyncIterable<Buffer | string>;
  onProgress?: (linesRead: number) => void;
}

/** What an import did: its results as ImportLog keeps them; BulkResultSchema is its answer. */
export interface ImportedFile {
  organizationId: string;
  atomic: boolean;
  log: ImportLog;
}

/**
 * One NDJSON import, over HTTP or from the shell, in one unit of work: a failed line undoes only
 * its own writes (savepoints), and with atomic=true one failed line undoes all of it.
 */
export async function importRecords(tx: UnitOfWork, settings: AssessmentSettings, request: ImportRequest): Promise<ImportedFile> {
  const { organizationId, atomic } = request;
  await checkImportOrganization(tx, organizationId);
  const importer: Importer<never> =
    request.kind === 'clients'
      ? await clientImporter(tx, organizationId)
      : request.kind === 'care-visits'
        ? await careVisitImporter(tx, organizationId)
        : await assessmentImporter(tx, settings, organizationId);
  const body = untilStalled(request.source, UPLOAD_IDLE_MS, () => new UploadStalled(UPLOAD_IDLE_MS / 1000));
  const log = await runImport(ndjsonLines(body, MAX_IMPORT_BYTES), importer, request.onProgress);
  if (atomic && log.totals.failed) throw atomicFailure(log);
  return { organizationId, atomic, log };
}
