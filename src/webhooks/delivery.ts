import { sql, type Insertable, type Updateable } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createContext, type Context } from '../context/request-context.js';
import { EVERY_ORGANIZATION, type Scope } from '../context/scope.js';
import type { Db } from '../db/database.js';
import type { WebhookDeliveryTable, WebhookSubscriptionRow, WebhookSubscriptionTable } from '../db/schema.js';
import type { WebhookEventType } from '../enums.js';
import { changesAfter, type FeedPosition } from '../integration/changes.js';
import type { JobTask } from '../jobs/queue.js';
import { insertDelivery, scheduleDelivery, SWEEP_TASK, wakeDueSubscriptions } from './repository.js';
import { signedHeaders } from './signing.js';

/** Events one job sends before it hands over to the next job (others' subscriptions get their turn). */
const BATCH = 100;
/** How soon to look again when a running transaction holds the feed back (its changes are not readable yet). */
const HELD_BACK_MS = 1000;
const EXCERPT = 1000;

export interface DeliveryDependencies {
  db: Db;
  config: Config;
  logger: Logger;
}

interface Event {
  xid: string;
  seq: number;
  type: WebhookEventType;
  entityId: string;
  body: string;
}

interface Outcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
}

/**
 * The job `webhook-delivery`: sends a subscription's backlog in feed order, one event at a time,
 * moving its cursor past each event the receiver took (2xx). A failed event stops the run and
 * schedules the next attempt (exponential backoff) or, past the retry period, leaves the
 * subscription `failing` with the backlog where it was.
 *
 * One delivery of a subscription at a time, among all instances: the run holds a session advisory
 * lock on its own connection, which PostgreSQL releases when the instance stops or dies, so a
 * crashed run blocks nothing (the minute's sweep wakes the backlog again). A job finding the lock
 * taken comes back a second later rather than end: the running one may have read its backlog
 * before the changes that woke this job. At least once: an instance stopping between a
 * receiver's 2xx and the cursor's move sends that event again, with the same `webhook-id`.
 */
export function webhookDelivery(dependencies: DeliveryDependencies): JobTask {
  return async (payload) => {
    const { subscriptionId } = payload as { subscriptionId: string };
    await dependencies.db.connection().execute(async (connection) => {
      const lockKey = sql`hashtextextended(${`webhook:${subscriptionId}`}, 0)`;
      const lock = sql<{ taken: boolean }>`select pg_try_advisory_lock(${lockKey}) as taken`;
      const [{ taken } = { taken: false }] = (await lock.execute(connection)).rows;
      if (!taken) {
        await scheduleDelivery(connection, subscriptionId, new Date(Date.now() + HELD_BACK_MS));
        return;
      }
      try {
        await deliverBacklog({ ...dependencies, db: connection }, subscriptionId);
      } finally {
        await sql`select pg_advisory_unlock(${lockKey})`.execute(connection);
      }
    });
  };
}

/** The job `webhook-sweep`, every minute on one instance. */
export function webhookSweep({ db }: Pick<DeliveryDependencies, 'db'>): JobTask {
  return async () => wakeDueSubscriptions(db);
}

export const SWEEP_CRONTAB = `* * * * * ${SWEEP_TASK}`;

async function deliverBacklog({ db, config, logger }: DeliveryDependencies, subscriptionId: string): Promise<void> {
  const subscription = await db
    .selectFrom('webhook_subscriptions')
    .leftJoin('api_keys', 'api_keys.id', 'webhook_subscriptions.owner_key_id')
    .selectAll('webhook_subscriptions')
    .select('api_keys.revoked_at as owner_revoked_at')
    .where('webhook_subscriptions.id', '=', subscriptionId)
    .executeTakeFirst();
  if (!subscription || subscription.status !== 'active') return;
  if (subscription.next_attempt_at && subscription.next_attempt_at > new Date()) {
    await scheduleDelivery(db, subscription.id, subscription.next_attempt_at);
    return;
  }
  if (subscription.owner_revoked_at) {
    await stopFailing(db, subscription, 'the API key that created the subscription was revoked');
    return;
  }
  const ctx = ownerContext(db, subscription);
  const events = await backlog(ctx, subscription, BATCH);
  let position: FeedPosition = { xid: subscription.cursor_xid, seq: subscription.cursor_seq };
  let attempts = subscription.attempts;
  let failingSince = subscription.failing_since;
  for (const event of events) {
    const outcome = await send(subscription, event, config.WEBHOOK_TIMEOUT_MS);
    const attempt: Insertable<WebhookDeliveryTable> = {
      subscription_id: subscription.id,
      message_id: messageId(event),
      event_type: event.type,
      entity_id: event.entityId,
      change_xid: event.xid,
      change_seq: event.seq,
      attempt: attempts + 1,
      succeeded: outcome.succeeded,
      status_code: outcome.statusCode,
      error: outcome.error,
      response_excerpt: outcome.response,
      duration_ms: outcome.durationMs,
    };
    // The attempt is recorded whatever happens; the subscription moves unless a replay or a pause
    // moved it meanwhile (this run's view of the backlog is stale then).
    const stillAt = { position, attempts };
    const recorded = outcome.succeeded
      ? // One statement, one round trip: the attempt and the cursor's move.
        await moveSubscription(
          db.with('attempt', (db) => db.insertInto('webhook_deliveries').values(attempt)),
          subscription.id,
          stillAt,
          {
            cursor_xid: event.xid,
            cursor_seq: event.seq,
            attempts: 0,
            failing_since: null,
            next_attempt_at: null,
            last_error: null,
          },
        )
      : await db.transaction().execute(async (trx) => {
          await insertDelivery(trx, attempt);
          const now = new Date();
          const failedSince = failingSince ?? now;
          const gaveUp = now.getTime() - failedSince.getTime() >= config.WEBHOOK_RETRY_PERIOD_MS;
          const retryAt = new Date(now.getTime() + backoff(config, attempts + 1));
          const moved = await moveSubscription(trx, subscription.id, stillAt, {
            attempts: attempts + 1,
            failing_since: failedSince,
            next_attempt_at: gaveUp ? null : retryAt,
            last_error: outcome.error,
            ...(gaveUp ? { status: 'failing' as const } : {}),
          });
          if (moved && !gaveUp) await scheduleDelivery(trx, subscription.id, retryAt);
          if (moved && gaveUp) logger.warn({ subscriptionId: subscription.id, attempts: attempts + 1 }, 'webhook subscription failing');
          return moved;
        });
    if (!recorded || !outcome.succeeded) return;
    position = { xid: event.xid, seq: event.seq };
    attempts = 0;
    failingSince = null;
  }
  if (events.length === BATCH) await scheduleDelivery(db, subscription.id);
  else if (await heldBack(ctx, subscription, position)) {
    await scheduleDelivery(db, subscription.id, new Date(Date.now() + HELD_BACK_MS));
  }
}

/** Changes the subscription if it is still active at the cursor and failure count this run saw. */
async function moveSubscription(
  db: Pick<Db, 'updateTable'>,
  id: string,
  { position, attempts }: { position: FeedPosition; attempts: number },
  changes: Updateable<WebhookSubscriptionTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where(sql<boolean>`(cursor_xid, cursor_seq) = (${position.xid}::xid8, ${position.seq}::bigint)`)
    .where('attempts', '=', attempts)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The owner's view of the feed: a provider's subscription reads its organization's changes only. */
function ownerContext(db: Db, subscription: WebhookSubscriptionRow): Context {
  const scope: Scope = subscription.organization_id
    ? { kind: 'organization', organizationId: subscription.organization_id }
    : EVERY_ORGANIZATION;
  const role = subscription.organization_id ? 'provider' : 'admin';
  const credential = { id: subscription.owner_key_id, role, organizationId: subscription.organization_id } as const;
  return createContext(db, { credential, scope, requestId: `webhook:${subscription.id}` });
}

function eventTypeOf(entity: string, operation: string): WebhookEventType {
  return `${entity}.${operation === 'create' ? 'created' : 'updated'}` as WebhookEventType;
}

const eventTypeSql = sql<string>`changes.entity_type || CASE changes.operation WHEN 'create' THEN '.created' ELSE '.updated' END`;

/** The subscription's events after its cursor, of transactions no running one can precede (as /v1/changes reads). */
async function backlog(ctx: Context, subscription: WebhookSubscriptionRow, limit: number): Promise<Event[]> {
  const rows = await changesAfter(ctx, { xid: subscription.cursor_xid, seq: subscription.cursor_seq })
    .where(sql<boolean>`${eventTypeSql} = ANY (${subscription.event_types}::text[])`)
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const type = eventTypeOf(row.entity_type, row.operation);
    const data = {
      type: row.entity_type,
      id: row.entity_id,
      operation: row.operation,
      version: row.version,
      organizationId: row.organization_id,
      at: row.at.toISOString(),
    };
    return {
      xid: row.xid,
      seq: row.seq,
      type,
      entityId: row.entity_id,
      body: JSON.stringify({ type, timestamp: data.at, data }),
    };
  });
}

/** Whether changes of the subscription wait behind a transaction still running. */
async function heldBack(ctx: Context, subscription: WebhookSubscriptionRow, position: FeedPosition): Promise<boolean> {
  const row = await ctx.scoped
    .selectFrom('changes')
    .select('changes.seq')
    .where(sql<boolean>`(changes.xid, changes.seq) > (${position.xid}::xid8, ${position.seq}::bigint)`)
    .where(sql<boolean>`changes.xid >= pg_snapshot_xmin(pg_current_snapshot())`)
    .where(sql<boolean>`${eventTypeSql} = ANY (${subscription.event_types}::text[])`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The event's `webhook-id`: its place in the feed, the same on every attempt and replay. */
function messageId(event: Pick<Event, 'xid' | 'seq'>): string {
  return `msg_${event.xid}_${event.seq}`;
}

export function backoff(config: Config, attempt: number): number {
  return Math.min(config.WEBHOOK_RETRY_INITIAL_MS * 2 ** Math.min(attempt - 1, 30), config.WEBHOOK_RETRY_MAX_MS);
}

async function send(subscription: WebhookSubscriptionRow, event: Event, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ltc-registry-webhooks',
        ...signedHeaders(subscription.secret, messageId(event), new Date(), event.body),
      },
      body: event.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await excerpt(response);
    const succeeded = response.status >= 200 && response.status < 300;
    return {
      succeeded,
      statusCode: response.status,
      error: succeeded ? null : `the receiver answered ${response.status}`,
      response: text,
      durationMs: durationMs(),
    };
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describe(error);
    return { succeeded: false, statusCode: null, error: reason, response: null, durationMs: durationMs() };
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? `could not reach the receiver (${code})` : 'could not reach the receiver';
}

/** The start of the answer, read no further: a receiver's long answer costs nothing. */
async function excerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < EXCERPT) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text === '' ? null : text.slice(0, EXCERPT);
}

async function stopFailing(db: Db, subscription: WebhookSubscriptionRow, reason: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ status: 'failing', last_error: reason, next_attempt_at: null })
    .where('id', '=', subscription.id)
    .where('status', '=', 'active')
    .execute();
}
