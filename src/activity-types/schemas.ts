import { Type, type Static } from '@sinclair/typebox';
import { PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';
import { Component, Direction, Participation, Position } from '../enums.js';

const fields = {
  organizationId: Type.Union([Uuid, Type.Null()], { description: 'null: the shared catalog, available to every organization.' }),
  nameRu: Text(200, { examples: ['Арттерапия'] }),
  nameEn: Text(200, { examples: ['Art therapy'] }),
  direction: Direction,
  participation: Participation,
  defaultDurationMinutes: Type.Integer({ minimum: 5, maximum: 720, examples: [60] }),
  staffPosition: Type.Union([Position, Type.Null()], { description: 'The position usually in charge.' }),
  components: Type.Array(Component, { minItems: 1, uniqueItems: true, examples: [['psychological', 'spiritual']] }),
  maxGroup: Type.Union([Type.Integer({ minimum: 1, maximum: 6 }), Type.Null()], {
    description: 'The highest dependency group the activity suits; support programs warn beyond it. null: every group.',
  }),
};

export const ActivityTypeSchema = Type.Object(
  {
    id: Uuid,
    code: Type.Union([Type.String(), Type.Null()], { description: 'Stable code of a shared catalog entry.' }),
    ...fields,
    retiredAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'ActivityType' },
);

export const CreateActivityTypeSchema = Type.Object(
  {
    organizationId: Type.Optional(fields.organizationId),
    nameRu: fields.nameRu,
    nameEn: fields.nameEn,
    direction: fields.direction,
    participation: fields.participation,
    defaultDurationMinutes: fields.defaultDurationMinutes,
    staffPosition: Type.Optional(fields.staffPosition),
    components: fields.components,
    maxGroup: Type.Optional(fields.maxGroup),
  },
  {
    additionalProperties: false,
    title: 'CreateActivityType',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        nameRu: 'Скандинавская ходьба',
        nameEn: 'Nordic walking',
        direction: 'physical_health',
        participation: 'active',
        defaultDurationMinutes: 45,
        staffPosition: 'exercise_therapy_instructor',
        components: ['physical', 'social'],
        maxGroup: 3,
      },
    ],
  },
);

export const UpdateActivityTypeSchema = Type.Object(
  {
    nameRu: Type.Optional(fields.nameRu),
    nameEn: Type.Optional(fields.nameEn),
    direction: Type.Optional(fields.direction),
    participation: Type.Optional(fields.participation),
    defaultDurationMinutes: Type.Optional(fields.defaultDurationMinutes),
    staffPosition: Type.Optional(fields.staffPosition),
    components: Type.Optional(fields.components),
    maxGroup: Type.Optional(fields.maxGroup),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateActivityType', examples: [{ defaultDurationMinutes: 50 }] },
);

export const ActivityTypeListQuery = Type.Object(
  {
    direction: Type.Optional(Direction),
    participation: Type.Optional(Participation),
    organizationId: Type.Optional(Uuid),
    includeRetired: Type.Boolean({ default: false }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export type ActivityType = Static<typeof ActivityTypeSchema>;
export type CreateActivityType = Static<typeof CreateActivityTypeSchema>;
export type UpdateActivityType = Static<typeof UpdateActivityTypeSchema>;
export type ActivityTypeListFilter = Omit<Static<typeof ActivityTypeListQuery>, 'limit' | 'cursor'>;
