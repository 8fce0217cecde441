import { Logger as WorkerLogger, run, runMigrations, type Runner, type Task } from 'graphile-worker';
import { sql, type QueryExecutorProvider } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * Background work runs on graphile-worker: its jobs live in PostgreSQL (schema `graphile_worker`),
 * are taken with SKIP LOCKED so that each runs on one instance, retried with backoff when they
 * throw, and picked up at once through LISTEN/NOTIFY. A job is added in the transaction of the
 * write that asks for it (`enqueue`), so it exists exactly when that write committed.
 */
export type JobTask = Task;
export type JobTasks = Record<string, JobTask>;

/** The queue's own schema, kept by the library's migrations; run after ours by `migrateToLatest`. */
export async function migrateJobQueue(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: silent });
}

export interface EnqueueOptions {
  /** Not before this time (a retry's backoff, a scheduled run). */
  runAt?: Date;
  /** At most one pending job per key: adding again replaces the waiting one's payload and time. */
  jobKey?: string;
  /**
   * What adding again does to the waiting job of the key: `replace` (the default) sets its run
   * time to this one's, `preserve_run_at` keeps it (a retry's backoff stays).
   */
  jobKeyMode?: 'replace' | 'preserve_run_at';
  /** Jobs of one queue run one at a time, in the order added. */
  queueName?: string;
  maxAttempts?: number;
}

/** Adds a job within `db`, which is usually the transaction of the write it belongs to. */
export async function enqueue(db: QueryExecutorProvider, task: string, payload: object, options: EnqueueOptions = {}): Promise<void> {
  await sql`select graphile_worker.add_job(
    ${task},
    ${JSON.stringify(payload)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    job_key_mode => ${options.jobKeyMode ?? 'replace'}::text
  )`.execute(db);
}

export interface WorkerOptions {
  pool: pg.Pool;
  tasks: JobTasks;
  logger: Logger;
  concurrency: number;
  /** How often to look for jobs that became due (new jobs arrive by notification at once). */
  pollIntervalMs: number;
  /** Recurring jobs, in crontab lines (`* * * * * task`): each runs once per tick among all instances. */
  crontab: string;
}

export async function startWorker({ pool, tasks, logger, concurrency, pollIntervalMs, crontab }: WorkerOptions): Promise<Runner> {
  return run({
    pgPool: pool,
    taskList: tasks,
    concurrency,
    pollInterval: pollIntervalMs,
    crontab,
    // The service's own shutdown (close-with-grace) stops the worker with the app.
    noHandleSignals: true,
    logger: toWorkerLogger(logger.child({ component: 'jobs' })),
  });
}

// Job payloads carry ids, never personal data, so the library's messages can be logged as they are.
function toWorkerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const entry = { ...scope, ...meta };
    const name: string = level;
    if (name === 'error') logger.error(entry, message);
    else if (name === 'warning') logger.warn(entry, message);
    else if (name === 'info') logger.info(entry, message);
    else logger.debug(entry, message);
  });
}

const silent = new WorkerLogger(() => () => undefined);
