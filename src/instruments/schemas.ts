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

export type Instrument = Static<typeof InstrumentSchema>;
export type InstrumentGroup = Static<typeof GroupSchema>;
