import { Type, type Static } from '@sinclair/typebox';

const Localized = Type.Object({ ru: Type.String(), en: Type.String() });

export const LIVING_SITUATIONS = ['lonely', 'lives_alone', 'lonely_family', 'family_lives_alone', 'lives_with_family'] as const;
export const LivingSituationSchema = Type.Union(
  LIVING_SITUATIONS.map((value) => Type.Literal(value)),
  {
    description:
      'Family status, the columns of the order’s second hours table: lonely (Одинокий), lives_alone (Одиноко проживающий), ' +
      'lonely_family (Одинокая семья), family_lives_alone (Одиноко проживающая семья), lives_with_family (Живет в семье).',
  },
);

export const SELF_CARE_REDUCTIONS = ['none', 'mild', 'moderate', 'severe', 'very_severe', 'total'] as const;
export const SelfCareReductionSchema = Type.Union(
  SELF_CARE_REDUCTIONS.map((value) => Type.Literal(value)),
  { description: 'Снижение способности к самообслуживанию: нет, легкое, умеренное, сильное, очень сильное, тотальное.' },
);

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
  Object.fromEntries(LIVING_SITUATIONS.map((value) => [value, Type.Integer()])) as Record<
    (typeof LIVING_SITUATIONS)[number],
    ReturnType<typeof Type.Integer>
  >,
);

export const GroupSchema = Type.Object({
  group: Type.Integer({ minimum: 1, maximum: 6 }),
  minPoints: Type.Number(),
  maxPoints: Type.Number(),
  selfCareReduction: SelfCareReductionSchema,
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
    careForm: Type.Union([Type.Literal('home'), Type.Literal('inpatient')]),
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

export type Instrument = Static<typeof InstrumentSchema>;
export type InstrumentGroup = Static<typeof GroupSchema>;
export type LivingSituation = (typeof LIVING_SITUATIONS)[number];
export type SelfCareReduction = (typeof SELF_CARE_REDUCTIONS)[number];
