import { sql, type Insertable, type Kysely, type QueryExecutorProvider, type Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import { confinedTo } from '../context/scope.js';
import type { Database, WebhookDeliveryTable, WebhookSubscriptionRow, WebhookSubscriptionTable } from '../db/schema.js';
import type { FeedPosition } from '../integration/changes.js';
import { enqueue } from '../jobs/queue.js';

export const DELIVERY_TASK = 'webhook-delivery';
export const SWEEP_TASK = 'webhook-sweep';

/**
 * Subscriptions as the caller may see them: a provider its organization's, an admin all. The
 * table belongs to no one organization (an admin's subscription has none), so the scope is
 * applied here rather than by ScopedDb.
 */
export function subscriptionsQuery(ctx: Context) {
  const organizationId = confinedTo(ctx.scope);
  return ctx.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .$if(organizationId !== undefined, (query) => query.where('webhook_subscriptions.organization_id', '=', organizationId ?? ''));
}

export async function findSubscription(ctx: Context, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return subscriptionsQuery(ctx).where('webhook_subscriptions.id', '=', id).executeTakeFirst();
}

/** The subscription, locked until the transaction ends: a replay's read and write are one step. */
export async function lockSubscription(tx: UnitOfWork, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return subscriptionsQuery(tx).where('webhook_subscriptions.id', '=', id).forUpdate().executeTakeFirst();
}

/** A new subscription starts below every running transaction: it misses no change committed after it. */
export async function insertSubscription(
  tx: UnitOfWork,
  row: Omit<Insertable<WebhookSubscriptionTable>, 'cursor_xid' | 'cursor_seq'>,
): Promise<WebhookSubscriptionRow> {
  return tx.db
    .insertInto('webhook_subscriptions')
    .values({ ...row, cursor_xid: sql<string>`pg_snapshot_xmin(pg_current_snapshot())`, cursor_seq: 0 })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateSubscription(
  tx: UnitOfWork,
  id: string,
  expectedVersion: number,
  changes: Updateable<WebhookSubscriptionTable>,
): Promise<WebhookSubscriptionRow | undefined> {
  const organizationId = confinedTo(tx.scope);
  return tx.db
    .updateTable('webhook_subscriptions')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .$if(organizationId !== undefined, (query) => query.where('organization_id', '=', organizationId ?? ''))
    .returningAll()
    .executeTakeFirst();
}

/** What resumes deliveries from `position` now: nothing failed yet, nothing waits. */
export function resumedAt(position: FeedPosition): Updateable<WebhookSubscriptionTable> {
  return {
    status: 'active',
    cursor_xid: position.xid,
    cursor_seq: position.seq,
    attempts: 0,
    failing_since: null,
    next_attempt_at: null,
    last_error: null,
  };
}

/**
 * Adds the subscription's delivery job, in `db`'s transaction. Its job key keeps one job of the
 * subscription waiting; `runAt` moves it to that time, unless `keepRunAt` (a retry's backoff).
 */
export async function scheduleDelivery(db: QueryExecutorProvider, subscriptionId: string, runAt?: Date, keepRunAt = false): Promise<void> {
  await enqueue(
    db,
    DELIVERY_TASK,
    { subscriptionId },
    { jobKey: `webhook:${subscriptionId}`, runAt, jobKeyMode: keepRunAt ? 'preserve_run_at' : 'replace' },
  );
}

/** Wakes every active subscription whose retry is due: a backlog left by an instance that stopped is delivered within a tick. */
export async function wakeDueSubscriptions(db: Kysely<Database>): Promise<void> {
  const due = await db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', new Date())]))
    .execute();
  for (const { id } of due) await scheduleDelivery(db, id, undefined, true);
}

export function deliveriesQuery(ctx: Context, subscriptionId: string) {
  return ctx.db.selectFrom('webhook_deliveries').selectAll().where('webhook_deliveries.subscription_id', '=', subscriptionId);
}

export async function insertDelivery(db: Kysely<Database>, row: Insertable<WebhookDeliveryTable>): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute();
}
