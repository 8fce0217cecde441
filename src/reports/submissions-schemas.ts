import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { CsvSeparator, SubmissionDiffStatus, SubmissionFindingCode, SubmissionPart } from '../enums.js';
import { Day, Month, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { LongTermCareQuery, LongTermCareReportSchema } from './schemas.js';

export const CreateSubmissionSchema = Type.Object(
  {
    month: Month,
    weeklyHoursPerFte: LongTermCareQuery.properties.weeklyHoursPerFte,
    hourlyRate: LongTermCareQuery.properties.hourlyRate,
    supersedes: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'The month’s current submission, which this one corrects. Required once the month has a submission (409 ' +
          '`submission-exists` otherwise), so that two corrections cannot replace each other unseen.',
      }),
    ),
    reason: Type.Optional(Text(2000, { description: 'Why the month is submitted again; required with `supersedes`.' })),
  },
  {
    additionalProperties: false,
    title: 'CreateReportSubmission',
    examples: [{ month: '2025-03', hourlyRate: 250 }],
  },
);
export type CreateSubmission = Static<typeof CreateSubmissionSchema>;

export const SubmissionFindingSchema = Type.Object(
  {
    code: SubmissionFindingCode,
    organizationId: Uuid,
    clientId: Uuid,
    assessmentId: Type.Union([Uuid, Type.Null()], { description: 'The assessment in effect; null for a client never assessed.' }),
    message: Type.String({ description: 'What is wrong, with ids, dates and figures only: no personal data.' }),
  },
  { title: 'SubmissionFinding' },
);
export type SubmissionFinding = Static<typeof SubmissionFindingSchema>;

const FindingCounts = Type.Object(
  Object.fromEntries(SubmissionFindingCode.values.map((code) => [code, Type.Integer()])) as Record<SubmissionFindingCode, TInteger>,
  { description: 'Findings per code, every code named.' },
);

const submissionFields = {
  id: Uuid,
  month: Month,
  asOf: Day('The day the report was computed as of: the month’s last day, or the day of submission in the current month.'),
  weeklyHoursPerFte: Type.Number(),
  hourlyRate: Type.Union([Type.Number(), Type.Null()]),
  supersedes: Type.Union([Uuid, Type.Null()], { description: 'The submission of the same month this one corrects.' }),
  supersededBy: Type.Union([Uuid, Type.Null()], { description: 'The correction that replaced this submission, if any.' }),
  current: Type.Boolean({ description: 'The month’s submission in force: no correction superseded it.' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why a correction was submitted; null on a first submission.' }),
  findingCounts: FindingCounts,
  createdAt: Timestamp,
};

export const SubmissionSummarySchema = Type.Object(submissionFields, {
  title: 'ReportSubmissionSummary',
  description: 'A monthly submission without its report and findings (GET /v1/reports/long-term-care/submissions/{id} has them).',
});
export type SubmissionSummary = Static<typeof SubmissionSummarySchema>;

export const SubmissionSchema = Type.Object(
  {
    ...submissionFields,
    report: LongTermCareReportSchema,
    findings: Type.Array(SubmissionFindingSchema, { description: 'By code, organization and client.' }),
  },
  {
    title: 'ReportSubmission',
    description: 'A month’s regional long-term care report as it was submitted, with its validation findings; never changes.',
  },
);
export type Submission = Static<typeof SubmissionSchema>;

export const SubmissionListQuery = Type.Object(
  {
    month: Type.Optional(Month),
    current: Type.Optional(Type.Boolean({ description: 'true: only the submissions in force; false: only the superseded ones.' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const SubmissionFormatQuery = Type.Object(
  { part: Type.Optional(SubmissionPart), separator: Type.Optional(CsvSeparator) },
  { additionalProperties: false },
);

export const DiffQuery = Type.Object(
  {
    against: Type.String({ format: 'uuid', description: 'The earlier submission to compare with (any month).' }),
    separator: Type.Optional(CsvSeparator),
  },
  { additionalProperties: false },
);

export const FigureChangeSchema = Type.Object(
  {
    figure: Type.String({
      description:
        'The figure as a path in the report: `activeClients`, `groups.1` … `groups.6`, `neverAssessed`, `overdue`, `hours.optimal`, ' +
        '`hours.minimal`, `hours.byLivingSituation`, `fte.optimal`, `fte.minimal`, `overrides`, `trainedCarers`, and any figure ' +
        'the report added later (such as delivered hours). The monthly cost is left out: it follows from the hours and the rate.',
      examples: ['groups.3'],
    }),
    before: Type.Union([Type.Number(), Type.Null()], { description: 'Null when the organization or the figure was not in `against`.' }),
    after: Type.Union([Type.Number(), Type.Null()], { description: 'Null when the organization or the figure is no longer there.' }),
    delta: Type.Number({ description: 'after − before, an absent side counting 0.' }),
  },
  { title: 'FigureChange' },
);
export type FigureChange = Static<typeof FigureChangeSchema>;

export const SubmissionDiffSchema = Type.Object(
  {
    submission: SubmissionSummarySchema,
    against: SubmissionSummarySchema,
    organizations: Type.Array(
      Type.Object({
        organizationId: Uuid,
        name: Type.String(),
        status: SubmissionDiffStatus,
        changes: Type.Array(FigureChangeSchema, {
          description: 'Only the figures that changed (an added or removed organization: its non-zero figures).',
        }),
      }),
      { description: 'Only the organizations with a change, by name.' },
    ),
    total: Type.Array(FigureChangeSchema, { description: 'The region’s totals that changed.' }),
  },
  { title: 'ReportSubmissionDiff' },
);
export type SubmissionDiff = Static<typeof SubmissionDiffSchema>;
