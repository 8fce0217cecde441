import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseUnavailable, NotFound, type ProblemExtensions } from './errors.js';
import { operationOutcome } from '../fhir/resources.js';
import { FHIR_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, isFhirPath, type FieldError, type Problem } from './problem.js';

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** Turns every error, from a schema, the framework, the database or the code, into problem+json. */
export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError & { problem?: ProblemExtensions }, request, reply) => {
      if (error.validation) {
        const where = error.validationContext ?? 'body';
        const errors = fieldErrors(where, error.validation);
        return sendProblem(request, reply, 400, summarise(errors), { errors });
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        return sendProblem(request, reply, 503, new DatabaseUnavailable().message, {}, 'database-unavailable');
      }
      const status = clientStatus(error);
      if (status) {
        return sendProblem(request, reply, status, error.message, error.problem ?? {}, slug(error.code));
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(request, reply, 500, 'An unexpected error occurred. Quote the request id when reporting it.');
    });

    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
      const error = new NotFound('Route', `${request.method} ${request.url.split('?')[0]}`);
      return sendProblem(request, reply, 404, error.message, {}, 'not-found');
    });
  },
  { name: 'error-handler', dependencies: ['@fastify/rate-limit'] },
);

/**
 * The `frameworkErrors` server option: errors the router raises before any route or hook runs are
 * problems too. A path segment that is not valid percent-encoding, or longer than the router takes
 * (Fastify says 414), is a path parameter breaking its schema: a 400, as every other one.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 400 : (error.statusCode ?? 400);
  sendProblem(request, reply, status, error.message, {}, slug(error.code));
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  extensions: ProblemExtensions = {},
  type?: string,
): FastifyReply {
  if (isFhirPath(request.url)) {
    return reply.code(status).type(`${FHIR_CONTENT_TYPE}; charset=utf-8`).send(operationOutcome(status, detail));
  }
  const problem: Problem = {
    type: type ? `/problems/${type}` : 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0],
    requestId: request.id,
    ...extensions,
  };
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** The status of an error a client caused, or undefined for a fault of ours. */
function clientStatus(error: FastifyError): number | undefined {
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return error.statusCode;
  // Last line of defence: constraint violations the repositories did not translate are still the client's.
  switch ((error as { code?: string }).code) {
    case '23505':
      return 409;
    case '23503':
    case '23514':
      return 422;
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22021':
    case '22001':
      return 400;
    default:
      return undefined;
  }
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);

/** Errors meaning PostgreSQL cannot be reached right now, as opposed to a failed query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    error.message,
  );
}

/**
 * One error per field. A union (a nullable field, an enumeration of literals) fails in every
 * branch; its branch errors collapse into one message a person can act on.
 */
export function fieldErrors(where: string, issues: ValidationIssue[]): FieldError[] {
  const byPointer = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    const { pointer } = fieldError(where, issue);
    byPointer.set(pointer, [...(byPointer.get(pointer) ?? []), issue]);
  }
  return [...byPointer.entries()].flatMap(([pointer, group]) => {
    const allowed = group.filter((issue) => issue.keyword === 'const').map((issue) => issue.params.allowedValue);
    if (allowed.length > 1) return [{ in: where, pointer, message: `must be one of: ${allowed.join(', ')}` }];
    const specific = group.filter((issue) => issue.keyword !== 'anyOf' && issue.message !== 'must be null');
    return [...new Set((specific.length ? specific : group).map((issue) => fieldError(where, issue).message))].map(
      (message) => ({ in: where, pointer, message }),
    );
  });
}

function fieldError(where: string, issue: ValidationIssue): FieldError {
  const params = issue.params as Record<string, unknown>;
  const path = issue.instancePath ?? '';
  if (issue.keyword === 'required') {
    return { in: where, pointer: `${path}/${String(params.missingProperty)}`, message: 'is required' };
  }
  if (issue.keyword === 'additionalProperties') {
    return { in: where, pointer: `${path}/${String(params.additionalProperty)}`, message: 'is not a known field' };
  }
  return { in: where, pointer: path || '/', message: issue.message ?? 'is invalid' };
}

function summarise(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((error) => `${error.in} ${error.pointer}`))];
  return `Invalid request: ${fields.join(', ')}`;
}

function slug(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return code.replace(/^(LTC|FST_ERR)_/, '').toLowerCase().replace(/_/g, '-');
}
