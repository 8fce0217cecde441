import { Type, type Static } from '@sinclair/typebox';
import { PlanDocumentKind, Stage, TaskStatus } from '../enums.js';
import { CalendarDate, PageQuery, Text, Timestamp, Uuid } from '../http/common-schemas.js';

const taskFields = {
  stage: Stage,
  title: Text(500, { examples: ['Анализ условий внедрения технологии'] }),
  responsibleStaffId: Type.Union([Uuid, Type.Null()]),
  dueOn: CalendarDate,
  status: TaskStatus,
};

export const TaskSchema = Type.Object(
  { id: Uuid, ...taskFields, overdue: Type.Boolean({ description: 'Not done and past its due date (Moscow time).' }) },
  { title: 'PlanTask' },
);

export const DocumentSchema = Type.Object(
  {
    id: Uuid,
    kind: PlanDocumentKind,
    title: Type.String(),
    datedOn: CalendarDate,
    link: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'PlanDocument' },
);

export const PlanSchema = Type.Object(
  {
    id: Uuid,
    organizationId: Uuid,
    departmentId: Type.Union([Uuid, Type.Null()]),
    title: Type.String(),
    tasks: Type.Array(TaskSchema, { description: 'By stage, then due date.' }),
    documents: Type.Array(DocumentSchema),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'ImplementationPlan' },
);

export const CreateTaskSchema = Type.Object(
  {
    stage: taskFields.stage,
    title: taskFields.title,
    responsibleStaffId: Type.Optional(taskFields.responsibleStaffId),
    dueOn: taskFields.dueOn,
    status: Type.Optional(taskFields.status),
  },
  {
    additionalProperties: false,
    title: 'CreatePlanTask',
    examples: [{ stage: 'I', title: 'Подготовить план-график внедрения', dueOn: '2025-03-01' }],
  },
);

export const CreateDocumentSchema = Type.Object(
  {
    kind: PlanDocumentKind,
    title: Text(500),
    datedOn: CalendarDate,
    link: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 2000 }), Type.Null()])),
  },
  {
    additionalProperties: false,
    title: 'CreatePlanDocument',
    examples: [{ kind: 'plan_schedule', title: 'План-график внедрения технологии «Милиотерапия»', datedOn: '2025-02-01' }],
  },
);

export const CreatePlanSchema = Type.Object(
  {
    departmentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    title: Text(500, { examples: ['Внедрение технологии «Милиотерапия» в отделении «Милосердие»'] }),
    tasks: Type.Optional(Type.Array(CreateTaskSchema, { maxItems: 200 })),
    documents: Type.Optional(Type.Array(CreateDocumentSchema, { maxItems: 100 })),
  },
  {
    additionalProperties: false,
    title: 'CreateImplementationPlan',
    examples: [
      {
        title: 'Внедрение технологии «Милиотерапия» в отделении «Милосердие»',
        tasks: [
          { stage: 'I', title: 'Анализ условий, подготовка документации', dueOn: '2025-02-28' },
          { stage: 'II', title: 'Организовать культурно-досуговое направление', dueOn: '2025-04-30' },
          { stage: 'III', title: 'Ежемесячный мониторинг внедрения', dueOn: '2025-12-31' },
        ],
      },
    ],
  },
);

export const UpdateTaskSchema = Type.Object(
  {
    title: Type.Optional(taskFields.title),
    responsibleStaffId: Type.Optional(taskFields.responsibleStaffId),
    dueOn: Type.Optional(taskFields.dueOn),
    status: Type.Optional(taskFields.status),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdatePlanTask', examples: [{ status: 'done' }] },
);

export const PlanParams = Type.Object({ id: Uuid, planId: Uuid }, { additionalProperties: false });
export const TaskParams = Type.Object({ id: Uuid, planId: Uuid, taskId: Uuid }, { additionalProperties: false });
export const PlanListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const OverdueTaskSchema = Type.Object(
  {
    planId: Uuid,
    planTitle: Type.String(),
    departmentId: Type.Union([Uuid, Type.Null()]),
    ...TaskSchema.properties,
    daysOverdue: Type.Integer(),
  },
  { title: 'OverdueTask' },
);

export type Plan = Static<typeof PlanSchema>;
export type CreatePlan = Static<typeof CreatePlanSchema>;
export type CreateTask = Static<typeof CreateTaskSchema>;
export type CreateDocument = Static<typeof CreateDocumentSchema>;
export type UpdateTask = Static<typeof UpdateTaskSchema>;
