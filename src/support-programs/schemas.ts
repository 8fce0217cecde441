import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, Month, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { ProgramStatus, SelfCareReduction, WarningCode } from '../enums.js';

const Goals = Type.Object(
  {
    physical: Type.Optional(Text(2000)),
    psychological: Type.Optional(Text(2000)),
    social: Type.Optional(Text(2000)),
    spiritual: Type.Optional(Text(2000)),
  },
  {
    additionalProperties: false,
    description: 'Goals per component of quality of life.',
    examples: [{ physical: 'Сохранить самостоятельное передвижение по отделению', social: 'Участвовать в праздниках отделения' }],
  },
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
    goals: Goals,
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
    goals: Goals,
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
        goals: { psychological: 'Снизить тревожность', social: 'Расширить круг общения' },
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
    goals: Type.Optional(Goals),
    activities: Type.Optional(Type.Array(PlannedActivity, { maxItems: 50 })),
    draftedBy: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true })),
    status: Type.Optional(ProgramStatus),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateSupportProgram', examples: [{ status: 'completed' }] },
);

export const ProgramParams = Type.Object({ clientId: Uuid, id: Uuid }, { additionalProperties: false });
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

export type SupportProgram = Static<typeof SupportProgramSchema>;
export type CreateSupportProgram = Static<typeof CreateSupportProgramSchema>;
export type UpdateSupportProgram = Static<typeof UpdateSupportProgramSchema>;
export type Fulfilment = Static<typeof FulfilmentSchema>;
export type Warning = Static<typeof WarningSchema>;
