import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * How long the change feed (src/integration/changes.ts) has been held back, in seconds: the age
 * of the oldest transaction still running that holds a transaction id, 0 when none does.
 *
 * The feed reads only changes below its snapshot's xmin, the oldest transaction id still running
 * anywhere in the cluster (xids are cluster-wide, so no database filter). While that transaction
 * runs, every change committed after it started waits; so this is the longest any committed change
 * can have waited, and it names the cause (that backend's pid in pg_stat_activity). The age of the
 * newest change would not do: it grows on a quiet night when nothing is late.
 *
 * Sessions of other roles show no xid without pg_read_all_stats; the service's own always do.
 */
export async function changeFeedLagSeconds(db: Db): Promise<number> {
  const { rows } = await sql<{ lag: number | null }>`
    SELECT extract(epoch FROM clock_timestamp() - min(xact_start))::float8 AS lag
    FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL
  `.execute(db);
  return rows[0]?.lag ?? 0;
}

/** `work`, or a rejection after `ms`: a scrape must answer even when the pool has no connection free. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
