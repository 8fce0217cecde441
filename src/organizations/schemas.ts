import { Type, type Static } from '@sinclair/typebox';
import { OrganizationKind } from '../enums.js';
import { PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

const organizationFields = {
  name: Text(500, { examples: ['ОБУСО «Ивановский комплексный центр социального обслуживания населения»'] }),
  shortName: Type.Union([Text(200), Type.Null()], { examples: ['ОБУСО «Ивановский КЦСОН»'] }),
  kind: OrganizationKind,
  regionCode: Type.String({ pattern: '^[0-9]{2,3}$', description: 'Code of the Russian region.', examples: ['37'] }),
  inn: Type.Union([Type.String({ pattern: '^([0-9]{10}|[0-9]{12})$' }), Type.Null()], {
    description: 'Taxpayer number (ИНН), 10 or 12 digits with valid check digits.',
    examples: ['3702065237'],
  }),
  address: Type.Union([Text(1000), Type.Null()], { examples: ['153012, г. Иваново, пер. Свободный, д. 4'] }),
  timeZone: Type.String({
    maxLength: 64,
    description: 'IANA time zone of the organization’s schedule: a 10:00 session stays at 10:00 local time.',
    examples: ['Europe/Moscow'],
  }),
};

export const OrganizationSchema = Type.Object(
  { id: Uuid, ...organizationFields, createdAt: Timestamp, updatedAt: Timestamp },
  { title: 'Organization' },
);

export const CreateOrganizationSchema = Type.Object(
  {
    name: organizationFields.name,
    shortName: Type.Optional(organizationFields.shortName),
    kind: organizationFields.kind,
    regionCode: organizationFields.regionCode,
    inn: Type.Optional(organizationFields.inn),
    address: Type.Optional(organizationFields.address),
    timeZone: Type.Optional({ ...organizationFields.timeZone, default: 'Europe/Moscow' }),
  },
  {
    additionalProperties: false,
    title: 'CreateOrganization',
    examples: [
      {
        name: 'ОБУСО «Ивановский комплексный центр социального обслуживания населения»',
        shortName: 'ОБУСО «Ивановский КЦСОН»',
        kind: 'social_service',
        regionCode: '37',
        inn: '3702065237',
        address: '153012, г. Иваново, пер. Свободный, д. 4',
      },
    ],
  },
);

// Without the create's default time zone: Ajv fills defaults in, so a PATCH leaving timeZone out
// would move an organization of another zone back to Moscow.
export const UpdateOrganizationSchema = Type.Partial(
  Type.Object({ ...Type.Omit(CreateOrganizationSchema, ['kind', 'timeZone']).properties, timeZone: organizationFields.timeZone }),
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'UpdateOrganization',
    examples: [{ address: '153000, г. Иваново, ул. Батурина, д. 12' }],
  },
);

export const OrganizationListQuery = Type.Object(
  {
    kind: Type.Optional(OrganizationKind),
    regionCode: Type.Optional(organizationFields.regionCode),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export type Organization = Static<typeof OrganizationSchema>;
export type CreateOrganization = Static<typeof CreateOrganizationSchema>;
export type UpdateOrganization = Static<typeof UpdateOrganizationSchema>;
export type OrganizationListFilter = Omit<Static<typeof OrganizationListQuery>, 'limit' | 'cursor'>;
