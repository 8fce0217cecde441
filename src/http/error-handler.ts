import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  DatabaseUnavailable,
  HeadersTooLarge,
  InternalError,
  InvalidReference,
  InvalidRequest,
  InvalidValue,
  PayloadTooLarge,
  RateLimited,
  RequestTimeout,
  RouteNotFound,
  RuleViolated,
  UnexpectedDuplicate,
  UnsupportedMediaType,
  definitionOf,
  type Problem as CatalogueProblem,
  type ProblemDefinition,
  type ProblemExtensions,
} from './problems.js';
import { operationOutcome } from '../fhir/resources.js';
import { PATTERN_MEANINGS } from './common-schemas.js';
import { FHIR_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, isFhirPath, type FieldError, type Problem } from './problem.js';

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** Turns every error, from a schema, the framework, the database or the code, into problem+json. */
export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError & { problem?: ProblemExtensions }, request, reply) => {
      if (error.validation) {
        const where = error.validationContext ?? 'body';
        const errors = fieldErrors(where, error.validation);
        return sendProblem(request, reply, InvalidRequest.definition, summarise(errors), { errors });
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        return sendProblem(request, reply, DatabaseUnavailable.definition, new DatabaseUnavailable().message);
      }
      const defined = definitionOf(error);
      if (defined) return sendProblem(request, reply, defined, error.message, error.problem ?? {});
      const database = databaseProblem(error);
      if (database) {
        // Constraint violations a repository did not translate are still the client's; PostgreSQL's own text never reaches it.
        request.log.warn({ err: error }, 'database error answered as a client error');
        return sendProblem(request, reply, database.definition, new database().message);
      }
      const framework = frameworkProblem(error);
      if (framework) return sendProblem(request, reply, framework, error.message);
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(request, reply, InternalError.definition, new InternalError().message);
    });

    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
      const error = new RouteNotFound(`${request.method} ${request.url.split('?')[0]}`);
      return sendProblem(request, reply, RouteNotFound.definition, error.message);
    });
  },
  { name: 'error-handler', dependencies: ['@fastify/rate-limit'] },
);

/** The integrity violations PostgreSQL reports, as the catalogue names them. */
const INTEGRITY_VIOLATIONS: Record<string, CatalogueProblem> = {
  '23505': UnexpectedDuplicate,
  // an exclusion constraint: a double booking no service check named
  '23P01': UnexpectedDuplicate,
  '23503': InvalidReference,
  '23514': RuleViolated,
};

/**
 * What PostgreSQL refused, as the catalogue names it: an integrity violation, or any data exception
 * (SQLSTATE class 22: a value out of range, not text, too long) as an invalid value. Schemas stop
 * such values first; this is the last line, and never passes on PostgreSQL's own code or text.
 */
function databaseProblem(error: { code?: unknown }): CatalogueProblem | undefined {
  if (typeof error.code !== 'string' || !/^[0-9A-Z]{5}$/.test(error.code)) return undefined;
  return INTEGRITY_VIOLATIONS[error.code] ?? (error.code.startsWith('22') ? InvalidValue : undefined);
}

/** The errors Fastify and its plugins raise for a request they refuse, by status. */
const FRAMEWORK_STATUSES: Record<number, ProblemDefinition> = {
  400: InvalidRequest.definition,
  404: RouteNotFound.definition,
  413: PayloadTooLarge.definition,
  415: UnsupportedMediaType.definition,
  429: RateLimited.definition,
};

function frameworkProblem(error: FastifyError): ProblemDefinition | undefined {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return InvalidRequest.definition;
  return error.statusCode ? FRAMEWORK_STATUSES[error.statusCode] : undefined;
}

/**
 * The `frameworkErrors` server option: errors the router raises before any route or hook runs are
 * problems too. A path segment that is not valid percent-encoding, or longer than the router takes
 * (Fastify says 414), is a path parameter breaking its schema: a 400, as every other one.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(request, reply, frameworkProblem(error) ?? InvalidRequest.definition, error.message);
}

/** What node's HTTP parser refuses before Fastify sees a request, by the parser's error code. */
const CLIENT_ERRORS: Record<string, ProblemDefinition> = {
  HPE_HEADER_OVERFLOW: HeadersTooLarge.definition,
  ERR_HTTP_REQUEST_TIMEOUT: RequestTimeout.definition,
};

/**
 * The `clientErrorHandler` server option: a request node's parser refuses (a request line or
 * headers beyond the limit, a malformed header line, a request that never finished) gets a
 * problem+json answer too, written on the raw socket since there is no request to reply to; the
 * connection then closes, as nothing after the broken request can be read.
 */
export function sendClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const definition = CLIENT_ERRORS[error.code ?? ''] ?? InvalidRequest.definition;
  this.log.debug({ err: error }, 'request refused by the HTTP parser');
  if (socket.writable) {
    const body = JSON.stringify({
      type: definition.type,
      title: definition.title,
      status: definition.status,
      detail: definition === InvalidRequest.definition ? 'The request is not valid HTTP/1.1.' : definition.description,
    } satisfies Problem);
    socket.write(
      [
        `HTTP/1.1 ${definition.status} ${STATUS_CODES[definition.status] ?? ''}`,
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroy(error);
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  definition: ProblemDefinition,
  detail: string,
  extensions: ProblemExtensions = {},
): FastifyReply {
  const { status } = definition;
  if (isFhirPath(request.url)) {
    return reply.code(status).type(`${FHIR_CONTENT_TYPE}; charset=utf-8`).send(operationOutcome(status, detail));
  }
  const problem: Problem = {
    type: definition.type,
    title: definition.title,
    status,
    detail,
    instance: request.url.split('?')[0],
    requestId: request.id,
    ...extensions,
  };
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);

/** Errors meaning PostgreSQL cannot be reached right now, as opposed to a failed query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(error.message);
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
    return [...new Set((specific.length ? specific : group).map((issue) => fieldError(where, issue).message))].map((message) => ({
      in: where,
      pointer,
      message,
    }));
  });
}

function fieldError(where: string, issue: ValidationIssue): FieldError {
  const { params } = issue;
  const path = issue.instancePath ?? '';
  if (issue.keyword === 'required') {
    return { in: where, pointer: `${path}/${String(params.missingProperty)}`, message: 'is required' };
  }
  if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return { in: where, pointer: path || '/', message: `must be one of: ${params.allowedValues.join(', ')}` };
  }
  // A pattern that stands for a rule (a range of dates) reads as the rule, not as a regular expression.
  const meaning = issue.keyword === 'pattern' ? PATTERN_MEANINGS.get(String(params.pattern)) : undefined;
  if (meaning) return { in: where, pointer: path || '/', message: meaning };
  if (issue.keyword === 'additionalProperties') {
    return { in: where, pointer: `${path}/${String(params.additionalProperty)}`, message: 'is not a known field' };
  }
  return { in: where, pointer: path || '/', message: issue.message ?? 'is invalid' };
}

function summarise(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((error) => `${error.in} ${error.pointer}`))];
  return `Invalid request: ${fields.join(', ')}`;
}
