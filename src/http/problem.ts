import { STATUS_CODES } from 'node:http';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { operationOutcome } from '../fhir/resources.js';
import { Timestamp, Uuid } from './common-schemas.js';
import {
  ApiKeyInvalid,
  ApiKeyMissing,
  DatabaseUnavailable,
  IfMatchRequired,
  InvalidRequest,
  NotFound,
  OtherOrganization,
  PayloadTooLarge,
  RateLimited,
  RoleForbidden,
  StaleVersion,
  UnsupportedMediaType,
  type ProblemDefinition,
} from './problems.js';

export const FieldErrorSchema = Type.Object({
  in: Type.Optional(Type.String({ description: 'Where the field is: body, querystring, params or headers.' })),
  pointer: Type.String({ description: 'JSON pointer (RFC 6901) to the field within that part.', examples: ['/organizationId'] }),
  message: Type.String(),
});

/**
 * RFC 9457 problem details; every error the service answers has this shape. The members beyond
 * the RFC's are every extension a condition adds (src/http/problems.ts `withProblem`): a problem
 * carries no other, so the contract says so rather than letting any member in.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI reference naming the kind of problem.', examples: ['/problems/not-found'] }),
    title: Type.String({ examples: ['Not found'] }),
    status: Type.Integer({ examples: [404] }),
    detail: Type.String({ examples: ['Organization 0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1 not found'] }),
    instance: Type.Optional(Type.String({ description: 'The path of the request.' })),
    requestId: Type.Optional(Type.String({ description: 'The X-Request-Id of the request, to quote when reporting it.' })),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'One entry per offending field.' })),
    existingId: Type.Optional({ ...Uuid, description: 'The record that already holds the unique value (a SNILS, an external id).' }),
    staffIds: Type.Optional(Type.Array(Uuid, { description: 'Staff members already busy at that time.' })),
    startsAt: Type.Optional({ ...Timestamp, description: 'The start of the session the staff members are busy at.' }),
    clientIds: Type.Optional(Type.Array(Uuid, { description: 'Clients already in another session at that time.' })),
    capacity: Type.Optional(Type.Integer({ minimum: 1, description: 'The places of the full session.' })),
    totals: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
        description: 'An all-or-nothing import that failed: its counts, as `totals` of a BulkResult.',
      }),
    ),
    failuresOmitted: Type.Optional(Type.Integer({ minimum: 0, description: 'Failed lines of that import counted but not listed.' })),
    failures: Type.Optional(
      Type.Array(Type.Record(Type.String(), Type.Unknown()), {
        description: 'The failed lines of that import, as `results` of a BulkResult.',
      }),
    ),
  },
  { $id: 'Problem', additionalProperties: false, title: 'Problem' },
);

export type Problem = Static<typeof ProblemSchema>;
export type FieldError = Static<typeof FieldErrorSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request breaks its schema: a body, parameter or header is malformed, missing or unknown.',
  401: 'No valid API key: the Authorization header is missing, unknown or revoked.',
  403: "The key's role may not use this operation.",
  404: 'No such resource, or it belongs to another organization.',
  409: 'The request conflicts with existing data.',
  412: 'If-Match does not match the current ETag: the resource changed since it was read.',
  413: 'The body is larger than the limit.',
  415: 'The content type is not supported.',
  422: 'The request is well formed but breaks a domain rule.',
  428: 'The update needs an If-Match header with the ETag of the version being changed.',
  429: 'Too many requests for this key; retry after the time in the Retry-After header.',
  500: 'An unexpected error; the detail never carries internals.',
  503: 'The database is unavailable; retry later.',
};

/** The conditions every operation of a status may answer, whatever else it names. */
const SHARED_TYPES: Record<number, ProblemDefinition[]> = {
  400: [InvalidRequest.definition],
  401: [ApiKeyMissing.definition, ApiKeyInvalid.definition],
  403: [RoleForbidden.definition, OtherOrganization.definition],
  404: [NotFound.definition],
  412: [StaleVersion.definition],
  413: [PayloadTooLarge.definition],
  415: [UnsupportedMediaType.definition],
  428: [IfMatchRequired.definition],
  429: [RateLimited.definition],
  503: [DatabaseUnavailable.definition],
};

/** The request id of the examples; a real answer carries the request's X-Request-Id. */
export const EXAMPLE_REQUEST_ID = '5d6a1f7e-2c3b-4e8f-9a0b-1c2d3e4f5a6b';

/**
 * An answer of the condition, for the contract: its catalogue entry with the meaning as the
 * detail. The operation's path (`instance`) and, for a 400, its fields are added where the
 * operation is known (src/http/swagger.ts).
 */
function problemExample(definition: ProblemDefinition): { summary: string; value: Problem } {
  const { type, title, status, description } = definition;
  return { summary: title, value: { type, title, status, detail: description, requestId: EXAMPLE_REQUEST_ID } };
}

type Documented = number | { definition: ProblemDefinition };

/** The problem types an operation answers, by status: the shared ones of each status named, and each condition named. */
export function problemTypes(...entries: Documented[]): Map<number, ProblemDefinition[]> {
  const byStatus = new Map<number, ProblemDefinition[]>();
  const add = (definition: ProblemDefinition) => {
    const list = byStatus.get(definition.status) ?? [];
    if (!list.some((known) => known.slug === definition.slug)) list.push(definition);
    byStatus.set(definition.status, list);
  };
  for (const entry of entries) {
    if (typeof entry === 'number') {
      byStatus.set(entry, byStatus.get(entry) ?? []);
      SHARED_TYPES[entry]?.forEach(add);
    } else add(entry.definition);
  }
  return byStatus;
}

/**
 * The `response` entries of an operation's errors, all with the shared Problem schema: a status
 * (its shared conditions) or a condition of the catalogue; each response names its problem types.
 */
export function problemResponses(...entries: Documented[]): Record<number, TSchema> {
  return Object.fromEntries(
    [...problemTypes(...entries)].map(([status, definitions]) => [
      status,
      Type.Unsafe({
        description: [
          DESCRIPTIONS[status] ?? STATUS_CODES[status],
          ...definitions.map((definition) => `- \`${definition.type}\`: ${definition.description}`),
        ].join('\n'),
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: Type.Ref(ProblemSchema),
            examples: Object.fromEntries(definitions.map((definition) => [definition.slug, problemExample(definition)])),
          },
        },
      }),
    ]),
  );
}

interface ProblemResponse {
  description?: string;
  content?: Record<string, { examples?: Record<string, unknown> }>;
}

/**
 * The responses of an operation with the problem types of `added` (from `problemResponses`) added:
 * a status it answers already gets their lines appended to its description and their examples to
 * its own. New objects, since routes may share their response entries.
 */
export function mergeProblemResponses<R extends ProblemResponse>(
  responses: Record<string, R>,
  added: Record<string, R>,
): Record<string, R> {
  const merged = { ...responses };
  for (const [status, extra] of Object.entries(added)) {
    const own = responses[status];
    if (!own) {
      merged[status] = extra;
      continue;
    }
    // The first line of a problem response describes its status; the lines after it name its types.
    const lines = (extra.description ?? '').split('\n').slice(1).join('\n');
    const media = own.content?.[PROBLEM_CONTENT_TYPE];
    const examples = { ...media?.examples, ...extra.content?.[PROBLEM_CONTENT_TYPE]?.examples };
    merged[status] = {
      ...own,
      description: `${own.description ?? ''}\n${lines}`,
      ...(media ? { content: { ...own.content, [PROBLEM_CONTENT_TYPE]: { ...media, examples } } } : {}),
    };
  }
  return merged;
}

export const FHIR_CONTENT_TYPE = 'application/fhir+json';

/** The `response` entries of FHIR routes: their errors are OperationOutcome resources. */
export function outcomeResponses(...statuses: number[]): Record<number, TSchema> {
  const schema = {
    type: 'object',
    description: 'A FHIR R4 OperationOutcome.',
    additionalProperties: true,
    properties: { resourceType: { const: 'OperationOutcome' } },
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      Type.Unsafe({
        description: DESCRIPTIONS[status] ?? STATUS_CODES[status],
        content: {
          [FHIR_CONTENT_TYPE]: { schema, example: operationOutcome(status, DESCRIPTIONS[status] ?? String(STATUS_CODES[status])) },
        },
      }),
    ]),
  );
}

/** FHIR routes answer OperationOutcome, everything else problem+json. */
export const isFhirPath = (url: string) => url.startsWith('/fhir/');
