import { Type, type Static } from '@sinclair/typebox';
import { PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { Role as RoleSchema } from '../enums.js';

export const ApiKeySchema = Type.Object(
  {
    id: Uuid,
    name: Type.String({ examples: ['Regional information system'] }),
    role: RoleSchema,
    organizationId: Type.Union([Uuid, Type.Null()]),
    createdAt: Timestamp,
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { title: 'ApiKey' },
);

export const CreateApiKeySchema = Type.Object(
  {
    name: Text(200, { examples: ['Ivanovo complex center, front office'] }),
    role: RoleSchema,
    organizationId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: 'Required for provider and medical_partner keys, absent for admin and regional keys.',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateApiKey',
    examples: [{ name: 'Front office', role: 'provider', organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1' }],
  },
);

export const CreatedApiKeySchema = Type.Composite(
  [ApiKeySchema, Type.Object({ secret: Type.String({ description: 'Shown only in this answer; store it now.' }) })],
  { title: 'CreatedApiKey' },
);

export const ApiKeyListQuery = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    organizationId: Type.Optional(Uuid),
    includeRevoked: Type.Boolean({ default: false }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export type ApiKey = Static<typeof ApiKeySchema>;
export type CreateApiKey = Static<typeof CreateApiKeySchema>;
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
export type ApiKeyListFilter = Omit<Static<typeof ApiKeyListQuery>, 'limit' | 'cursor'>;
