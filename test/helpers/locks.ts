import pg from 'pg';

/**
 * Runs `start` while a side connection holds the lock `lock` takes (a `LOCK TABLE`, a `SELECT …
 * FOR UPDATE`), and lets it go once `waiting` of the service's backends queue behind it (as a
 * second connection sees them: pg_stat_activity is a snapshot within the locker's own
 * transaction). So a race is made real, not left to scheduling: every contender has read and
 * checked before any of them writes.
 */
export async function behindLock<T>(
  url: string,
  lock: { sql: string; parameters?: unknown[] },
  waiting: number,
  start: () => Promise<T>,
): Promise<T> {
  const locker = new pg.Client({ connectionString: url });
  const observer = new pg.Client({ connectionString: url });
  await Promise.all([locker.connect(), observer.connect()]);
  try {
    await locker.query('BEGIN');
    await locker.query(lock.sql, lock.parameters);
    const running = start();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await observer.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'ltc-registry' AND wait_event_type = 'Lock'`,
      );
      const queued = rows[0]?.count ?? 0;
      if (queued === waiting) break;
      if (Date.now() > deadline) throw new Error(`only ${queued} of ${waiting} requests reached the lock`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await locker.query('COMMIT');
    return await running;
  } finally {
    await Promise.all([locker.end(), observer.end()]);
  }
}
