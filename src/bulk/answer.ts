import type { ImportedFile } from './service.js';

/** Results per piece of the answer: small pieces, so the answer never sits in memory whole. */
const RESULTS_PER_PIECE = 500;

/**
 * The answer of an import (BulkResultSchema) as JSON text, piece by piece while it is sent: the
 * results of a 50 MB file run to megabytes of JSON, which one string (and its serializer's copies)
 * would hold at once. The totals come first, so a reader sees them before the list.
 */
export function* bulkResultJson({ organizationId, atomic, log }: ImportedFile): Generator<string> {
  const head = { organizationId, atomic, totals: log.totals, failuresOmitted: log.failuresOmitted };
  let piece = `${JSON.stringify(head).slice(0, -1)},"results":[`;
  let count = 0;
  for (const result of log.results()) {
    piece += (count ? ',' : '') + JSON.stringify(result);
    if (++count % RESULTS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]}`;
}
