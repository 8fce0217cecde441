import { Type, type Static } from '@sinclair/typebox';
import { CareForm } from '../enums.js';
import { PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

export const DepartmentSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    name: Type.String({ examples: ['Отделение «Милосердие»'] }),
    careForm: CareForm,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Department' },
);

export const CreateDepartmentSchema = Type.Object(
  { name: Text(300, { examples: ['Отделение «Милосердие»'] }), careForm: CareForm },
  {
    additionalProperties: false,
    title: 'CreateDepartment',
    examples: [{ name: 'Отделение социального обслуживания на дому № 1', careForm: 'home' }],
  },
);

export const UpdateDepartmentSchema = Type.Partial(CreateDepartmentSchema, {
  additionalProperties: false,
  minProperties: 1,
  title: 'UpdateDepartment',
  examples: [{ name: 'Отделение «Милосердие» (корпус 2)' }],
});

export const DepartmentParams = Type.Object({ id: Uuid, departmentId: Uuid }, { additionalProperties: false });

export const DepartmentListQuery = Type.Object({ careForm: Type.Optional(CareForm), ...PageQuery }, { additionalProperties: false });

export type Department = Static<typeof DepartmentSchema>;
export type CreateDepartment = Static<typeof CreateDepartmentSchema>;
export type UpdateDepartment = Static<typeof UpdateDepartmentSchema>;
export type DepartmentListFilter = Omit<Static<typeof DepartmentListQuery>, 'limit' | 'cursor'>;
