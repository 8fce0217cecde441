import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { PreconditionFailed, PreconditionRequired } from './errors.js';

/** Every versioned resource's ETag is its version counter. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', etagOf(version));
}

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag from the last read; required, a stale one is answered 412.', examples: ['"1"'] }),
  ),
});

/** The version an update may change, as sent in If-Match. */
export interface IfMatch {
  version: number;
  header: string;
}

/**
 * Reads If-Match. Updates then say `WHERE version = expected`, so the check and the write are
 * one atomic statement and concurrent writers cannot both win.
 */
export function readIfMatch(request: FastifyRequest): IfMatch {
  const header = request.headers['if-match'];
  if (!header) throw new PreconditionRequired();
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match) throw new PreconditionFailed(header);
  return { version: Number(match[1]), header };
}
