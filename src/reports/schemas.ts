import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { CareForm, CsvSeparator } from '../enums.js';
import { CalendarDate, Day, Uuid } from '../http/common-schemas.js';

/** The dependency groups of the order, 1 (least) to 6. */
export const GROUPS = ['1', '2', '3', '4', '5', '6'] as const;

export const LongTermCareQuery = Type.Object(
  {
    asOf: Type.Optional(Day('Default: today (Moscow time).')),
    organizationId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    careForm: Type.Optional(CareForm),
    // At least an hour: FTE divides by it, and 5e-324 hours would make them Infinity (null in JSON).
    weeklyHoursPerFte: Type.Optional(Type.Number({ minimum: 1, maximum: 168, description: 'Default: WEEKLY_HOURS_PER_FTE (40).' })),
    hourlyRate: Type.Optional(Type.Number({ minimum: 0, maximum: 100000, description: 'Cost of one care hour, for the monthly cost.' })),
    separator: Type.Optional(CsvSeparator),
  },
  { additionalProperties: false },
);

const Groups = Type.Object(
  Object.fromEntries(GROUPS.map((group) => [group, Type.Integer()])) as Record<(typeof GROUPS)[number], TInteger>,
  {
    description:
      'Active clients per dependency group of their latest final assessment as of the day: the group of the commission decision ' +
      'in force then, or the computed one.',
  },
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
  overrides: Type.Integer({
    description:
      'Active clients counted here whose assessment has a commission decision in force with a group other than the computed one ' +
      '(a decision confirming the computed group is no override). `groups` and `hours` already count the decided group.',
  }),
  trainedCarers: Type.Integer({
    description:
      'Carers trained by the school of care (attended sessions covering every topic of a course by asOf), still caring on asOf, ' +
      'of the active clients counted here who live in a family (livingSituation lonely_family, family_lives_alone or lives_with_family).',
  }),
  deliveredHours: Type.Number({
    description:
      'Hours of home care delivered to the active clients counted here in the calendar month of asOf up to and including ' +
      'asOf: the minutes of their counted visits (neither corrected nor voided) on those days (`visitedOn`) / 60, two decimals.',
  }),
  clientsBelowMinimal: Type.Integer({
    description:
      'Active home clients counted here with a final assessment by asOf whose delivered hours from the first of the month ' +
      'through asOf fall below the weekly minimal hours in force on asOf (the commission decision’s, or the computed ones) ' +
      'prorated to those days: minimal × days / 7. A client with no visit then counts.',
  }),
};

export const LongTermCareReportSchema = Type.Object(
  {
    asOf: CalendarDate,
    weeklyHoursPerFte: Type.Number(),
    organizations: Type.Array(Type.Object({ organizationId: Uuid, name: Type.String(), ...Figures })),
    total: Type.Object(Figures),
  },
  { title: 'LongTermCareReport' },
);

export type LongTermCareReport = Static<typeof LongTermCareReportSchema>;
export type Groups = Static<typeof Groups>;
export type LongTermCareFigures = LongTermCareReport['total'];
