import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { KeyCache } from './key-cache.js';

/** Announced by the database on every change to a key, with the key's id (migration *api_key_change_notifications*). */
export const KEY_CHANGES_CHANNEL = 'api_key_changes';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

export interface KeyChangeListener {
  close(): Promise<void>;
}

/**
 * Keeps this instance's key cache true to changes made through any instance: a connection of its
 * own (LISTEN holds its session, so not one of the pool's) forgets each key announced. While it
 * is not listening, changes go unannounced, so the cache is suspended; it resumes, empty, once
 * listening again. A lost connection is retried with a growing pause, until `close`.
 */
export function listenForKeyChanges(connectionString: string, cache: KeyCache, logger: FastifyBaseLogger): KeyChangeListener {
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;

  async function connect(): Promise<void> {
    retry = undefined;
    const candidate = new pg.Client({ connectionString, application_name: 'ltc-registry key changes' });
    client = candidate;
    candidate.on('notification', ({ payload }) => payload && cache.forget(payload));
    candidate.on('error', (error) => lost(candidate, error));
    candidate.on('end', () => lost(candidate));
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${KEY_CHANGES_CHANNEL}`);
    } catch (error) {
      lost(candidate, error);
      return;
    }
    // Closed or lost while connecting: nothing to resume.
    if (client !== candidate) return;
    retryMs = FIRST_RETRY_MS;
    cache.resume();
  }

  function lost(candidate: pg.Client, error?: unknown): void {
    if (client !== candidate) return;
    client = undefined;
    cache.suspend();
    candidate.end().catch(() => undefined);
    if (closed) return;
    logger.warn({ err: error, retryMs }, 'not listening to API key changes: keys are read from the database until it reconnects');
    retry = setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      cache.suspend();
      await current?.end().catch(() => undefined);
    },
  };
}
