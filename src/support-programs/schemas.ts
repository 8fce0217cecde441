import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, Day, Month, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { Component, Direction, GoalStatus, ProgramStatus, SelfCareReduction, SuggestionExclusion, WarningCode } from '../enums.js';

/** The goals as they were sent before goals were reviewed: one text per component. Still accepted. */
const GoalTexts = Type.Object(
  {
    physical: Type.Optional(Text(2000)),
    psychological: Type.Optional(Text(2000)),
    social: Type.Optional(Text(2000)),
    spiritual: Type.Optional(Text(2000)),
  },
  {
    additionalProperties: false,
    title: 'GoalTexts',
    description:
      'The earlier shape, still accepted: one text per component of quality of life. Each text becomes a planned goal due at the ' +
      'end of the period; on a change, the goal of the same component keeps its id, status and reviews.',
    examples: [{ physical: 'Сохранить самостоятельное передвижение по отделению', social: 'Участвовать в праздниках отделения' }],
  },
);

const GoalInputSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'On a change: an existing goal of the program, which keeps its status and reviews. Left out: a new goal.',
      }),
    ),
    component: Component,
    text: Text(2000, { examples: ['Сохранить и развить двигательную активность, снизить риск падений'] }),
    targetDate: Type.Optional(Day('When the goal is due for review; not before the program starts. Default: the end of the period.')),
  },
  { additionalProperties: false, title: 'GoalInput' },
);

const GoalsInput = Type.Union([Type.Array(GoalInputSchema, { maxItems: 20 }), GoalTexts], {
  description:
    'The goals, per component of quality of life: a list of goals (each with its target date), or one text per component. ' +
    'A change replaces the list: a goal sent with its `id` keeps its status and reviews, a reviewed goal cannot be left out. ' +
    'Statuses change only through reviews.',
});

export const GoalReviewSchema = Type.Object(
  {
    id: Uuid,
    reviewedOn: CalendarDate,
    staffId: Uuid,
    note: Type.String(),
    status: GoalStatus,
    targetDate: Type.Union([CalendarDate, Type.Null()], { description: 'The new target date this review set, or null.' }),
    recordedAt: Timestamp,
  },
  { title: 'GoalReview' },
);

export const GoalSchema = Type.Object(
  {
    id: Uuid,
    component: Component,
    text: Type.String(),
    targetDate: CalendarDate,
    status: GoalStatus,
    reviews: Type.Array(GoalReviewSchema, { description: 'Oldest first; the last one set the status.' }),
  },
  { title: 'Goal' },
);

const PlannedActivity = Type.Object(
  {
    activityTypeId: Uuid,
    timesPerWeek: Type.Optional(Type.Integer({ minimum: 1, maximum: 21 })),
    timesPerMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    responsibleStaffId: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: 'Exactly one of timesPerWeek and timesPerMonth.' },
);

export const WarningSchema = Type.Object({
  code: WarningCode,
  activityTypeId: Type.Union([Uuid, Type.Null()]),
  message: Type.String(),
});

export const SupportProgramSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    periodFrom: CalendarDate,
    periodTo: CalendarDate,
    goals: Type.Array(GoalSchema),
    reviewDueOn: Type.Union([CalendarDate, Type.Null()], {
      description: 'An active program: the earliest target date of its open (planned, in progress) goals. Otherwise null.',
    }),
    activities: Type.Array(PlannedActivity),
    draftedBy: Type.Array(Uuid),
    status: ProgramStatus,
    client: Type.Object(
      {
        group: Type.Union([Type.Integer(), Type.Null()]),
        selfCareReduction: Type.Union([SelfCareReduction, Type.Null()]),
      },
      { description: 'The client’s current functional state, from the latest final assessment.' },
    ),
    warnings: Type.Array(WarningSchema, { description: 'Planned activities that do not suit the client’s current group.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'SupportProgram' },
);

export const CreateSupportProgramSchema = Type.Object(
  {
    periodFrom: CalendarDate,
    periodTo: CalendarDate,
    goals: GoalsInput,
    activities: Type.Array(PlannedActivity, { maxItems: 50 }),
    draftedBy: Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true }),
    status: Type.Optional(
      Type.Unsafe<Extract<ProgramStatus, 'draft' | 'active'>>({
        type: 'string',
        enum: ['draft', 'active'],
        description: 'draft (the default), or active at once; one active program per client at a time.',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateSupportProgram',
    examples: [
      {
        periodFrom: '2025-02-01',
        periodTo: '2025-07-31',
        goals: [
          { component: 'psychological', text: 'Снизить тревожность', targetDate: '2025-04-30' },
          { component: 'social', text: 'Расширить круг общения' },
        ],
        activities: [{ activityTypeId: '6a1d2f4e-3b0c-4c1e-9d7a-2f1b3c4d5e6f', timesPerWeek: 2 }],
        draftedBy: ['3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59'],
        status: 'active',
      },
    ],
  },
);

export const UpdateSupportProgramSchema = Type.Object(
  {
    periodFrom: Type.Optional(CalendarDate),
    periodTo: Type.Optional(CalendarDate),
    goals: Type.Optional(GoalsInput),
    activities: Type.Optional(Type.Array(PlannedActivity, { maxItems: 50 })),
    draftedBy: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true })),
    status: Type.Optional(ProgramStatus),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateSupportProgram', examples: [{ status: 'completed' }] },
);

export const ProgramParams = Type.Object({ clientId: Uuid, id: Uuid }, { additionalProperties: false });
export const OptionalIfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description:
        'Optional: the ETag of the program version the review was made against; when it is no longer current the answer is 412. ' +
        'Left out, the review is appended to whatever the current version is.',
      examples: ['"3"'],
    }),
  ),
});
export const GoalParams = Type.Object({ clientId: Uuid, id: Uuid, goalId: Uuid }, { additionalProperties: false });

export const CreateGoalReviewSchema = Type.Object(
  {
    reviewedOn: Day('The day of the review: today (Moscow time) or earlier, not before the program starts.'),
    staffId: Type.String({ format: 'uuid', description: 'The staff member who reviewed, of the client’s organization.' }),
    note: Text(2000, { examples: ['Ходит по отделению с ходунками, падений за месяц не было'] }),
    status: GoalStatus,
    targetDate: Type.Optional(
      Day('With a planned or in-progress status: the goal’s new target date, after the review day. The goal keeps its date otherwise.'),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateGoalReview',
    examples: [
      {
        reviewedOn: '2025-03-31',
        staffId: '3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59',
        note: 'Ходит по отделению с ходунками, падений за месяц не было',
        status: 'in_progress',
        targetDate: '2025-06-30',
      },
    ],
  },
);

export const ProgramSearchQuery = Type.Object(
  {
    reviewDueBefore: Type.Optional(
      Day(
        'Only active programs with an open goal (planned or in progress) whose target date is before this day: the goals due for review.',
      ),
    ),
    status: Type.Optional(ProgramStatus),
    organizationId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const ProgramListQuery = Type.Object({ status: Type.Optional(ProgramStatus), ...PageQuery }, { additionalProperties: false });

export const FulfilmentQuery = Type.Object({ month: Month }, { additionalProperties: false });

const Figures = {
  planned: Type.Integer(),
  attended: Type.Integer(),
  percent: Type.Union([Type.Number(), Type.Null()], {
    description: 'attended / planned × 100, one decimal; null when nothing was planned.',
  }),
};

export const FulfilmentSchema = Type.Object(
  {
    month: Type.String(),
    ...Figures,
    activities: Type.Array(Type.Object({ activityTypeId: Uuid, ...Figures })),
  },
  {
    title: 'Fulfilment',
    description:
      'Planned sessions: timesPerMonth, or timesPerWeek × (days of the month within the program’s period) / 7, rounded. ' +
      'Attended: sessions of that type in the month (organization time) the client attended.',
  },
);

export const SuggestionRequestSchema = Type.Object(
  {
    draftedBy: Type.Array(Uuid, {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description: 'Who drafts the program: staff of the client’s organization, copied into the suggested body.',
    }),
    periodFrom: Type.Optional(Day('The program’s first day. Default: today (Moscow time).')),
    periodTo: Type.Optional(
      Day('The program’s last day. Default: the day before the client’s next check when that is later, else six months on.'),
    ),
  },
  {
    additionalProperties: false,
    title: 'ProgramSuggestionRequest',
    examples: [{ draftedBy: ['3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59'] }],
  },
);

const Localized = Type.Object({ ru: Type.String(), en: Type.String() });

const ItemAnswerSchema = Type.Object(
  {
    itemCode: Type.String({ description: 'The form’s item, or `socialSupport` for the form’s «Наличие ресурсов».', examples: ['5'] }),
    item: Localized,
    answer: Type.String({ description: 'The option chosen, or the social-support level.', examples: ['5.3'] }),
    answerText: Localized,
  },
  { title: 'SuggestionItemAnswer' },
);

const SuggestionRuleSchema = Type.Object({
  code: Type.String({ examples: ['mobility'] }),
  rationale: Localized,
  items: Type.Array(ItemAnswerSchema, { description: 'The answers of the assessment that set the rule off.' }),
});

export const ProgramSuggestionSchema = Type.Object(
  {
    program: Type.Composite([Type.Omit(CreateSupportProgramSchema, ['goals']), Type.Object({ goals: Type.Array(GoalInputSchema) })], {
      description: 'A CreateSupportProgram body, as a draft: POST it to /v1/clients/{clientId}/support-programs, changed or not.',
    }),
    assessmentId: Uuid,
    instrumentId: Type.String({ examples: ['bfd-home-2019'] }),
    group: Type.Integer({ minimum: 1, maximum: 6, description: 'The client’s group in effect, which `maxGroup` is compared with.' }),
    mapping: Type.Object(
      { id: Type.String({ examples: ['milieu-bfd-2019-v1'] }), version: Type.Integer({ minimum: 1 }) },
      { description: 'The version of the mapping the suggestion was made from.' },
    ),
    activities: Type.Array(
      Type.Object({
        activityTypeId: Uuid,
        code: Type.String({ examples: ['exercise_therapy'] }),
        direction: Direction,
        rationale: Type.Array(SuggestionRuleSchema, { description: 'Why: each rule that led to it, with the items and answers.' }),
      }),
      { description: 'One entry per planned activity of `program`, in the same order.' },
    ),
    leftOut: Type.Array(
      Type.Object({
        code: Type.String({ examples: ['excursion'] }),
        activityTypeId: Type.Union([Uuid, Type.Null()]),
        reason: SuggestionExclusion,
        message: Type.String(),
        rules: Type.Array(Type.String(), { description: 'The rules that would have led to it.' }),
      }),
      { description: 'Activity types the rules name that the suggestion leaves out, and why.' },
    ),
  },
  { title: 'ProgramSuggestion' },
);

export type SupportProgram = Static<typeof SupportProgramSchema>;
export type Goal = Static<typeof GoalSchema>;
export type GoalReview = Static<typeof GoalReviewSchema>;
export type GoalInput = Static<typeof GoalInputSchema>;
export type GoalsInput = Static<typeof GoalsInput>;
export type CreateGoalReview = Static<typeof CreateGoalReviewSchema>;
export type ProgramSearch = Omit<Static<typeof ProgramSearchQuery>, 'limit' | 'cursor'>;
export type SuggestionRequest = Static<typeof SuggestionRequestSchema>;
export type ProgramSuggestion = Static<typeof ProgramSuggestionSchema>;
export type ItemAnswer = Static<typeof ItemAnswerSchema>;
export type CreateSupportProgram = Static<typeof CreateSupportProgramSchema>;
export type UpdateSupportProgram = Static<typeof UpdateSupportProgramSchema>;
export type Fulfilment = Static<typeof FulfilmentSchema>;
export type Warning = Static<typeof WarningSchema>;
