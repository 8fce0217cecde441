import { Type } from '@sinclair/typebox';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { PlanRuleViolated } from './problems.js';
import {
  CreateDocumentSchema,
  CreatePlanSchema,
  CreateTaskSchema,
  DocumentSchema,
  OverdueTaskSchema,
  PlanListQuery,
  PlanParams,
  PlanSchema,
  TaskParams,
  TaskSchema,
  UpdateTaskSchema,
} from './schemas.js';
import {
  addDocument,
  addTask,
  createPlan,
  getPlan,
  listOverdue,
  listPlans,
  toDocument,
  toPlan,
  toPlans,
  toTask,
  updateTask,
} from './service.js';

const tags = ['implementation-plans'];
const own = { params: 'id' } as const;
const readers = { roles: ['admin', 'regional', 'provider'], organization: own } as const;
const writers = { roles: ['admin', 'provider'], organization: own } as const;
const base = '/v1/organizations/:id/implementation-plans';

const implementationPlanRoutes: Routes = async (app) => {
  app.post(
    base,
    {
      schema: {
        tags,
        operationId: 'createImplementationPlan',
        summary: 'Draw up the plan-schedule of introducing milieu therapy (stages I-III)',
        params: IdParams,
        body: CreatePlanSchema,
        response: { 201: PlanSchema, ...problemResponses(400, 404, PlanRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'implementation_plan' } },
    },
    async (request, reply) => {
      const plan = await request.ctx.write((tx) => createPlan(tx, request.params.id, request.body));
      return reply
        .code(201)
        .header('location', `/v1/organizations/${plan.organization_id}/implementation-plans/${plan.id}`)
        .send(await toPlan(request.ctx, plan));
    },
  );

  app.get(
    base,
    {
      schema: {
        tags,
        operationId: 'listImplementationPlans',
        summary: 'An organization’s implementation plans with their tasks and documents',
        params: IdParams,
        querystring: PlanListQuery,
        response: { 200: Page(PlanSchema, 'ImplementationPlanPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const query = await listPlans(request.ctx, request.params.id);
      return paginate(request, query, 'implementation_plans', (rows) => toPlans(request.ctx, rows));
    },
  );

  app.get(
    `${base}/:planId`,
    {
      schema: {
        tags,
        operationId: 'getImplementationPlan',
        summary: 'Get an implementation plan',
        params: PlanParams,
        response: { 200: PlanSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      return toPlan(request.ctx, await getPlan(request.ctx, request.params.id, request.params.planId));
    },
  );

  app.post(
    `${base}/:planId/tasks`,
    {
      schema: {
        tags,
        operationId: 'addPlanTask',
        summary: 'Add a task to a plan',
        params: PlanParams,
        body: CreateTaskSchema,
        response: { 201: TaskSchema, ...problemResponses(400, 404, PlanRuleViolated) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'task' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => addTask(tx, request.params.id, request.params.planId, request.body));
      setEtag(reply, row.version);
      return reply.code(201).send(toTask(row));
    },
  );

  app.patch(
    `${base}/:planId/tasks/:taskId`,
    {
      schema: {
        tags,
        operationId: 'updatePlanTask',
        summary: 'Update a task (progress, due date, who is responsible)',
        description: 'Needs If-Match with the ETag from adding the task or the last update.',
        params: TaskParams,
        headers: IfMatchHeaders,
        body: UpdateTaskSchema,
        response: { 200: TaskSchema, ...problemResponses(400, 404, 412, PlanRuleViolated, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'task' } },
    },
    async (request, reply) => {
      const { id, planId, taskId } = request.params;
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateTask(tx, id, planId, taskId, ifMatch, request.body));
      setEtag(reply, row.version);
      return toTask(row);
    },
  );

  app.post(
    `${base}/:planId/documents`,
    {
      schema: {
        tags,
        operationId: 'addPlanDocument',
        summary: 'Record a document of the plan (plan-schedule, equipment plan, job description)',
        params: PlanParams,
        body: CreateDocumentSchema,
        response: { 201: DocumentSchema, ...problemResponses(400, 404) },
      },
      config: { access: writers, audit: { action: 'create', resource: 'document' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => addDocument(tx, request.params.id, request.params.planId, request.body));
      return reply.code(201).send(toDocument(row));
    },
  );

  app.get(
    '/v1/organizations/:id/overdue-plan-tasks',
    {
      schema: {
        tags,
        operationId: 'listOverduePlanTasks',
        summary: 'Open tasks of the organization’s plans past their due date',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(OverdueTaskSchema), next: Type.Null() }), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => ({ items: await listOverdue(request.ctx, request.params.id), next: null }),
  );
};

export default implementationPlanRoutes;
