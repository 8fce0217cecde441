import { Type, type Static } from '@sinclair/typebox';
import { ObservationMethod } from '../enums.js';
import { CalendarDate, Month, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { INDICATOR_NAMES, type Indicator } from './indicators.js';

/** The template a questionnaire answers when it names none. */
export const DEFAULT_TEMPLATE = 'milieu-questionnaire-2025';

const Rating = Type.Integer({ minimum: 1, maximum: 5, description: '1 very poor … 5 excellent.' });
const IndicatorRating = Type.Integer({ minimum: 0, maximum: 4 });

const questionnaireFields = {
  templateId: Type.String({ maxLength: 64, default: DEFAULT_TEMPLATE, description: 'The versioned template answered.' }),
  filledOn: CalendarDate,
  helpedBy: Type.Union([Uuid, Type.Null()], { description: 'The staff member who helped fill it in, if any.' }),
  ratings: Type.Object(
    { physical: Rating, psychological: Rating, social: Rating, spiritual: Rating },
    { additionalProperties: false, description: 'Quality of life by component.' },
  ),
  satisfaction: Type.Object(
    { process: Rating, results: Rating },
    { additionalProperties: false, description: 'Satisfaction with the process and with the results.' },
  ),
  wishes: Type.Union([Type.String({ maxLength: 4000 }), Type.Null()]),
};

export const QuestionnaireSchema = Type.Object(
  { id: Uuid, clientId: Uuid, ...questionnaireFields, createdAt: Timestamp },
  { title: 'Questionnaire' },
);

export const CreateQuestionnaireSchema = Type.Object(
  {
    templateId: Type.Optional(questionnaireFields.templateId),
    filledOn: questionnaireFields.filledOn,
    helpedBy: Type.Optional(questionnaireFields.helpedBy),
    ratings: questionnaireFields.ratings,
    satisfaction: questionnaireFields.satisfaction,
    wishes: Type.Optional(questionnaireFields.wishes),
  },
  {
    additionalProperties: false,
    title: 'CreateQuestionnaire',
    examples: [
      {
        filledOn: '2025-02-20',
        ratings: { physical: 3, psychological: 4, social: 4, spiritual: 3 },
        satisfaction: { process: 5, results: 4 },
        wishes: 'Больше музыкальных вечеров',
      },
    ],
  },
);

const Indicators = Type.Object(
  Object.fromEntries(INDICATOR_NAMES.map((name) => [name, IndicatorRating])) as Record<Indicator, typeof IndicatorRating>,
  {
    additionalProperties: false,
    description:
      'Each 0-4. selfCareSkills, rangeOfInterests, communication, emotionalStability: higher is better. ' +
      'depressiveEpisodes, aggressiveness (aggressiveness and conflict): higher is worse.',
  },
);

export const ObservationSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    observedOn: CalendarDate,
    staffId: Uuid,
    method: ObservationMethod,
    indicators: Indicators,
    note: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
  },
  { title: 'Observation' },
);

export const CreateObservationSchema = Type.Object(
  {
    observedOn: CalendarDate,
    staffId: Uuid,
    method: ObservationMethod,
    indicators: Type.Object(Indicators.properties, { additionalProperties: false, required: INDICATOR_NAMES }),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
  },
  {
    additionalProperties: false,
    title: 'CreateObservation',
    examples: [
      {
        observedOn: '2025-02-25',
        staffId: '3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59',
        method: 'observation',
        indicators: {
          selfCareSkills: 2,
          rangeOfInterests: 3,
          communication: 3,
          emotionalStability: 2,
          depressiveEpisodes: 1,
          aggressiveness: 0,
        },
      },
    ],
  },
);

export const SpecialistReportSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    departmentId: Type.Union([Uuid, Type.Null()]),
    staffId: Uuid,
    month: Month,
    text: Type.String(),
    counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
      description: 'Figures the specialist vouches for, e.g. { "sessions": 12, "clients": 9 }.',
    }),
    createdAt: Timestamp,
  },
  { title: 'SpecialistReport' },
);

export const CreateSpecialistReportSchema = Type.Object(
  {
    organizationId: Uuid,
    departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    staffId: Uuid,
    month: Month,
    text: Text(20000),
    // Other names are unknown members (400): unchecked, a negative or non-numeric count got stored or a 500.
    counts: Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,63}$' }), Type.Integer({ minimum: 0, maximum: 1_000_000 }), {
      additionalProperties: false,
      maxProperties: 50,
    }),
  },
  {
    additionalProperties: false,
    title: 'CreateSpecialistReport',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        staffId: '3c2b1a0f-1e2d-4c3b-8a9f-0e1d2c3b4a59',
        month: '2025-02',
        text: 'Проведено 12 занятий арттерапии; у троих получателей улучшилось настроение.',
        counts: { sessions: 12, clients: 9 },
      },
    ],
  },
);

export const SpecialistReportQuery = Type.Object(
  { organizationId: Type.Optional(Uuid), month: Type.Optional(Month), staffId: Type.Optional(Uuid), ...PageQuery },
  { additionalProperties: false },
);

export const ClientInputQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export type CreateQuestionnaire = Static<typeof CreateQuestionnaireSchema>;
export type CreateObservation = Static<typeof CreateObservationSchema>;
export type CreateSpecialistReport = Static<typeof CreateSpecialistReportSchema>;
export type SpecialistReportFilter = Omit<Static<typeof SpecialistReportQuery>, 'limit' | 'cursor'>;
