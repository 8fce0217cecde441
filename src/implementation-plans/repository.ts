import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ImplementationPlanRow, PlanDocumentTable, PlanTaskRow, PlanTaskTable } from '../db/schema.js';
import { after } from '../http/pagination.js';

export async function insertPlan(db: Db, row: { organization_id: string; department_id: string | null; title: string }) {
  return db.insertInto('implementation_plans').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertTasks(db: Db, rows: Insertable<PlanTaskTable>[]) {
  if (rows.length === 0) return [];
  return db.insertInto('plan_tasks').values(rows).returningAll().execute();
}

export async function insertDocuments(db: Db, rows: Insertable<PlanDocumentTable>[]) {
  if (rows.length === 0) return [];
  return db.insertInto('plan_documents').values(rows).returningAll().execute();
}

export async function findPlan(db: Db, organizationId: string, id: string): Promise<ImplementationPlanRow | undefined> {
  return db
    .selectFrom('implementation_plans')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listPlans(db: Db, organizationId: string, filter: { cursor?: string; limit: number }) {
  return db
    .selectFrom('implementation_plans')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .$if(filter.cursor !== undefined, (query) => query.where(after('implementation_plans', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** Tasks and documents of many plans: two queries, whatever the page size. */
export async function contentsOf(db: Db, planIds: string[]) {
  if (planIds.length === 0) return { tasks: [], documents: [] };
  const [tasks, documents] = await Promise.all([
    db.selectFrom('plan_tasks').selectAll().where('plan_id', 'in', planIds).orderBy('stage').orderBy('due_on').orderBy('created_at').execute(),
    db.selectFrom('plan_documents').selectAll().where('plan_id', 'in', planIds).orderBy('dated_on').orderBy('created_at').execute(),
  ]);
  return { tasks, documents };
}

export async function findTask(db: Db, planId: string, id: string): Promise<PlanTaskRow | undefined> {
  return db.selectFrom('plan_tasks').selectAll().where('plan_id', '=', planId).where('id', '=', id).executeTakeFirst();
}

export async function updateTask(db: Db, id: string, expectedVersion: number, changes: Updateable<PlanTaskTable>) {
  return db
    .updateTable('plan_tasks')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Open tasks of an organization's plans due before `today`, the most overdue first. */
export async function overdueTasks(db: Db, organizationId: string, today: string) {
  return db
    .selectFrom('plan_tasks')
    .innerJoin('implementation_plans', 'implementation_plans.id', 'plan_tasks.plan_id')
    .selectAll('plan_tasks')
    .select(['implementation_plans.title as plan_title', 'implementation_plans.department_id'])
    .where('implementation_plans.organization_id', '=', organizationId)
    .where('plan_tasks.status', '<>', 'done')
    .where('plan_tasks.due_on', '<', today)
    .orderBy('plan_tasks.due_on')
    .limit(500)
    .execute();
}
