import { Type, type Static } from '@sinclair/typebox';
import { PageQuery, Timestamp, Uuid } from '../http/common-schemas.js';
import { FieldErrorSchema } from '../http/problem.js';
import { BulkJobKind, BulkJobStatus } from '../enums.js';
import { TotalsSchema } from './schemas.js';

/** Why a job failed: a problem of the catalogue, as an error answer would carry it. */
const JobErrorSchema = Type.Object(
  {
    type: Type.String({ examples: ['/problems/import-job-abandoned'] }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { title: 'BulkJobError', description: 'Why the job stopped before its end (only when `status` is `failed`).' },
);

export const BulkJobSchema = Type.Object(
  {
    id: Uuid,
    kind: BulkJobKind,
    status: BulkJobStatus,
    organizationId: Uuid,
    totalLines: Type.Integer({ minimum: 0, description: 'Non-blank lines of the stored file.' }),
    processedLines: Type.Integer({ minimum: 0, description: 'Non-blank lines imported so far, in file order.' }),
    totals: {
      ...TotalsSchema,
      description: 'What the lines processed so far did: once succeeded, the totals a synchronous import of the file answers.',
    },
    createdAt: Timestamp,
    startedAt: Type.Union([Timestamp, Type.Null()]),
    finishedAt: Type.Union([Timestamp, Type.Null()]),
    error: Type.Optional(JobErrorSchema),
  },
  { title: 'BulkJob' },
);

export const BulkJobParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const BulkJobListQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(BulkJobStatus), organizationId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

/** A line of GET /v1/bulk/jobs/{id}/failures: the failed line and the problem a synchronous import gives it. */
export const BulkJobFailureSchema = Type.Object(
  {
    line: Type.Integer({ minimum: 1, description: 'The line number in the file, counting from 1 (blank lines count).' }),
    pointer: Type.String({ description: 'JSON pointer into the line to its first offending field; empty for the whole line.' }),
    problem: Type.Object({
      status: Type.Integer({ description: 'The status the same record would get from the single-record operation.', examples: [422] }),
      detail: Type.String(),
      errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'Pointers into the line’s JSON.' })),
    }),
  },
  { title: 'BulkJobFailure', description: 'NDJSON: one such object per failed line, in file order.' },
);

export type BulkJob = Static<typeof BulkJobSchema>;
export type BulkJobFailure = Static<typeof BulkJobFailureSchema>;
