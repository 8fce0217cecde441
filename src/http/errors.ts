import createError from '@fastify/error';
import type { FieldError } from './problem.js';
import { InvalidRequest, RuleViolated, withFields, withProblem } from './problems.js';

/*
 * TRANSITION: the generic categories below give way to the catalogue (src/http/problems.ts and
 * each area's problems.ts), one entry per condition; this file goes once nothing imports them.
 */
export {
  DatabaseUnavailable,
  IfMatchRequired as PreconditionRequired,
  NotFound,
  PayloadTooLarge,
  RateLimited as TooManyRequests,
  StaleVersion as PreconditionFailed,
  InvalidRequest,
  withProblem,
  type ProblemExtensions,
} from './problems.js';

export const Unauthorized = createError('LTC_UNAUTHORIZED', '%s', 401);
export const Forbidden = createError('LTC_FORBIDDEN', '%s', 403);
export const Conflict = createError('LTC_CONFLICT', '%s', 409);
export const Unprocessable = createError('LTC_UNPROCESSABLE', '%s', 422);

/** A 422 naming the offending fields of the body. */
export function invalidFields(detail: string, errors: Array<Omit<FieldError, 'in'>>): Error {
  return withFields(Object.assign(new RuleViolated(), { message: detail }), errors);
}

/** A 400 naming one offending field; for rules a JSON schema cannot express (an opaque cursor). */
export function invalidParameter(where: FieldError['in'], pointer: string, message: string): Error {
  return withProblem(new InvalidRequest(message), { errors: [{ in: where, pointer, message }] });
}
