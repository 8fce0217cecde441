import type { Context, UnitOfWork } from '../context/request-context.js';
import { reaches } from '../context/scope.js';
import type { WebhookDeliveryRow, WebhookSubscriptionRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, OtherOrganization } from '../http/problems.js';
import { decodeFeedPosition, encodeFeedPosition } from '../integration/changes.js';
import { getOrganization } from '../organizations/service.js';
import * as repository from './repository.js';
import type { CreateSubscription, Subscription, UpdateSubscription } from './schemas.js';
import { newSecret } from './signing.js';

export async function createSubscription(tx: UnitOfWork, input: CreateSubscription) {
  // A provider's subscription is its organization's, whether the body names it or not.
  const organizationId = tx.credential.role === 'provider' ? tx.credential.organizationId : (input.organizationId ?? null);
  if (input.organizationId && !reaches(tx.scope, input.organizationId)) {
    throw new OtherOrganization(tx.credential.role, tx.credential.organizationId ?? '');
  }
  if (organizationId) await getOrganization(tx, organizationId);
  return repository.insertSubscription(tx, {
    organization_id: organizationId,
    owner_key_id: tx.credential.id,
    url: input.url,
    event_types: input.eventTypes,
    description: input.description ?? null,
    secret: newSecret(),
  });
}

export async function getSubscription(ctx: Context, id: string): Promise<WebhookSubscriptionRow> {
  const row = await repository.findSubscription(ctx, id);
  if (!row) throw new NotFound('Subscription', id);
  return row;
}

/**
 * Changes what and where it delivers. Activating a paused or failing subscription resumes its
 * backlog at once; pausing holds it (the cursor stays, events wait).
 */
export async function updateSubscription(tx: UnitOfWork, id: string, ifMatch: IfMatch, input: UpdateSubscription) {
  const current = await getSubscription(tx, id);
  const resumes = input.status === 'active' && current.status !== 'active';
  const updated = await repository.updateSubscription(tx, id, expectedVersion(ifMatch, current), {
    url: input.url,
    event_types: input.eventTypes,
    description: input.description,
    ...(resumes ? repository.resumedAt({ xid: current.cursor_xid, seq: current.cursor_seq }) : {}),
    ...(input.status === 'paused' ? { status: 'paused' as const, next_attempt_at: null } : {}),
  });
  if (!updated) throw failedUpdate(await repository.findSubscription(tx, id), ifMatch, () => new NotFound('Subscription', id));
  if (resumes || input.url !== undefined || input.eventTypes !== undefined) await repository.scheduleDelivery(tx.db, id);
  return updated;
}

/**
 * Sends again every event after `since` (absent: the backlog, now): the cursor moves there and
 * the subscription is active with no failure counted. The events keep their `webhook-id`s, so a
 * receiver that took one already can tell.
 */
export async function replay(tx: UnitOfWork, id: string, since: string | undefined) {
  const current = await repository.lockSubscription(tx, id);
  if (!current) throw new NotFound('Subscription', id);
  const position = since === undefined ? { xid: current.cursor_xid, seq: current.cursor_seq } : decodeFeedPosition(since, 'body', '/since');
  // Locked above: the version is still the one read.
  const updated = await repository.updateSubscription(tx, id, current.version, repository.resumedAt(position));
  await repository.scheduleDelivery(tx.db, id);
  return updated as WebhookSubscriptionRow;
}

export function toSubscription(row: WebhookSubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    organizationId: row.organization_id,
    status: row.status,
    cursor: encodeFeedPosition({ xid: row.cursor_xid, seq: row.cursor_seq }),
    backlog: {
      attempts: row.attempts,
      failingSince: row.failing_since?.toISOString() ?? null,
      nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
      lastError: row.last_error,
    },
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toDelivery(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    messageId: row.message_id,
    eventType: row.event_type,
    entityId: row.entity_id,
    // Just before the event: a replay since there sends it and what followed it again.
    replayFrom: encodeFeedPosition({ xid: row.change_xid, seq: row.change_seq - 1 }),
    attempt: row.attempt,
    succeeded: row.succeeded,
    statusCode: row.status_code,
    error: row.error,
    response: row.response_excerpt,
    durationMs: row.duration_ms,
    attemptedAt: row.created_at.toISOString(),
  };
}
