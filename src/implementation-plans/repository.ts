import type { Insertable, Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { ImplementationPlanRow, PlanDocumentRow, PlanDocumentTable, PlanTaskRow, PlanTaskTable } from '../db/schema.js';

export async function insertPlan(tx: UnitOfWork, row: { organization_id: string; department_id: string | null; title: string }) {
  return tx.scoped.insertInto('implementation_plans', row).returningAll().executeTakeFirstOrThrow();
}

export async function insertTasks(tx: UnitOfWork, plan: ImplementationPlanRow, rows: Insertable<PlanTaskTable>[]): Promise<void> {
  if (rows.length > 0) await tx.scoped.insertChildren('plan_tasks', plan, rows).execute();
}

export async function insertTask(tx: UnitOfWork, plan: ImplementationPlanRow, row: Insertable<PlanTaskTable>): Promise<PlanTaskRow> {
  return tx.scoped.insertChildren('plan_tasks', plan, row).returningAll().executeTakeFirstOrThrow();
}

export async function insertDocuments(tx: UnitOfWork, plan: ImplementationPlanRow, rows: Insertable<PlanDocumentTable>[]): Promise<void> {
  if (rows.length > 0) await tx.scoped.insertChildren('plan_documents', plan, rows).execute();
}

export async function insertDocument(
  tx: UnitOfWork,
  plan: ImplementationPlanRow,
  row: Insertable<PlanDocumentTable>,
): Promise<PlanDocumentRow> {
  return tx.scoped.insertChildren('plan_documents', plan, row).returningAll().executeTakeFirstOrThrow();
}

export async function findPlan(ctx: Context, organizationId: string, id: string): Promise<ImplementationPlanRow | undefined> {
  return ctx.scoped
    .selectFrom('implementation_plans')
    .selectAll()
    .where('implementation_plans.organization_id', '=', organizationId)
    .where('implementation_plans.id', '=', id)
    .executeTakeFirst();
}

/** An organization's plans, for `paginate`. */
export function plansQuery(ctx: Context, organizationId: string) {
  return ctx.scoped.selectFrom('implementation_plans').selectAll().where('implementation_plans.organization_id', '=', organizationId);
}

/** Tasks and documents of many plans: two queries, whatever the page size. */
export async function contentsOf(ctx: Context, planIds: string[]) {
  if (planIds.length === 0) return { tasks: [], documents: [] };
  const [tasks, documents] = await Promise.all([
    ctx.scoped
      .selectFrom('plan_tasks')
      .selectAll()
      .where('plan_tasks.plan_id', 'in', planIds)
      .orderBy('plan_tasks.stage')
      .orderBy('plan_tasks.due_on')
      .orderBy('plan_tasks.created_at')
      .execute(),
    ctx.scoped
      .selectFrom('plan_documents')
      .selectAll()
      .where('plan_documents.plan_id', 'in', planIds)
      .orderBy('plan_documents.dated_on')
      .orderBy('plan_documents.created_at')
      .execute(),
  ]);
  return { tasks, documents };
}

export async function findTask(ctx: Context, planId: string, id: string): Promise<PlanTaskRow | undefined> {
  return ctx.scoped
    .selectFrom('plan_tasks')
    .selectAll()
    .where('plan_tasks.plan_id', '=', planId)
    .where('plan_tasks.id', '=', id)
    .executeTakeFirst();
}

export async function updateTask(tx: UnitOfWork, id: string, expectedVersion: number, changes: Updateable<PlanTaskTable>) {
  return tx.scoped
    .updateTable('plan_tasks')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Open tasks of an organization's plans due before `today`, the most overdue first, at most `limit`. */
export async function overdueTasks(ctx: Context, organizationId: string, today: string, limit: number) {
  return ctx.scoped
    .selectFrom('plan_tasks')
    .innerJoin('implementation_plans', 'implementation_plans.id', 'plan_tasks.plan_id')
    .selectAll('plan_tasks')
    .select(['implementation_plans.title as plan_title', 'implementation_plans.department_id'])
    .where('implementation_plans.organization_id', '=', organizationId)
    .where('plan_tasks.status', '<>', 'done')
    .where('plan_tasks.due_on', '<', today)
    .orderBy('plan_tasks.due_on')
    .limit(limit)
    .execute();
}
