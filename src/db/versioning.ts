import type { IfMatch } from '../http/etag.js';
import { StaleVersion } from '../http/problems.js';

/**
 * The version an update is made against: the current one, read by the service, when If-Match
 * accepts it (`*` accepts any, a list any of its entries); a 412 otherwise. The write then says
 * `WHERE version = <that version>`: the rules were checked against that version, so a change
 * committed between the read and the write is still a 412, also for `*`, and the caller retries.
 */
export function expectedVersion(ifMatch: IfMatch, current: { version: number }): number {
  const { version } = ifMatch;
  const accepted = version === '*' || (typeof version === 'number' ? version === current.version : version.includes(current.version));
  if (!accepted) throw new StaleVersion(ifMatch.header);
  return current.version;
}

/**
 * An update guarded by `WHERE version = expected` changed nothing: either the row is not there
 * (or not visible to the caller) or someone else changed it first.
 */
export function failedUpdate(current: { version: number } | undefined, ifMatch: IfMatch, notFound: () => Error): Error {
  return current ? new StaleVersion(ifMatch.header) : notFound();
}
