import fp from 'fastify-plugin';
import pg from 'pg';
import type { Runner } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { keepAliveOnConnectionLoss } from '../db/database.js';
import { startWorker, type JobTasks } from './queue.js';

export interface JobsOptions {
  config: Config;
  tasks: JobTasks;
  /** The recurring jobs, crontab lines. */
  crontab: string;
  logger: Logger;
}

/**
 * Runs the job worker beside the HTTP server when JOBS_WORKER is on: every instance may run one,
 * the queue hands each job to one of them. The worker has a pool of its own, so that long jobs
 * never take the connections requests need; it stops before the app's pool closes.
 */
export default fp<JobsOptions>(
  async (app, { config, tasks, crontab, logger }) => {
    if (!config.JOBS_WORKER) return;
    if (!config.DATABASE_URL) throw new Error('The job worker needs DATABASE_URL');
    // The worker listens on one connection and works on up to `concurrency` more.
    const pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: config.JOBS_CONCURRENCY + 2,
      application_name: 'ltc-registry-jobs',
    });
    // graphile-worker requires both handlers of a pool it is given (and warns on stderr otherwise).
    keepAliveOnConnectionLoss(pool);
    let runner: Runner | undefined;
    app.addHook('onReady', async () => {
      runner = await startWorker({
        pool,
        tasks,
        logger,
        concurrency: config.JOBS_CONCURRENCY,
        pollIntervalMs: config.JOBS_POLL_INTERVAL_MS,
        crontab,
      });
    });
    app.addHook('onClose', async () => {
      await runner?.stop();
      await pool.end();
    });
  },
  { name: 'jobs' },
);
