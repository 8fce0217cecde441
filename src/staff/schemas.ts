import { Type, type Static } from '@sinclair/typebox';
import { Position } from '../enums.js';
import { PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

export const StaffSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    departmentId: Type.Union([Uuid, Type.Null()]),
    fullName: Type.String({ examples: ['Смирнова Анна Петровна'] }),
    position: Position,
    active: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'StaffMember' },
);

export const CreateStaffSchema = Type.Object(
  {
    organizationId: Uuid,
    departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    fullName: Text(300, { examples: ['Смирнова Анна Петровна'] }),
    position: Position,
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  {
    additionalProperties: false,
    title: 'CreateStaffMember',
    examples: [
      {
        organizationId: '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1',
        fullName: 'Смирнова Анна Петровна',
        position: 'psychologist',
      },
    ],
  },
);

export const UpdateStaffSchema = Type.Object(
  {
    departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    fullName: Type.Optional(Text(300)),
    position: Type.Optional(Position),
    active: Type.Optional(Type.Boolean({ description: 'false when the staff member leaves.' })),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateStaffMember', examples: [{ active: false }] },
);

export const StaffListQuery = Type.Object(
  {
    organizationId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    position: Type.Optional(Position),
    active: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export type StaffMember = Static<typeof StaffSchema>;
export type CreateStaff = Static<typeof CreateStaffSchema>;
export type UpdateStaff = Static<typeof UpdateStaffSchema>;
export type StaffListFilter = Omit<Static<typeof StaffListQuery>, 'cursor' | 'limit'>;
