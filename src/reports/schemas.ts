import { Type, type Static } from '@sinclair/typebox';
import { CareForm } from '../departments/schemas.js';
import { Uuid } from '../http/common-schemas.js';

export const LongTermCareQuery = Type.Object(
  {
    asOf: Type.Optional(Type.String({ format: 'date', description: 'Default: today (Moscow time).' })),
    organizationId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    careForm: Type.Optional(CareForm),
    // At least an hour: FTE divides by it, and 5e-324 hours would make them Infinity (null in JSON).
    weeklyHoursPerFte: Type.Optional(Type.Number({ minimum: 1, maximum: 168, description: 'Default: WEEKLY_HOURS_PER_FTE (40).' })),
    hourlyRate: Type.Optional(Type.Number({ minimum: 0, maximum: 100000, description: 'Cost of one care hour, for the monthly cost.' })),
    separator: Type.Optional(Type.Union([Type.Literal(','), Type.Literal(';')], { description: 'CSV separator; `;` for Russian-locale Excel.' })),
  },
  { additionalProperties: false },
);

const Groups = Type.Object(
  Object.fromEntries(['1', '2', '3', '4', '5', '6'].map((group) => [group, Type.Integer()])) as Record<string, ReturnType<typeof Type.Integer>>,
  { description: 'Active clients per dependency group of their latest final assessment as of the day.' },
);

const Figures = {
  activeClients: Type.Integer(),
  groups: Groups,
  neverAssessed: Type.Integer(),
  overdue: Type.Integer({ description: 'Latest next check date before asOf.' }),
  hours: Type.Object(
    {
      optimal: Type.Integer(),
      minimal: Type.Integer(),
      byLivingSituation: Type.Integer({ description: 'Family-status hours of home clients (inpatient clients add none).' }),
    },
    { description: 'Weekly care hours summed over the clients.' },
  ),
  fte: Type.Object(
    { optimal: Type.Number(), minimal: Type.Number() },
    { description: 'Care-assistant full-time equivalents: weekly hours / weeklyHoursPerFte, two decimals.' },
  ),
  monthlyCost: Type.Union([Type.Object({ optimal: Type.Number(), minimal: Type.Number() }), Type.Null()], {
    description: 'Weekly hours × 52 / 12 × hourlyRate, two decimals; null without hourlyRate.',
  }),
};

export const LongTermCareReportSchema = Type.Object(
  {
    asOf: Type.String({ format: 'date' }),
    weeklyHoursPerFte: Type.Number(),
    organizations: Type.Array(Type.Object({ organizationId: Uuid, name: Type.String(), ...Figures })),
    total: Type.Object(Figures),
  },
  { title: 'LongTermCareReport' },
);

export type LongTermCareReport = Static<typeof LongTermCareReportSchema>;
export type LongTermCareFigures = LongTermCareReport['total'];
