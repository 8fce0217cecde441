import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import t from 'tap';
import { enqueue, startWorker, type JobTasks } from '../../src/jobs/queue.js';
import { createTestDatabase } from '../helpers/database.js';

const silent = pino({ level: 'silent' });

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the job worker');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

t.test('a job exists exactly when the write that added it committed, and runs once among several workers', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const ran: { worker: string; payload: unknown }[] = [];
  const workers = await Promise.all(
    ['a', 'b'].map(async (worker) => {
      const pool = new pg.Pool({ connectionString: database.url, max: 4 });
      const tasks: JobTasks = { record: async (payload) => void ran.push({ worker, payload }) };
      const runner = await startWorker({ pool, tasks, logger: silent, concurrency: 2, pollIntervalMs: 100, crontab: '' });
      return { pool, runner };
    }),
  );
  t.teardown(async () => {
    for (const { pool, runner } of workers) {
      await runner.stop();
      await pool.end();
    }
  });

  await database.db
    .transaction()
    .execute(async (tx) => {
      await enqueue(tx, 'record', { n: 0 });
      throw new Error('the write fails');
    })
    .catch(() => undefined);
  await database.db.transaction().execute(async (tx) => {
    for (let n = 1; n <= 20; n++) await enqueue(tx, 'record', { n });
  });

  await until(() => ran.length >= 20);
  // Give a second delivery of any job the time to happen before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const numbers = ran.map(({ payload }) => (payload as { n: number }).n).sort((a, b) => a - b);
  t.same(
    numbers,
    Array.from({ length: 20 }, (_, index) => index + 1),
    'each committed job ran once; the rolled-back one never',
  );
});

t.test('a job key keeps one pending job, and a job of the future waits for its time', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  for (const n of [1, 2, 3]) await enqueue(database.db, 'record', { n }, { jobKey: 'one', runAt: new Date(Date.now() + 60_000) });
  const { rows: pending } = await sql<{ payload: unknown }>`select payload from graphile_worker._private_jobs`.execute(database.db);
  t.equal(pending.length, 1, 'one job for the key');
  t.same(pending[0]?.payload, { n: 3 }, 'the latest payload');

  const ran: unknown[] = [];
  const pool = new pg.Pool({ connectionString: database.url, max: 3 });
  const runner = await startWorker({
    pool,
    tasks: { record: async (payload) => void ran.push(payload) },
    logger: silent,
    concurrency: 1,
    pollIntervalMs: 100,
    crontab: '',
  });
  t.teardown(async () => {
    await runner.stop();
    await pool.end();
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.same(ran, [], 'not run before its time');
});
