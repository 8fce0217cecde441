import { daysBetween, today } from '../calendar/dates.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ImplementationPlanRow, PlanDocumentRow, PlanTaskRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, withFields } from '../http/problems.js';
import type { FieldError } from '../http/problem.js';
import { getOrganization } from '../organizations/service.js';
import { staffOfOrganization } from '../staff/repository.js';
import { PlanRuleViolated } from './problems.js';
import * as repository from './repository.js';
import type { CreateDocument, CreatePlan, CreateTask, Plan, UpdateTask } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

/** The overdue list is one page: the most overdue tasks first, at most this many. */
const MAX_OVERDUE = 500;

export function toTask(row: PlanTaskRow, now = today()) {
  return {
    id: row.id,
    stage: row.stage,
    title: row.title,
    responsibleStaffId: row.responsible_staff_id,
    dueOn: row.due_on,
    status: row.status,
    overdue: row.status !== 'done' && row.due_on < now,
  };
}

export const toDocument = (row: PlanDocumentRow) => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  datedOn: row.dated_on,
  link: row.link,
});

type Contents = Awaited<ReturnType<typeof repository.contentsOf>>;

function mapPlan(row: ImplementationPlanRow, { tasks, documents }: Contents, now: string): Plan {
  return {
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    title: row.title,
    tasks: tasks.filter((task) => task.plan_id === row.id).map((task) => toTask(task, now)),
    documents: documents.filter((document) => document.plan_id === row.id).map(toDocument),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Plans with their tasks and documents, read in a bounded number of queries. */
export async function toPlans(ctx: Context, rows: ImplementationPlanRow[]): Promise<Plan[]> {
  const contents = await repository.contentsOf(
    ctx,
    rows.map((row) => row.id),
  );
  const now = today();
  return rows.map((row) => mapPlan(row, contents, now));
}

export async function toPlan(ctx: Context, row: ImplementationPlanRow): Promise<Plan> {
  return mapPlan(row, await repository.contentsOf(ctx, [row.id]), today());
}

async function checkStaff(
  ctx: Context,
  organizationId: string,
  tasks: Array<{ responsibleStaffId?: string | null }>,
  at: (i: number) => string,
) {
  const ids = tasks.flatMap((task) => (task.responsibleStaffId ? [task.responsibleStaffId] : []));
  const known = await staffOfOrganization(ctx, organizationId, ids);
  return tasks.flatMap((task, index): Pointer[] =>
    task.responsibleStaffId && !known.has(task.responsibleStaffId)
      ? [{ pointer: at(index), message: 'is not a staff member of the organization' }]
      : [],
  );
}

const taskRow = (planId: string, task: CreateTask) => ({
  plan_id: planId,
  stage: task.stage,
  title: task.title,
  responsible_staff_id: task.responsibleStaffId ?? null,
  due_on: task.dueOn,
  status: task.status,
});

const documentRow = (planId: string, document: CreateDocument) => ({
  plan_id: planId,
  kind: document.kind,
  title: document.title,
  dated_on: document.datedOn,
  link: document.link ?? null,
});

/** The plan with all its tasks and documents: one unit of work. */
export async function createPlan(tx: UnitOfWork, organizationId: string, input: CreatePlan): Promise<ImplementationPlanRow> {
  await getOrganization(tx, organizationId);
  const tasks = input.tasks ?? [];
  const errors = await checkStaff(tx, organizationId, tasks, (index) => `/tasks/${index}/responsibleStaffId`);
  if (input.departmentId && !(await findDepartment(tx, organizationId, input.departmentId))) {
    errors.push({ pointer: '/departmentId', message: 'is not a department of the organization' });
  }
  if (errors.length) throw withFields(new PlanRuleViolated('plan'), errors);
  const plan = await repository.insertPlan(tx, {
    organization_id: organizationId,
    department_id: input.departmentId ?? null,
    title: input.title,
  });
  await repository.insertTasks(
    tx,
    plan,
    tasks.map((task) => taskRow(plan.id, task)),
  );
  await repository.insertDocuments(
    tx,
    plan,
    (input.documents ?? []).map((document) => documentRow(plan.id, document)),
  );
  return plan;
}

/** An organization's plans, for `paginate`; an organization that does not exist is a 404, as in its other lists. */
export async function listPlans(ctx: Context, organizationId: string) {
  await getOrganization(ctx, organizationId);
  return repository.plansQuery(ctx, organizationId);
}

export async function getPlan(ctx: Context, organizationId: string, id: string): Promise<ImplementationPlanRow> {
  const plan = await repository.findPlan(ctx, organizationId, id);
  if (!plan) throw new NotFound('Implementation plan', id);
  return plan;
}

export async function addTask(tx: UnitOfWork, organizationId: string, planId: string, task: CreateTask) {
  const plan = await getPlan(tx, organizationId, planId);
  const errors = await checkStaff(tx, organizationId, [task], () => '/responsibleStaffId');
  if (errors.length) throw withFields(new PlanRuleViolated('task'), errors);
  return repository.insertTask(tx, plan, taskRow(plan.id, task));
}

export async function addDocument(tx: UnitOfWork, organizationId: string, planId: string, document: CreateDocument) {
  const plan = await getPlan(tx, organizationId, planId);
  return repository.insertDocument(tx, plan, documentRow(plan.id, document));
}

export async function updateTask(
  tx: UnitOfWork,
  organizationId: string,
  planId: string,
  taskId: string,
  ifMatch: IfMatch,
  input: UpdateTask,
) {
  await getPlan(tx, organizationId, planId);
  const current = await repository.findTask(tx, planId, taskId);
  if (!current) throw new NotFound('Task', taskId);
  const errors = await checkStaff(tx, organizationId, [input], () => '/responsibleStaffId');
  if (errors.length) throw withFields(new PlanRuleViolated('task'), errors);
  const updated = await repository.updateTask(tx, taskId, expectedVersion(ifMatch, current), {
    title: input.title,
    responsible_staff_id: input.responsibleStaffId,
    due_on: input.dueOn,
    status: input.status,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Task', taskId));
  return updated;
}

export async function listOverdue(ctx: Context, organizationId: string) {
  await getOrganization(ctx, organizationId);
  const now = today();
  const rows = await repository.overdueTasks(ctx, organizationId, now, MAX_OVERDUE);
  return rows.map((row) => ({
    planId: row.plan_id,
    planTitle: row.plan_title,
    departmentId: row.department_id,
    ...toTask(row, now),
    daysOverdue: daysBetween(row.due_on, now),
  }));
}
