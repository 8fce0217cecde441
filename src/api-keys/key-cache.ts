import type { ApiKeyRow } from '../db/schema.js';

/**
 * API keys found in the last few seconds, so that a request does not spend a database round trip
 * on authentication. A revocation through this process takes effect at once; through another
 * instance of the service, within TTL_MS.
 */
export class KeyCache {
  static readonly TTL_MS = 5_000;
  static readonly MAX_ENTRIES = 10_000;
  readonly #entries = new Map<string, { key: ApiKeyRow; expiresAt: number }>();

  get(secretHash: Buffer, now = Date.now()): ApiKeyRow | undefined {
    const id = secretHash.toString('base64');
    const entry = this.#entries.get(id);
    if (entry && entry.expiresAt > now) return entry.key;
    if (entry) this.#entries.delete(id);
    return undefined;
  }

  set(secretHash: Buffer, key: ApiKeyRow, now = Date.now()): void {
    // Entries expire but are only dropped when read; a full cache starts over rather than grow.
    if (this.#entries.size >= KeyCache.MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(secretHash.toString('base64'), { key, expiresAt: now + KeyCache.TTL_MS });
  }

  forget(keyId: string): void {
    for (const [id, entry] of this.#entries) if (entry.key.id === keyId) this.#entries.delete(id);
  }
}
