import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { CareForm, LivingSituation, SelfCareReduction } from '../enums.js';

const Localized = Type.Object({ ru: Type.String(), en: Type.String() });

export const OptionSchema = Type.Object({
  code: Type.String({ examples: ['8.2'] }),
  text: Localized,
  points: Type.Number({ multipleOf: 0.25, examples: [0.5] }),
});

export const ItemSchema = Type.Object({
  code: Type.String({ examples: ['8'] }),
  text: Localized,
  options: Type.Array(OptionSchema),
});

const HoursByLivingSituation = Type.Object(
  Object.fromEntries(LivingSituation.values.map((value) => [value, Type.Integer()])) as Record<LivingSituation, TInteger>,
);

export const GroupSchema = Type.Object({
  group: Type.Integer({ minimum: 1, maximum: 6 }),
  minPoints: Type.Number(),
  maxPoints: Type.Number(),
  selfCareReduction: SelfCareReduction,
  selfCareReductionRu: Type.String(),
  description: Localized,
  hours: Type.Object({ optimal: Type.Integer(), minimal: Type.Integer() }, { description: 'Weekly care hours per client.' }),
  hoursByLivingSituation: Type.Union([HoursByLivingSituation, Type.Null()], {
    description: 'Weekly hours by family status (the home form only).',
  }),
});

export const InstrumentSchema = Type.Object(
  {
    id: Type.String({ examples: ['bfd-home-2019'] }),
    careForm: CareForm,
    title: Localized,
    source: Type.String(),
    maxScore: Type.Number({ description: 'The highest score the form can reach.' }),
    items: Type.Array(ItemSchema),
    groups: Type.Array(GroupSchema, { description: 'The order’s table of dependency groups and weekly hours.' }),
  },
  { title: 'Instrument' },
);

export const InstrumentSummarySchema = Type.Pick(InstrumentSchema, ['id', 'careForm', 'title', 'source', 'maxScore'], {
  title: 'InstrumentSummary',
});

export const InstrumentParams = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9-]{1,64}$', examples: ['bfd-home-2019'] }) },
  { additionalProperties: false },
);

export const BoundaryItemSchema = Type.Object(
  {
    item: Type.String({ examples: ['4'] }),
    option: Type.String({ description: 'The option chosen.', examples: ['4.2'] }),
    alternative: Type.String({
      description: 'The option just before or just after it in the item’s list of options on the form.',
      examples: ['4.3'],
    }),
    pointsChange: Type.Number({
      multipleOf: 0.25,
      description: 'The alternative’s points less the chosen option’s: how the score would change.',
      examples: [1],
    }),
    group: Type.Integer({
      minimum: 1,
      maximum: 6,
      description: 'The dependency group the score with the alternative falls in.',
      examples: [5],
    }),
  },
  { title: 'BoundaryItem', description: 'One answer that, read as the adjacent option, would put the result in another group.' },
);

export const ExplanationSchema = Type.Object(
  {
    groupRange: Type.Object(
      {
        minPoints: Type.Number({ multipleOf: 0.25, examples: [6.25] }),
        maxPoints: Type.Number({ multipleOf: 0.25, examples: [10.75] }),
      },
      { description: 'The score range of the group in the order’s table (group 6 runs to 25, beyond both forms).' },
    ),
    pointsToGroupUp: Type.Union([Type.Number({ multipleOf: 0.25 }), Type.Null()], {
      description:
        'The fewest points the score must gain to reach the next group up: that group’s minPoints less the score. Null in ' +
        'group 6, and where the form cannot score that much (the inpatient form reaches 9 points, group 5 starts at 11).',
      examples: [3.75],
    }),
    pointsToGroupDown: Type.Union([Type.Number({ multipleOf: 0.25 }), Type.Null()], {
      description:
        'The fewest points the score must lose to reach the next group down: the score less that group’s maxPoints. Null in group 1.',
      examples: [1.25],
    }),
    nearBoundary: Type.Boolean({
      description:
        'Changing one item’s answer to an adjacent option (the one before or after it on the form) would change the group; ' +
        '`boundaryItems` lists those changes.',
    }),
    boundaryItems: Type.Array(BoundaryItemSchema, { description: 'Every such change, in the form’s order of items; empty when none.' }),
  },
  {
    title: 'AssessmentExplanation',
    description: 'Why the score gives this group, and how close it is to the next one. Computed from the answers.',
  },
);

export type Instrument = Static<typeof InstrumentSchema>;
export type InstrumentGroup = Static<typeof GroupSchema>;
export type Explanation = Static<typeof ExplanationSchema>;
export type BoundaryItem = Static<typeof BoundaryItemSchema>;
