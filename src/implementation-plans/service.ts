import { daysBetween, today } from '../calendar/dates.js';
import { inTransaction, type Db } from '../db/database.js';
import type { ImplementationPlanRow, PlanDocumentRow, PlanTaskRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import { findDepartment } from '../departments/repository.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, invalidFields } from '../http/errors.js';
import type { FieldError } from '../http/problem.js';
import { getOrganization } from '../organizations/service.js';
import { staffOfOrganization } from '../staff/repository.js';
import * as repository from './repository.js';
import type { CreateDocument, CreatePlan, CreateTask, Plan, UpdateTask } from './schemas.js';

type Pointer = Omit<FieldError, 'in'>;

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

const toDocument = (row: PlanDocumentRow) => ({ id: row.id, kind: row.kind, title: row.title, datedOn: row.dated_on, link: row.link });

/** Plans with their tasks and documents, read in a bounded number of queries. */
export async function toPlans(db: Db, rows: ImplementationPlanRow[]): Promise<Plan[]> {
  const { tasks, documents } = await repository.contentsOf(db, rows.map((row) => row.id));
  const now = today();
  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    title: row.title,
    tasks: tasks.filter((task) => task.plan_id === row.id).map((task) => toTask(task, now)),
    documents: documents.filter((document) => document.plan_id === row.id).map(toDocument),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}

async function checkStaff(db: Db, organizationId: string, tasks: Array<{ responsibleStaffId?: string | null }>, at: (i: number) => string) {
  const ids = tasks.flatMap((task) => (task.responsibleStaffId ? [task.responsibleStaffId] : []));
  const known = await staffOfOrganization(db, organizationId, ids);
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

export async function createPlan(db: Db, organizationId: string, input: CreatePlan): Promise<ImplementationPlanRow> {
  await getOrganization(db, organizationId);
  const tasks = input.tasks ?? [];
  const errors = await checkStaff(db, organizationId, tasks, (index) => `/tasks/${index}/responsibleStaffId`);
  if (input.departmentId && !(await findDepartment(db, organizationId, input.departmentId))) {
    errors.push({ pointer: '/departmentId', message: 'is not a department of the organization' });
  }
  if (errors.length) throw invalidFields('The plan breaks a rule.', errors);
  return inTransaction(db, async (trx) => {
    const plan = await repository.insertPlan(trx, { organization_id: organizationId, department_id: input.departmentId ?? null, title: input.title });
    await repository.insertTasks(trx, tasks.map((task) => taskRow(plan.id, task)));
    await repository.insertDocuments(trx, (input.documents ?? []).map((document) => documentRow(plan.id, document)));
    return plan;
  });
}

/** An organization's plans; an organization that does not exist is a 404, as in its other lists. */
export async function listPlans(db: Db, organizationId: string, filter: { cursor?: string; limit: number }): Promise<ImplementationPlanRow[]> {
  await getOrganization(db, organizationId);
  return repository.listPlans(db, organizationId, filter);
}

export async function getPlan(db: Db, organizationId: string, id: string): Promise<ImplementationPlanRow> {
  const plan = await repository.findPlan(db, organizationId, id);
  if (!plan) throw new NotFound('Implementation plan', id);
  return plan;
}

export async function addTask(db: Db, organizationId: string, planId: string, task: CreateTask) {
  const plan = await getPlan(db, organizationId, planId);
  const errors = await checkStaff(db, organizationId, [task], () => '/responsibleStaffId');
  if (errors.length) throw invalidFields('The task breaks a rule.', errors);
  const [row] = await repository.insertTasks(db, [taskRow(plan.id, task)]);
  return row!;
}

export async function addDocument(db: Db, organizationId: string, planId: string, document: CreateDocument) {
  const plan = await getPlan(db, organizationId, planId);
  const [row] = await repository.insertDocuments(db, [documentRow(plan.id, document)]);
  return row!;
}

export async function updateTask(db: Db, organizationId: string, planId: string, taskId: string, ifMatch: IfMatch, input: UpdateTask) {
  await getPlan(db, organizationId, planId);
  const current = await repository.findTask(db, planId, taskId);
  if (!current) throw new NotFound('Task', taskId);
  const errors = await checkStaff(db, organizationId, [input], () => '/responsibleStaffId');
  if (errors.length) throw invalidFields('The task breaks a rule.', errors);
  const updated = await repository.updateTask(db, taskId, expectedVersion(ifMatch, current), {
    title: input.title,
    responsible_staff_id: input.responsibleStaffId,
    due_on: input.dueOn,
    status: input.status,
  });
  if (!updated) throw failedUpdate(current, ifMatch, () => new NotFound('Task', taskId));
  return updated;
}

export async function listOverdue(db: Db, organizationId: string) {
  await getOrganization(db, organizationId);
  const now = today();
  const rows = await repository.overdueTasks(db, organizationId, now);
  return rows.map((row) => ({
    planId: row.plan_id,
    planTitle: row.plan_title,
    departmentId: row.department_id,
    ...toTask(row, now),
    daysOverdue: daysBetween(row.due_on, now),
  }));
}
