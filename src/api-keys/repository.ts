import type { Db } from '../db/database.js';
import type { ApiKeyRow } from '../db/schema.js';
import { after } from '../http/pagination.js';
import { hashSecret } from './secrets.js';

type NewApiKey = Pick<ApiKeyRow, 'name' | 'role' | 'organization_id'>;

export async function insertKey(db: Db, key: NewApiKey, secret: string): Promise<ApiKeyRow> {
  return db
    .insertInto('api_keys')
    .values({ ...key, secret_hash: hashSecret(secret) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findActiveKeyBySecret(db: Db, secretHash: Buffer): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('secret_hash', '=', secretHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

const TOUCH_INTERVAL_MS = 60_000;

/** Records use at most once a minute, so authentication does not write on every request. */
export async function touchKey(db: Db, key: ApiKeyRow): Promise<void> {
  if (key.last_used_at && Date.now() - key.last_used_at.getTime() < TOUCH_INTERVAL_MS) return;
  // Set first on the (possibly cached) row, so that concurrent requests do not all write it.
  key.last_used_at = new Date();
  await db.updateTable('api_keys').set({ last_used_at: key.last_used_at }).where('id', '=', key.id).execute();
}

export interface KeyFilter {
  role?: ApiKeyRow['role'];
  organizationId?: string;
  includeRevoked: boolean;
  cursor?: string;
  limit: number;
}

export async function listKeys(db: Db, filter: KeyFilter): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .$if(filter.role !== undefined, (query) => query.where('role', '=', filter.role!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(!filter.includeRevoked, (query) => query.where('revoked_at', 'is', null))
    .$if(filter.cursor !== undefined, (query) => query.where(after('api_keys', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** Revokes the key; revoking twice keeps the first revocation time. */
export async function revokeKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now', [])) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
