import createError from '@fastify/error';
import type { FieldError } from './problem.js';

/*
 * The catalogue of errors the service raises on purpose. Each one becomes a problem+json answer
 * whose `type` is derived from its code (LTC_NOT_FOUND -> /problems/not-found).
 */
export const NotFound = createError('LTC_NOT_FOUND', '%s %s not found', 404);
export const Unauthorized = createError('LTC_UNAUTHORIZED', '%s', 401);
export const Forbidden = createError('LTC_FORBIDDEN', '%s', 403);
export const Conflict = createError('LTC_CONFLICT', '%s', 409);
export const PreconditionFailed = createError(
  'LTC_PRECONDITION_FAILED',
  'If-Match %s does not match the current version: the resource changed since it was read. Read it again and retry.',
  412,
);
export const PreconditionRequired = createError(
  'LTC_PRECONDITION_REQUIRED',
  'Send If-Match with the ETag of the version being changed (from GET or the last write).',
  428,
);
export const InvalidRequest = createError('LTC_INVALID_REQUEST', '%s', 400);
export const PayloadTooLarge = createError('LTC_PAYLOAD_TOO_LARGE', '%s', 413);
export const Unprocessable = createError('LTC_UNPROCESSABLE', '%s', 422);
export const TooManyRequests = createError(
  'LTC_RATE_LIMITED',
  'Too many requests: at most %s a minute per key. Retry in %s.',
  429,
);
export const DatabaseUnavailable = createError(
  'LTC_DATABASE_UNAVAILABLE',
  'The database is unavailable; retry later.',
  503,
);

/** Extra members a problem carries beyond the RFC 9457 basics. */
export interface ProblemExtensions {
  errors?: FieldError[];
  [member: string]: unknown;
}

/** Attaches per-field errors or other problem members to a catalogue error. */
export function withProblem<E extends Error>(error: E, extensions: ProblemExtensions): E {
  return Object.assign(error, { problem: extensions });
}

/** A 422 naming the offending fields of the body. */
export function invalidFields(detail: string, errors: Array<Omit<FieldError, 'in'>>): Error {
  return withProblem(new Unprocessable(detail), { errors: errors.map((error) => ({ in: 'body', ...error })) });
}

/** A 400 naming one offending field; for rules a JSON schema cannot express (an opaque cursor). */
export function invalidParameter(where: FieldError['in'], pointer: string, message: string): Error {
  return withProblem(new InvalidRequest(message), { errors: [{ in: where, pointer, message }] });
}
