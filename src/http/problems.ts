import { STATUS_CODES } from 'node:http';
import createError, { type FastifyErrorConstructor } from '@fastify/error';
import type { FieldError } from './problem.js';

/*
 * The error catalogue. Every condition the service answers with an error is defined once, with
 * its own problem `type` (`/problems/<slug>`), title, status and detail template, through
 * `defineProblem`: here for the conditions every area shares, in each area's `problems.ts` for its
 * own. A client branches on `type`; the contract lists every type (src/http/problem.ts) and each
 * operation's responses name the ones it answers.
 */

export interface ProblemDefinition {
  slug: string;
  type: string;
  title: string;
  status: number;
  /** What the condition means, for the contract and the README. */
  description: string;
}

export type Problem<Args extends unknown[] = []> = FastifyErrorConstructor<{ code: string; statusCode: number }, Args> & {
  readonly definition: ProblemDefinition;
};

const catalogue = new Map<string, ProblemDefinition>();
const byCode = new Map<string, ProblemDefinition>();

const codeOf = (slug: string) => `LTC_${slug.toUpperCase().replace(/-/g, '_')}`;

/**
 * Defines one condition. `detail` is a printf template (`%s`) filled by the constructor's
 * arguments: `new AssessmentFinal(id)`. A slug is defined once: a second definition is a bug.
 */
export function defineProblem<Args extends unknown[] = []>(
  slug: string,
  status: number,
  title: string,
  detail: string,
  description = detail.replace(/%s/g, '…'),
): Problem<Args> {
  if (catalogue.has(slug)) throw new Error(`Problem ${slug} is defined twice`);
  const definition: ProblemDefinition = { slug, type: `/problems/${slug}`, title, status, description };
  catalogue.set(slug, definition);
  byCode.set(codeOf(slug), definition);
  const constructor = createError<string, number, Args>(codeOf(slug), detail, status);
  return Object.assign(constructor, { definition });
}

/** Every condition defined so far; after the app is built, every one it can answer. */
export function problemCatalogue(): ProblemDefinition[] {
  return [...catalogue.values()].sort((a, b) => a.status - b.status || a.slug.localeCompare(b.slug));
}

/** The catalogue entry of an error raised from it, by its code. */
export function definitionOf(error: { code?: unknown }): ProblemDefinition | undefined {
  return typeof error.code === 'string' ? byCode.get(error.code) : undefined;
}

/** Extra members a problem carries beyond the RFC 9457 basics. */
export interface ProblemExtensions {
  errors?: FieldError[];
  [member: string]: unknown;
}

/** Attaches per-field errors or other problem members to a catalogue error. */
export function withProblem<E extends Error>(error: E, extensions: ProblemExtensions): E {
  return Object.assign(error, { problem: extensions });
}

/** A 400 naming one offending field; for rules a JSON schema cannot express (an opaque cursor). */
export function invalidParameter(where: FieldError['in'], pointer: string, message: string): Error {
  return withProblem(new InvalidRequest(message), { errors: [{ in: where, pointer, message }] });
}

/** A 422 catalogue error naming the offending fields of the body. */
export function withFields<E extends Error>(error: E, errors: Array<Omit<FieldError, 'in'>>): E {
  return withProblem(error, { errors: errors.map((field) => ({ in: 'body', ...field })) });
}

const title = (status: number) => STATUS_CODES[status] ?? 'Error';

// The conditions every area shares.

export const InvalidRequest = defineProblem<[string]>(
  'invalid-request',
  400,
  'Invalid request',
  '%s',
  'A body, parameter or header breaks its schema (malformed, missing or unknown) or is not one this service issued (a cursor); `errors` names each field.',
);
export const InvalidValue = defineProblem(
  'invalid-value',
  400,
  'Invalid value',
  'A value is outside what the register can store (a date, a number or a text out of range).',
);
export const ApiKeyMissing = defineProblem('api-key-missing', 401, 'API key missing', 'Send an API key as "Authorization: Bearer <key>".');
export const ApiKeyInvalid = defineProblem('api-key-invalid', 401, 'API key invalid', 'The API key is unknown or revoked.');
export const RoleForbidden = defineProblem<[string, string]>(
  'role-forbidden',
  403,
  'Role not allowed',
  'The role %s may not use %s.',
  "The key's role may not use this operation.",
);
export const OtherOrganization = defineProblem<[string, string]>(
  'other-organization',
  403,
  'Another organization',
  'A %s key acts only within its own organization (%s).',
  'The request names an organization other than the key’s own.',
);
export const NotFound = defineProblem<[string, string]>(
  'not-found',
  404,
  'Not found',
  '%s %s not found',
  'No such resource, or it belongs to another organization.',
);
export const RouteNotFound = defineProblem<[string]>(
  'route-not-found',
  404,
  'No such operation',
  'Route %s not found',
  'No operation has this method and path.',
);
export const UnexpectedDuplicate = defineProblem(
  'duplicate-record',
  409,
  'Duplicate record',
  'The record would duplicate one that exists.',
);
export const IdempotencyKeyRunning = defineProblem(
  'idempotency-key-running',
  409,
  'Request still running',
  'A request with this Idempotency-Key is still running; retry shortly.',
);
export const StaleVersion = defineProblem<[string]>(
  'stale-version',
  412,
  'Stale version',
  'If-Match %s does not match the current version: the resource changed since it was read. Read it again and retry.',
  'If-Match does not match the current ETag: the resource changed since it was read.',
);
export const RequestTimeout = defineProblem(
  'request-timeout',
  408,
  'Request timeout',
  'The request did not arrive in full in time; the connection is closed.',
);
export const HeadersTooLarge = defineProblem(
  'headers-too-large',
  431,
  'Request header fields too large',
  'The request line and headers together are larger than the server reads; shorten the URL or the headers.',
);
export const PayloadTooLarge = defineProblem<[string]>(
  'payload-too-large',
  413,
  'Payload too large',
  '%s',
  'The body is larger than the limit.',
);
export const UnsupportedMediaType = defineProblem<[string]>(
  'unsupported-media-type',
  415,
  'Unsupported media type',
  '%s',
  'The content type is not supported.',
);
export const IdempotencyKeyReused = defineProblem(
  'idempotency-key-reused',
  422,
  'Idempotency-Key reused',
  'This Idempotency-Key was used with another request; use a new key for a new request.',
);
export const InvalidReference = defineProblem(
  'invalid-reference',
  422,
  'Invalid reference',
  'The request refers to a record that does not exist.',
);
export const RuleViolated = defineProblem(
  'constraint-violated',
  422,
  'Rule of the register violated',
  'The request breaks a rule of the register.',
);
export const IfMatchRequired = defineProblem(
  'if-match-required',
  428,
  'If-Match required',
  'Send If-Match with the ETag of the version being changed (from GET or the last write).',
);
export const RateLimited = defineProblem<[number, string]>(
  'rate-limited',
  429,
  'Too many requests',
  'Too many requests: at most %s a minute per key. Retry in %s.',
  'Too many requests for this key; retry after the time in the Retry-After header.',
);
export const InternalError = defineProblem(
  'internal-error',
  500,
  title(500),
  'An unexpected error occurred. Quote the request id when reporting it.',
  'An unexpected error; the detail never carries internals.',
);
export const DatabaseUnavailable = defineProblem(
  'database-unavailable',
  503,
  'Database unavailable',
  'The database is unavailable; retry later.',
);
export const ShuttingDown = defineProblem(
  'shutting-down',
  503,
  'Shutting down',
  'This instance of the service is shutting down; retry, and another instance or the restarted one answers.',
);
