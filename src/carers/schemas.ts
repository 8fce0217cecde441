import { Type, type Static } from '@sinclair/typebox';
import { CarerRelation, RepresentativeDocumentKind } from '../enums.js';
import { Day, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { CourseProgressSchema } from '../school-of-care/schemas.js';

/*
 * Contacts are checked by their form only: a phone of 10 to 15 digits, written with an optional
 * leading +, spaces, hyphens and brackets as people write them (+7 (920) 123-45-67,
 * 8 920 123 45 67), kept as written; an e-mail address by RFC 5321's form.
 */
const PHONE_PATTERN = '^\\+?\\(?(?:[0-9][ ()-]{0,2}){9,14}[0-9]$';

const contactFields = {
  phone: Type.Union(
    [
      Type.String({ pattern: PHONE_PATTERN, maxLength: 40, description: '10 to 15 digits; +, spaces, hyphens and brackets allowed.' }),
      Type.Null(),
    ],
    {
      examples: ['+7 (920) 123-45-67'],
    },
  ),
  email: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()], { examples: ['petrova@example.ru'] }),
};

const carerFields = {
  fullName: Text(300, { examples: ['Петрова Анна Ивановна'] }),
  relation: CarerRelation,
  livesWithClient: Type.Boolean({ description: 'The carer lives with the client.' }),
  caresSince: Type.Union([Day('Since when the carer cares for the client.'), Type.Null()]),
  caresUntil: Type.Union([
    Day('The last day the carer cared for the client: a carer who stops caring is ended, never deleted.'),
    Type.Null(),
  ]),
};

export const CarerSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    ...carerFields,
    ...contactFields,
    caring: Type.Boolean({ description: 'Cares for the client today: no `caresUntil`, or not passed (Moscow time).' }),
    trained: Type.Boolean({ description: 'Trained by the school of care: attended sessions covering every topic of a course.' }),
    training: Type.Array(CourseProgressSchema, { description: 'Progress in each course of the school of care the carer attended.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Carer', description: 'A family carer (родственник, осуществляющий уход) or another person who cares for the client.' },
);
export type Carer = Static<typeof CarerSchema>;

export const CreateCarerSchema = Type.Object(
  {
    fullName: carerFields.fullName,
    relation: carerFields.relation,
    livesWithClient: carerFields.livesWithClient,
    phone: Type.Optional(contactFields.phone),
    email: Type.Optional(contactFields.email),
    caresSince: Type.Optional(carerFields.caresSince),
    caresUntil: Type.Optional(carerFields.caresUntil),
  },
  {
    additionalProperties: false,
    title: 'CreateCarer',
    examples: [{ fullName: 'Петрова Анна Ивановна', relation: 'child', livesWithClient: true, phone: '+7 (920) 123-45-67' }],
  },
);
export type CreateCarer = Static<typeof CreateCarerSchema>;

export const UpdateCarerSchema = Type.Object(
  {
    fullName: Type.Optional(carerFields.fullName),
    relation: Type.Optional(carerFields.relation),
    livesWithClient: Type.Optional(carerFields.livesWithClient),
    phone: Type.Optional(contactFields.phone),
    email: Type.Optional(contactFields.email),
    caresSince: Type.Optional(carerFields.caresSince),
    caresUntil: Type.Optional(carerFields.caresUntil),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateCarer', examples: [{ caresUntil: '2026-03-31' }] },
);
export type UpdateCarer = Static<typeof UpdateCarerSchema>;

const documentFields = {
  kind: RepresentativeDocumentKind,
  number: Text(100, { examples: ['№ 37/1245'] }),
  issuedOn: Day('The day the document was issued; the representative acts from then.'),
  issuedBy: Text(500, { examples: ['Управление социальной защиты населения по г. Иваново'] }),
  validUntil: Type.Union([Day('The last day the document empowers the representative.'), Type.Null()]),
};

export const RepresentativeDocumentSchema = Type.Object(documentFields, {
  title: 'RepresentativeDocument',
  description: 'The document that empowers the representative.',
});

export const RepresentativeSchema = Type.Object(
  {
    id: Uuid,
    clientId: Uuid,
    organizationId: Uuid,
    fullName: Type.String(),
    document: RepresentativeDocumentSchema,
    ...contactFields,
    empowered: Type.Boolean({ description: 'The document is valid today (Moscow time).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {
    title: 'Representative',
    description: 'A legal representative (законный представитель) or an attorney of the client; may sign a consent for the client.',
  },
);
export type Representative = Static<typeof RepresentativeSchema>;

export const CreateRepresentativeSchema = Type.Object(
  {
    fullName: Text(300, { examples: ['Сидоров Пётр Николаевич'] }),
    document: Type.Object(
      { ...documentFields, validUntil: Type.Optional(documentFields.validUntil) },
      { additionalProperties: false, title: 'CreateRepresentativeDocument' },
    ),
    phone: Type.Optional(contactFields.phone),
    email: Type.Optional(contactFields.email),
  },
  {
    additionalProperties: false,
    title: 'CreateRepresentative',
    examples: [
      {
        fullName: 'Сидоров Пётр Николаевич',
        document: {
          kind: 'guardianship_decision',
          number: '№ 37/1245',
          issuedOn: '2025-02-03',
          issuedBy: 'Управление социальной защиты населения по г. Иваново',
          validUntil: null,
        },
        phone: '+7 (4932) 41-00-00',
      },
    ],
  },
);
export type CreateRepresentative = Static<typeof CreateRepresentativeSchema>;

export const UpdateRepresentativeSchema = Type.Object(
  {
    fullName: Type.Optional(CreateRepresentativeSchema.properties.fullName),
    document: Type.Optional(
      Type.Partial(Type.Object(documentFields), { additionalProperties: false, minProperties: 1, title: 'UpdateRepresentativeDocument' }),
    ),
    phone: Type.Optional(contactFields.phone),
    email: Type.Optional(contactFields.email),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateRepresentative', examples: [{ document: { validUntil: '2026-12-31' } }] },
);
export type UpdateRepresentative = Static<typeof UpdateRepresentativeSchema>;

export const ClientRecordParams = Type.Object({ clientId: Uuid, id: Uuid }, { additionalProperties: false });
export const ClientListPageQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
