import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { CareForm, ClientStatus } from '../enums.js';
import { LivingSituation, SelfCareReduction } from '../enums.js';
import { SNILS_PATTERN } from './snils.js';

export const SocialSupport = Type.Integer({
  minimum: 1,
  maximum: 4,
  description:
    'Наличие ресурсов (the form’s support): 1 sufficient support from family, friends or organizations; 2 limited support; ' +
    '3 no family support, only limited social ties; 4 isolated, no social or emotional support.',
  examples: [2],
});

export const Snils = Type.String({
  pattern: SNILS_PATTERN,
  description: 'СНИЛС as `112-233-445 95` or `11223344595`, with a valid check number; answered as the 11 digits.',
  examples: ['112-233-445 95'],
});

export const AssessmentSummarySchema = Type.Object(
  {
    id: Uuid,
    instrumentId: Type.String(),
    assessedOn: CalendarDate,
    score: Type.Number({ examples: [7.25] }),
    group: Type.Integer({
      minimum: 1,
      maximum: 6,
      description: 'The group in effect: the commission’s decided group when the assessment has a decision, the computed one otherwise.',
    }),
    computedGroup: Type.Integer({ minimum: 1, maximum: 6, description: 'The group the assessment’s score gives.' }),
    decisionId: Type.Union([Uuid, Type.Null()], {
      description: 'The commission decision behind `group`, `selfCareReduction` and the hours; null when they are computed.',
    }),
    selfCareReduction: SelfCareReduction,
    nextCheckOn: CalendarDate,
    reassessmentOverdue: Type.Boolean({ description: 'The next check date has passed (Moscow time).' }),
    nearBoundary: Type.Boolean({
      description: 'One answer moved to an adjacent option would change the group; the assessment’s `result.explanation` says which.',
    }),
  },
  { title: 'AssessmentSummary', description: 'The latest final assessment that no correction superseded.' },
);

const personFields = {
  lastName: Text(100, { examples: ['Иванова'] }),
  firstName: Text(100, { examples: ['Мария'] }),
  middleName: Type.Union([Text(100), Type.Null()], { examples: ['Петровна'] }),
  birthDate: CalendarDate,
  sex: Type.Union([Type.Literal('female'), Type.Literal('male')]),
};

const serviceFields = {
  departmentId: Type.Union([Uuid, Type.Null()]),
  careForm: CareForm,
  livingSituation: LivingSituation,
  socialSupport: SocialSupport,
  status: ClientStatus,
  externalId: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
    description: 'The client’s id in the regional information system; unique within the organization.',
    examples: ['IVS-000123'],
  }),
  address: Type.Union([Text(1000), Type.Null()]),
  notes: Type.Union([Type.String({ maxLength: 4000 }), Type.Null()]),
};

export const ClientSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    ...personFields,
    snils: Type.String({ pattern: '^[0-9]{11}$', examples: ['11223344595'] }),
    ...serviceFields,
    latestAssessment: Type.Union([AssessmentSummarySchema, Type.Null()]),
    archivedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Client' },
);

export const CreateClientSchema = Type.Object(
  {
    organizationId: Uuid,
    departmentId: Type.Optional(serviceFields.departmentId),
    lastName: personFields.lastName,
    firstName: personFields.firstName,
    middleName: Type.Optional(personFields.middleName),
    birthDate: personFields.birthDate,
    sex: personFields.sex,
    snils: Snils,
    careForm: serviceFields.careForm,
    livingSituation: serviceFields.livingSituation,
    socialSupport: serviceFields.socialSupport,
    status: Type.Optional(serviceFields.status),
    externalId: Type.Optional(serviceFields.externalId),
    address: Type.Optional(serviceFields.address),
    notes: Type.Optional(serviceFields.notes),
  },
  {
    additionalProperties: false,
    title: 'CreateClient',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        lastName: 'Иванова',
        firstName: 'Мария',
        middleName: 'Петровна',
        birthDate: '1941-05-09',
        sex: 'female',
        snils: '112-233-445 95',
        careForm: 'home',
        livingSituation: 'lives_alone',
        socialSupport: 2,
        externalId: 'IVS-000123',
      },
    ],
  },
);

export const UpdateClientSchema = Type.Object(
  {
    departmentId: Type.Optional(serviceFields.departmentId),
    lastName: Type.Optional(personFields.lastName),
    firstName: Type.Optional(personFields.firstName),
    middleName: Type.Optional(personFields.middleName),
    birthDate: Type.Optional(personFields.birthDate),
    sex: Type.Optional(personFields.sex),
    snils: Type.Optional(Snils),
    careForm: Type.Optional(serviceFields.careForm),
    livingSituation: Type.Optional(serviceFields.livingSituation),
    socialSupport: Type.Optional(serviceFields.socialSupport),
    status: Type.Optional(serviceFields.status),
    externalId: Type.Optional(serviceFields.externalId),
    address: Type.Optional(serviceFields.address),
    notes: Type.Optional(serviceFields.notes),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateClient', examples: [{ livingSituation: 'lonely', socialSupport: 3 }] },
);

export const ClientListQuery = Type.Object(
  {
    organizationId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    careForm: Type.Optional(CareForm),
    status: Type.Optional(ClientStatus),
    group: Type.Optional(Type.Integer({ minimum: 1, maximum: 6, description: 'Current dependency group.' })),
    reassessmentOverdue: Type.Optional(Type.Boolean({ description: 'true: the latest next check date has passed.' })),
    nearBoundary: Type.Optional(
      Type.Boolean({
        description:
          'true: the current assessment is near a group boundary (one answer moved to an adjacent option changes the group); ' +
          'false: it is not. Clients never assessed are in neither list.',
      }),
    ),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Prefix of "last first middle" name, any case.', examples: ['иванова м'] }),
    ),
    snils: Type.Optional(Snils),
    includeArchived: Type.Boolean({ default: false }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export type Client = Static<typeof ClientSchema>;
export type CreateClient = Static<typeof CreateClientSchema>;
export type UpdateClient = Static<typeof UpdateClientSchema>;
export type ClientListFilter = Omit<Static<typeof ClientListQuery>, 'limit' | 'cursor'>;
export type AssessmentSummary = Static<typeof AssessmentSummarySchema>;
