import type { Context, UnitOfWork } from '../context/request-context.js';
import type { Db } from '../db/database.js';
import type { ApiKeyRow } from '../db/schema.js';
import type { ApiKeyListFilter } from './schemas.js';
import { hashSecret } from './secrets.js';

type NewApiKey = Pick<ApiKeyRow, 'name' | 'role' | 'organization_id'>;

export async function insertKey(tx: UnitOfWork, key: NewApiKey, secret: string): Promise<ApiKeyRow> {
  return tx.db
    .insertInto('api_keys')
    .values({ ...key, secret_hash: hashSecret(secret) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

// Authentication reads and touches keys before a request has its context (src/http/auth.ts).

export async function findActiveKeyBySecret(db: Db, secretHash: Buffer): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).where('revoked_at', 'is', null).executeTakeFirst();
}

const TOUCH_INTERVAL_MS = 60_000;

/** Records use at most once a minute, so authentication does not write on every request. */
export async function touchKey(db: Db, key: ApiKeyRow): Promise<void> {
  if (key.last_used_at && Date.now() - key.last_used_at.getTime() < TOUCH_INTERVAL_MS) return;
  // Set first on the (possibly cached) row, so that concurrent requests do not all write it.
  key.last_used_at = new Date();
  await db.updateTable('api_keys').set({ last_used_at: key.last_used_at }).where('id', '=', key.id).execute();
}

/** The keys a list filter selects, for `paginate`. */
export function keysQuery(ctx: Context, filter: ApiKeyListFilter) {
  let query = ctx.db.selectFrom('api_keys').selectAll();
  if (filter.role !== undefined) query = query.where('api_keys.role', '=', filter.role);
  if (filter.organizationId !== undefined) query = query.where('api_keys.organization_id', '=', filter.organizationId);
  if (!filter.includeRevoked) query = query.where('api_keys.revoked_at', 'is', null);
  return query;
}

/** Revokes the key; revoking twice keeps the first revocation time. */
export async function revokeKey(tx: UnitOfWork, id: string): Promise<ApiKeyRow | undefined> {
  return tx.db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now', [])) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
