import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { IfMatchRequired } from './problems.js';

/** Every versioned resource's ETag is its version counter. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', etagOf(version));
}

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description:
        'The ETag from the last read, a list of ETags (`"3", "4"`: any of them) or `*` (whatever the current version is); ' +
        'required. Compared strongly: a weak ETag (`W/"3"`) matches no version. When none matches the current version the answer is 412.',
      examples: ['"1"'],
    }),
  ),
});

/**
 * The versions an update may change, as sent in If-Match (RFC 9110 §13.1.1): one version, any of
 * a list of them, or `'*'` for any current version. Resolved against the row a service read by
 * `expectedVersion` (src/db/versioning.ts).
 */
export interface IfMatch {
  version: number | readonly number[] | '*';
  header: string;
}

/** One element of an If-Match list: an entity tag, weak or strong, and the separator after it. */
const LIST_ELEMENT = /^[\s,]*(W\/)?"([^"]*)"[ \t]*(?:,|$)/;
const OUR_TAG = /^\d{1,9}$/;

/**
 * Reads If-Match. Updates then say `WHERE version = expected`, so the check and the write are
 * one atomic statement and concurrent writers cannot both win.
 *
 * If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag (`W/"3"`) matches no version,
 * since it only claims an equivalent representation, not this one. Tags we did not issue and a
 * header that is not a list of entity tags match no version either (412).
 */
export function readIfMatch(request: FastifyRequest): IfMatch {
  const header = request.headers['if-match'];
  if (!header) throw new IfMatchRequired();
  if (header.trim() === '*') return { version: '*', header };
  const versions: number[] = [];
  let rest = header;
  while (rest.trim() !== '') {
    const element = LIST_ELEMENT.exec(rest);
    if (!element) return { version: [], header };
    const [, weak, tag = ''] = element;
    if (!weak && OUR_TAG.test(tag)) versions.push(Number(tag));
    rest = rest.slice(element[0].length);
  }
  const [only, ...others] = versions;
  return { version: only !== undefined && others.length === 0 ? only : versions, header };
}
