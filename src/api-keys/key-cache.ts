import type { ApiKeyRow } from '../db/schema.js';

/**
 * API keys found in the last few seconds, so that a request does not spend a database round trip
 * on authentication. It keeps keys only while changes to keys are announced to this instance
 * (key-changes.ts resumes and suspends it), which is what keeps it true to the database:
 * - a change through any instance forgets the key within milliseconds of its commit, through the
 *   `api_key_changes` notification; a revocation through this one also at once, in its route;
 * - a key read from the database before a forget is not kept after it (the epoch): it may be the
 *   very key just revoked, read a moment before the revocation committed;
 * - while no notification can arrive (not yet listening, or the connection lost) nothing is kept,
 *   and listening again starts from empty, since changes in between went unannounced;
 * - TTL_MS bounds the rest: a notification lost on its way (a pooler that drops LISTEN) costs at
 *   most that long.
 * Concurrent requests with one key missing the cache share one lookup (`lookup`): when an entry
 * expired under 200 concurrent requests, each read the key and the pool queued them all, the
 * slowest answers of the benchmark. A lookup is shared only within its epoch, so a request
 * arriving after a key was forgotten reads the key afresh.
 */
export class KeyCache {
  static readonly TTL_MS = 5_000;
  static readonly MAX_ENTRIES = 10_000;
  readonly #entries = new Map<string, { key: ApiKeyRow; expiresAt: number }>();
  readonly #lookups = new Map<string, { epoch: number; key: Promise<ApiKeyRow | undefined> }>();
  #epoch = 0;
  #suspended = true;

  /** Read before looking a key up in the database, and passed to `set` with what was found. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Changes are announced from now on: keep keys again, from empty. */
  resume(): void {
    this.#clear();
    this.#suspended = false;
  }

  /** Changes may go unannounced: keep nothing. */
  suspend(): void {
    this.#clear();
    this.#suspended = true;
  }

  get(secretHash: Buffer, now = Date.now()): ApiKeyRow | undefined {
    const id = secretHash.toString('base64');
    const entry = this.#entries.get(id);
    if (entry && entry.expiresAt > now) return entry.key;
    if (entry) this.#entries.delete(id);
    return undefined;
  }

  /** The key of `secretHash`: cached, or read by `read` once for all the requests asking meanwhile. */
  async lookup(secretHash: Buffer, read: () => Promise<ApiKeyRow | undefined>): Promise<ApiKeyRow | undefined> {
    const cached = this.get(secretHash);
    if (cached) return cached;
    const id = secretHash.toString('base64');
    const epoch = this.#epoch;
    const pending = this.#lookups.get(id);
    if (pending?.epoch === epoch) return pending.key;
    const lookup = {
      epoch,
      key: read()
        .then((key) => {
          if (key) this.set(secretHash, key, epoch);
          return key;
        })
        .finally(() => {
          if (this.#lookups.get(id) === lookup) this.#lookups.delete(id);
        }),
    };
    this.#lookups.set(id, lookup);
    return lookup.key;
  }

  /** Keeps a key read from the database at `epoch`, unless something was forgotten since. */
  set(secretHash: Buffer, key: ApiKeyRow, epoch: number, now = Date.now()): void {
    if (this.#suspended || epoch !== this.#epoch) return;
    // Entries expire but are only dropped when read; a full cache starts over rather than grow.
    if (this.#entries.size >= KeyCache.MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(secretHash.toString('base64'), { key, expiresAt: now + KeyCache.TTL_MS });
  }

  forget(keyId: string): void {
    this.#epoch++;
    for (const [id, entry] of this.#entries) if (entry.key.id === keyId) this.#entries.delete(id);
  }

  #clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }
}
