import type { IfMatch } from '../http/etag.js';
import { PreconditionFailed } from '../http/errors.js';

/**
 * An update guarded by `WHERE version = expected` changed nothing: either the row is not there
 * (or not visible to the caller) or someone else changed it first.
 */
export function failedUpdate(current: { version: number } | undefined, ifMatch: IfMatch, notFound: () => Error): Error {
  return current ? new PreconditionFailed(ifMatch.header) : notFound();
}
