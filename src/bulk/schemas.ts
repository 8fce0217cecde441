import { Type, type Static } from '@sinclair/typebox';
import { CreateAssessmentSchema } from '../assessments/schemas.js';
import { CreateClientSchema } from '../clients/schemas.js';
import { Uuid } from '../http/common-schemas.js';
import { FieldErrorSchema } from '../http/problem.js';

const ExternalId = Type.String({ minLength: 1, maxLength: 100, examples: ['IVS-000123'] });

const { organizationId: _organization, externalId: _externalId, ...clientFields } = CreateClientSchema.properties;

export const BulkClientLineSchema = Type.Object(
  { externalId: ExternalId, ...clientFields },
  {
    additionalProperties: false,
    title: 'BulkClientLine',
    description:
      'One line of a client import: a client as in createClient, without organizationId (the query names it) and with ' +
      'externalId required. An optional field left out keeps its current value on an update and its default on a create.',
  },
);

const { supersedes: _supersedes, reason: _reason, ...assessmentFields } = CreateAssessmentSchema.properties;

export const BulkAssessmentLineSchema = Type.Object(
  {
    clientExternalId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The client’s externalId in the organization.',
      examples: ['IVS-000123'],
    }),
    ...assessmentFields,
  },
  {
    additionalProperties: false,
    title: 'BulkAssessmentLine',
    description:
      'One line of an assessment import: an assessment as in createAssessment, naming its client by externalId. ' +
      'It matches the existing assessment of that client with the same instrumentId and assessedOn.',
  },
);

export const BulkQuery = Type.Object(
  {
    organizationId: Uuid,
    atomic: Type.Boolean({ default: false, description: 'true: all lines or none; one failed line rolls the whole import back (422).' }),
  },
  { additionalProperties: false },
);

export const LineOutcome = Type.Union([
  Type.Literal('created'),
  Type.Literal('updated'),
  Type.Literal('unchanged'),
  Type.Literal('failed'),
]);

export const LineResultSchema = Type.Object(
  {
    line: Type.Integer({ minimum: 1, description: 'The line number in the file, counting from 1 (blank lines count).' }),
    outcome: LineOutcome,
    id: Type.Optional(Uuid),
    problem: Type.Optional(
      Type.Object({
        status: Type.Integer({ description: 'The status the same record would get from the single-record operation.', examples: [422] }),
        detail: Type.String(),
        errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'Pointers into the line’s JSON.' })),
      }),
    ),
  },
  { title: 'BulkLineResult' },
);

export const TotalsSchema = Type.Object({
  lines: Type.Integer({ description: 'Non-blank lines read.' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  failed: Type.Integer(),
});

/**
 * How many failed lines an answer details: the ones with the lowest line numbers. The others are
 * counted in `totals.failed` and `failuresOmitted`, so that a file of bad lines costs memory and an
 * answer of this size, not of its length.
 */
export const MAX_LISTED_FAILURES = 1000;

export const FailuresOmittedSchema = Type.Integer({
  minimum: 0,
  description: `Failed lines counted in \`totals.failed\` but not listed: only the first ${MAX_LISTED_FAILURES} failed lines are.`,
});

export const BulkResultSchema = Type.Object(
  {
    organizationId: Uuid,
    atomic: Type.Boolean(),
    totals: TotalsSchema,
    failuresOmitted: FailuresOmittedSchema,
    results: Type.Array(LineResultSchema, {
      description:
        `One entry per non-blank line, in file order, except failed lines beyond the first ${MAX_LISTED_FAILURES}: ` +
        'those are only counted (`failuresOmitted`).',
    }),
  },
  { title: 'BulkResult' },
);

export type BulkClientLine = Static<typeof BulkClientLineSchema>;
export type BulkAssessmentLine = Static<typeof BulkAssessmentLineSchema>;
export type LineResult = Static<typeof LineResultSchema>;
export type Totals = Static<typeof TotalsSchema>;
export type BulkResult = Static<typeof BulkResultSchema>;
