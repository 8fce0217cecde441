import { Type, type Static } from '@sinclair/typebox';
import { AssessmentSchema } from '../assessments/schemas.js';
import { Snils } from '../clients/schemas.js';
import { AgreementScope, AgreementStatus, CareForm, ConsentKind, ConsentSigner, ConsentStatus, SelfCareReduction, Sex } from '../enums.js';
import { CalendarDate, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

export const AgreementSchema = Type.Object(
  {
    id: Uuid,
    medicalOrganizationId: Uuid,
    organizationIds: Type.Array(Uuid, { description: 'The social-service organizations it covers.' }),
    number: Type.String(),
    signedOn: CalendarDate,
    validFrom: CalendarDate,
    validTo: CalendarDate,
    scope: Type.Array(AgreementScope),
    status: AgreementStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Agreement' },
);

export const CreateAgreementSchema = Type.Object(
  {
    medicalOrganizationId: Uuid,
    organizationIds: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }),
    number: Text(100, { examples: ['№ 12-МВ/2025'] }),
    signedOn: CalendarDate,
    validFrom: CalendarDate,
    validTo: CalendarDate,
    scope: Type.Array(AgreementScope, { minItems: 1, uniqueItems: true }),
    status: Type.Optional(AgreementStatus),
  },
  {
    additionalProperties: false,
    title: 'CreateAgreement',
    examples: [
      {
        medicalOrganizationId: '5b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
        organizationIds: ['0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1'],
        number: '№ 12-МВ/2025',
        signedOn: '2025-01-20',
        validFrom: '2025-02-01',
        validTo: '2027-12-31',
        scope: ['assessments'],
      },
    ],
  },
);

export const UpdateAgreementSchema = Type.Object(
  {
    organizationIds: Type.Optional(CreateAgreementSchema.properties.organizationIds),
    validFrom: Type.Optional(CalendarDate),
    validTo: Type.Optional(CalendarDate),
    scope: Type.Optional(CreateAgreementSchema.properties.scope),
    status: Type.Optional(AgreementStatus),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateAgreement', examples: [{ status: 'suspended' }] },
);

export const AgreementListQuery = Type.Object(
  { medicalOrganizationId: Type.Optional(Uuid), status: Type.Optional(AgreementStatus), ...PageQuery },
  { additionalProperties: false },
);

export const ConsentSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    kind: ConsentKind,
    status: ConsentStatus,
    date: CalendarDate,
    document: Type.String({ description: 'The document the consent rests on.' }),
    signedBy: ConsentSigner,
    representativeId: Type.Union([Uuid, Type.Null()], { description: 'The representative who signed it; null when the client did.' }),
    createdAt: Timestamp,
  },
  { title: 'Consent' },
);

export const CreateConsentSchema = Type.Object(
  {
    kind: ConsentKind,
    status: ConsentStatus,
    date: CalendarDate,
    document: Text(500, { examples: ['Заявление о согласии на передачу сведений от 20.01.2025'] }),
    representativeId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description:
          'A representative of the client who signed for them (GET /v1/clients/{clientId}/representatives), empowered by a ' +
          'document valid on `date`; absent or null: the client signed. It grants or revokes exactly as the client’s own would.',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateConsent',
    examples: [{ kind: 'medical_data_sharing', status: 'granted', date: '2025-01-20', document: 'Заявление о согласии от 20.01.2025' }],
  },
);

export const PartnerClientSchema = Type.Object(
  {
    id: Uuid,
    lastName: Type.String(),
    firstName: Type.String(),
    middleName: Type.Union([Type.String(), Type.Null()]),
    birthDate: CalendarDate,
    sex: Sex,
    snils: Type.String({ description: 'Partly masked.', examples: ['***-***-445 95'] }),
    careForm: CareForm,
    organizationId: Uuid,
    group: Type.Union([Type.Integer(), Type.Null()]),
    selfCareReduction: Type.Union([SelfCareReduction, Type.Null()]),
    hours: Type.Union([
      Type.Object({ optimal: Type.Integer(), minimal: Type.Integer(), byLivingSituation: Type.Union([Type.Integer(), Type.Null()]) }),
      Type.Null(),
    ]),
    nextCheckOn: Type.Union([CalendarDate, Type.Null()]),
  },
  { title: 'PartnerClient', description: 'What a medical partner sees: no address, notes or free text.' },
);

// The commission's decision carries its reason (free text) and its members: the partner sees its figures, in `effective`.
export const PartnerAssessmentSchema = Type.Omit(AssessmentSchema, ['notes', 'reason', 'decision'], {
  title: 'PartnerAssessment',
  description:
    'A final assessment as a medical partner sees it: the form, answers, result and the figures in effect, without the staff’s free text.',
});

export const PartnerSearchQuery = Type.Object({ snils: Snils }, { additionalProperties: false });

export type CreateAgreement = Static<typeof CreateAgreementSchema>;
export type UpdateAgreement = Static<typeof UpdateAgreementSchema>;
export type CreateConsent = Static<typeof CreateConsentSchema>;
export type PartnerAssessment = Static<typeof PartnerAssessmentSchema>;
