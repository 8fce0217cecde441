import { Type, type Static } from '@sinclair/typebox';
import { SocialSupport } from '../clients/schemas.js';
import { CalendarDate, Day, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { AssessmentStatus, CareForm, LivingSituation, SelfCareReduction } from '../enums.js';
import { DecisionSchema, EffectiveFiguresSchema } from './decisions-schemas.js';
import { ExplanationSchema } from '../instruments/schemas.js';

/** One option for every item of the home form, for the contract's examples. */
const EXAMPLE_ANSWERS = {
  '1': '1.4',
  '2': '2.3',
  '3': '3.2',
  '4': '4.2',
  '5': '5.3',
  '6': '6.3',
  '7': '7.2',
  '8': '8.3',
  '9': '9.2',
  '10': '10.2',
  '11': '11.1',
};

// A member whose name is not an item code is unknown (400), as elsewhere; without additionalProperties
// it would pass unchecked, whatever its value.
const Answers = Type.Record(Type.String({ pattern: '^[0-9]{1,3}$' }), Type.String({ pattern: '^[0-9]{1,3}\\.[0-9]{1,3}$' }), {
  additionalProperties: false,
  description: 'Item code -> the chosen option code, one for every item of the instrument.',
  examples: [EXAMPLE_ANSWERS],
});

const ConductedBy = Type.Array(Uuid, {
  minItems: 1,
  maxItems: 2,
  uniqueItems: true,
  description: 'The one or two staff members of the client’s organization who signed the form.',
});

export const ItemScoreSchema = Type.Object({
  item: Type.String({ examples: ['8'] }),
  option: Type.String({ examples: ['8.3'] }),
  points: Type.Number({ examples: [1] }),
});

export const ResultSchema = Type.Object(
  {
    score: Type.Number({ description: 'The sum of the chosen options’ points.', examples: [7.25] }),
    group: Type.Integer({ minimum: 1, maximum: 6, description: 'Dependency group (группа функционирования).' }),
    selfCareReduction: SelfCareReduction,
    hours: Type.Object(
      {
        optimal: Type.Integer({ examples: [16] }),
        minimal: Type.Integer({ examples: [12] }),
        byLivingSituation: Type.Union([Type.Integer(), Type.Null()], {
          description: 'Weekly hours for the family status recorded on the assessment; null on the inpatient form.',
          examples: [14],
        }),
      },
      { description: 'Weekly care hours per client (order No. 99, annex 2).' },
    ),
    breakdown: Type.Array(ItemScoreSchema),
    explanation: ExplanationSchema,
  },
  { title: 'AssessmentResult' },
);

export const AssessmentSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    instrumentId: Type.String({ examples: ['bfd-home-2019'] }),
    status: AssessmentStatus,
    assessedOn: CalendarDate,
    interviewNo: Type.Integer({ minimum: 1, description: 'The form’s "Инт. №" column.' }),
    answers: Answers,
    livingSituation: LivingSituation,
    socialSupport: SocialSupport,
    nextCheckOn: CalendarDate,
    conductedBy: ConductedBy,
    notes: Type.Union([Type.String(), Type.Null()]),
    supersedes: Type.Union([Uuid, Type.Null()]),
    supersededBy: Type.Union([Uuid, Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'Why this assessment corrects the one it supersedes.' }),
    result: ResultSchema,
    decision: Type.Union([DecisionSchema, Type.Null()], {
      description: 'The current commission decision on the group, beside the computed `result` (never replacing it); null when none.',
    }),
    effective: EffectiveFiguresSchema,
    secondOpinionSuggested: Type.Boolean({
      description:
        'The result is near a group boundary (`result.explanation.nearBoundary`) and one specialist conducted it: the form has ' +
        'two signature lines ("Диагностику провели"), and a second specialist’s reading of the `boundaryItems` settles the group.',
    }),
    finalizedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Assessment' },
);

export const CreateAssessmentSchema = Type.Object(
  {
    instrumentId: Type.String({ minLength: 1, maxLength: 64, examples: ['bfd-home-2019'] }),
    assessedOn: CalendarDate,
    answers: Answers,
    conductedBy: ConductedBy,
    interviewNo: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 999, description: 'Default: the next number for this client and form.' }),
    ),
    livingSituation: Type.Optional(LivingSituation),
    socialSupport: Type.Optional(SocialSupport),
    nextCheckOn: Type.Optional(Day('Дата следующей плановой проверки. Default: assessedOn + REASSESSMENT_MONTHS (6).')),
    notes: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
    status: Type.Optional(AssessmentStatus),
    supersedes: Type.Optional(Uuid),
    reason: Type.Optional(Text(1000, { description: 'Required with `supersedes`.' })),
  },
  {
    additionalProperties: false,
    title: 'CreateAssessment',
    examples: [
      {
        instrumentId: 'bfd-home-2019',
        assessedOn: '2026-11-20',
        answers: EXAMPLE_ANSWERS,
        conductedBy: ['0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1'],
      },
    ],
  },
);

export const UpdateAssessmentSchema = Type.Object(
  {
    assessedOn: Type.Optional(CalendarDate),
    answers: Type.Optional(Answers),
    conductedBy: Type.Optional(ConductedBy),
    interviewNo: Type.Optional(Type.Integer({ minimum: 1, maximum: 999 })),
    livingSituation: Type.Optional(LivingSituation),
    socialSupport: Type.Optional(SocialSupport),
    nextCheckOn: Type.Optional(CalendarDate),
    notes: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateAssessment', examples: [{ answers: { '8': '8.4' } }] },
);

export const ClientParams = Type.Object({ clientId: Uuid }, { additionalProperties: false });

export const ClientAssessmentsQuery = Type.Object(
  { status: Type.Optional(AssessmentStatus), ...PageQuery },
  { additionalProperties: false },
);

export const AssessmentListQuery = Type.Object(
  {
    organizationId: Type.Optional(Uuid),
    instrumentId: Type.Optional(Type.String({ maxLength: 64 })),
    group: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 6,
        description: 'The computed group (`result.group`); a client’s group in effect is filtered at GET /v1/clients?group=.',
      }),
    ),
    status: Type.Optional(AssessmentStatus),
    assessedFrom: Type.Optional(CalendarDate),
    assessedTo: Type.Optional(CalendarDate),
    includeSuperseded: Type.Boolean({ default: true, description: 'false leaves out assessments a correction replaced.' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const DynamicsEntrySchema = Type.Object({
  assessmentId: Uuid,
  assessedOn: CalendarDate,
  instrumentId: Type.String(),
  score: Type.Number(),
  group: Type.Integer({
    description: 'The group in effect: the current commission decision’s, or the computed one; changes compare these.',
  }),
  computedGroup: Type.Integer({ description: 'The group the score gives.' }),
  decisionId: Type.Union([Uuid, Type.Null()], { description: 'The current commission decision behind `group`; null when computed.' }),
  selfCareReduction: SelfCareReduction,
  scoreChange: Type.Union([Type.Number(), Type.Null()], { description: 'Points since the previous assessment; null on the first.' }),
  groupChange: Type.Union([Type.Integer(), Type.Null()]),
  worsenedItems: Type.Array(Type.Object({ item: Type.String(), from: Type.Number(), to: Type.Number() })),
  improvedItems: Type.Array(Type.Object({ item: Type.String(), from: Type.Number(), to: Type.Number() })),
  deteriorating: Type.Boolean({ description: 'The group in effect went up since the previous assessment.' }),
  rapidDeterioration: Type.Boolean({ description: 'The group in effect went up two groups or more within 6 months.' }),
  improving: Type.Boolean({ description: 'The group in effect went down since the previous assessment.' }),
});

export const DynamicsSchema = Type.Object(
  {
    clientId: Uuid,
    assessments: Type.Array(DynamicsEntrySchema),
    deteriorating: Type.Boolean({ description: 'The latest assessment’s flag.' }),
    rapidDeterioration: Type.Boolean(),
    improving: Type.Boolean(),
  },
  { title: 'Dynamics', description: 'Динамика функционального состояния: final assessments in time order.' },
);

export const ReassessmentSchema = Type.Object(
  {
    clientId: Uuid,
    organizationId: Uuid,
    departmentId: Type.Union([Uuid, Type.Null()]),
    lastName: Type.String(),
    firstName: Type.String(),
    middleName: Type.Union([Type.String(), Type.Null()]),
    careForm: CareForm,
    neverAssessed: Type.Boolean(),
    latestAssessmentId: Type.Union([Uuid, Type.Null()]),
    group: Type.Union([Type.Integer(), Type.Null()]),
    dueOn: Type.Union([CalendarDate, Type.Null()], { description: 'The latest next check date; null when never assessed.' }),
    daysOverdue: Type.Union([Type.Integer(), Type.Null()], { description: 'Days since dueOn as of today; negative when still ahead.' }),
  },
  { title: 'Reassessment' },
);

export const ReassessmentQuery = Type.Object(
  {
    dueBefore: Type.Optional(Day('Due on or before this day; default today.')),
    organizationId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export type Assessment = Static<typeof AssessmentSchema>;
export type CreateAssessment = Static<typeof CreateAssessmentSchema>;
export type UpdateAssessment = Static<typeof UpdateAssessmentSchema>;
export type AssessmentListFilter = Omit<Static<typeof AssessmentListQuery>, 'limit' | 'cursor'>;
export type DynamicsEntry = Static<typeof DynamicsEntrySchema>;
export type Reassessment = Static<typeof ReassessmentSchema>;
