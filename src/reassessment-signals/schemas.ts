import { Type, type Static } from '@sinclair/typebox';
import { ReassessmentSignalKind, SignalOutcome, enumeration } from '../enums.js';
import { Day, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

export const BasisRecordType = enumeration(
  {
    observation: 'an observation of the outcome indicators (GET /v1/clients/{clientId}/observations)',
    questionnaire: 'a client questionnaire (GET /v1/clients/{clientId}/questionnaires)',
    participation: 'the client’s participation record of a held session; `id` is the session’s (GET /v1/activities/{id})',
    assessment: 'a final assessment (GET /v1/assessments/{id})',
  },
  'What kind of record a signal rests on.',
);

const BasisRecordSchema = Type.Object(
  {
    type: BasisRecordType,
    id: Uuid,
    date: Type.String({ format: 'date', description: 'The record’s day: observed, filled in, the session’s day, assessed.' }),
  },
  { title: 'SignalBasisRecord' },
);

export const SignalStatus = enumeration(
  { open: 'not yet resolved', resolved: 'a reassessment was scheduled or the signal dismissed' },
  'Whether the signal was resolved.',
);

const SignalResolutionSchema = Type.Object(
  {
    outcome: SignalOutcome,
    scheduledOn: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
      description: 'The reassessment scheduled; null when dismissed.',
    }),
    reason: Type.Union([Type.String(), Type.Null()]),
    resolvedBy: Uuid,
    resolvedOn: Type.String({ format: 'date', description: 'The organization’s day of the resolution.' }),
    resolvedAt: Timestamp,
  },
  { title: 'SignalResolution' },
);

export const ReassessmentSignalSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    kind: ReassessmentSignalKind,
    date: Type.String({ format: 'date', description: 'The day of the latest record the signal rests on.' }),
    measure: Type.String({
      description:
        'What moved: the outcome indicator (`selfCareSkills` … `aggressiveness`) for `outcomeIndicatorWorsened`, ' +
        '`attendanceRate` (attended / recorded participation of held sessions), `questionnaireAverage` (the mean of the ' +
        'questionnaire’s six answers, 1-5) or `dependencyGroup` (the group in effect, a commission’s decision included).',
      examples: ['selfCareSkills'],
    }),
    before: Type.Number({
      description: 'The earlier value: the previous observation, month, questionnaire, or the lowest group of the window.',
    }),
    after: Type.Number({ description: 'The later value.' }),
    threshold: Type.Number({
      description:
        'The setting the change met: steps the worse way (`outcomeIndicatorWorsened`), the share of the previous month’s rate ' +
        '(`attendanceDropped`: `after` ≤ `threshold` × `before`), points of drop (`questionnaireAverageDropped`), groups up within ' +
        'six months (`rapidDeterioration`).',
    }),
    records: Type.Optional(
      Type.Object(
        { before: Type.Integer({ minimum: 0 }), after: Type.Integer({ minimum: 0 }) },
        { description: '`attendanceDropped` only: the participation records of each month.' },
      ),
    ),
    basis: Type.Array(BasisRecordSchema, { description: 'The records the signal rests on, oldest first.' }),
    status: SignalStatus,
    resolution: Type.Union([SignalResolutionSchema, Type.Null()]),
  },
  {
    title: 'ReassessmentSignal',
    examples: [
      {
        id: '8d3f5a0e-7c1b-8e2a-9f4d-1a2b3c4d5e6f',
        clientId: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        kind: 'outcomeIndicatorWorsened',
        date: '2025-02-25',
        measure: 'selfCareSkills',
        before: 3,
        after: 1,
        threshold: 2,
        basis: [
          { type: 'observation', id: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e', date: '2025-01-28' },
          { type: 'observation', id: '6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f', date: '2025-02-25' },
        ],
        status: 'open',
        resolution: null,
      },
    ],
  },
);

// One enum, not a union of literals: Swagger UI offers every value of an enum in its select (test/docs).
const SignalListStatus = Type.Unsafe<'open' | 'resolved' | 'all'>({
  ...enumeration({ open: 'not yet resolved (the default)', resolved: 'resolved', all: 'both' }, 'Which signals to list.'),
  default: 'open',
});

export const SignalListQuery = Type.Object(
  {
    status: Type.Optional(SignalListStatus),
    kind: Type.Optional(ReassessmentSignalKind),
    organizationId: Type.Optional(Uuid),
    clientId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const SignalParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const ResolveSignalSchema = Type.Object(
  {
    staffId: Uuid,
    scheduledOn: Type.Optional(
      Day('Schedule a reassessment (today or later): the client’s next check becomes this day unless the check already due is earlier.'),
    ),
    dismissed: Type.Optional(Type.Literal(true, { description: 'No reassessment needed; `reason` says why.' })),
    reason: Type.Optional(Text(2000, { description: 'Required when dismissed; a note when scheduling.' })),
  },
  {
    additionalProperties: false,
    title: 'ResolveReassessmentSignal',
    description:
      'Either `scheduledOn`, or `dismissed: true` with a `reason` (`{ "staffId": …, "dismissed": true, "reason": "Временное ухудшение после простуды" }`); `staffId` is the specialist who decided.',
    examples: [
      {
        staffId: '3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59',
        scheduledOn: '2026-12-15',
        reason: 'Наблюдение психолога: снижение навыков самообслуживания',
      },
    ],
  },
);

export type ReassessmentSignal = Static<typeof ReassessmentSignalSchema>;
export type SignalListFilter = Omit<Static<typeof SignalListQuery>, 'limit' | 'cursor'>;
export type ResolveSignal = Static<typeof ResolveSignalSchema>;
export type BasisRecord = Static<typeof BasisRecordSchema>;

/** What a resolution keeps of the signal it resolved (the `signal` column). */
export interface SignalSnapshot {
  measure: string;
  before: number;
  after: number;
  threshold: number;
  records?: { before: number; after: number };
  basis: BasisRecord[];
}
