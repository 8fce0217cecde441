import { STATUS_CODES } from 'node:http';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
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

/** RFC 9457 problem details; every error the service answers has this shape. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI reference naming the kind of problem.', examples: ['/problems/not-found'] }),
    title: Type.String({ examples: ['Not Found'] }),
    status: Type.Integer({ examples: [404] }),
    detail: Type.String({ examples: ['Organization 0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1 not found'] }),
    instance: Type.Optional(Type.String({ description: 'The path of the request.' })),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'One entry per offending field.' })),
  },
  { $id: 'Problem', additionalProperties: true, title: 'Problem' },
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
        content: { [PROBLEM_CONTENT_TYPE]: { schema: Type.Ref(ProblemSchema) } },
      }),
    ]),
  );
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
      Type.Unsafe({ description: DESCRIPTIONS[status] ?? STATUS_CODES[status], content: { [FHIR_CONTENT_TYPE]: { schema } } }),
    ]),
  );
}

/** FHIR routes answer OperationOutcome, everything else problem+json. */
export const isFhirPath = (url: string) => url.startsWith('/fhir/');
