import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssessmentSettings } from '../assessments/service.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { Page } from '../http/common-schemas.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import type { JobTasks } from '../jobs/queue.js';
import type { BulkImportJobRow } from './jobs-repository.js';
import { jobsQuery } from './jobs-repository.js';
import { BulkJobFailureSchema, BulkJobListQuery, BulkJobParams, BulkJobSchema } from './jobs-schemas.js';
import { IMPORT_JOB_TASK, WATCH_JOB_TASK, getJob, jobFailures, runJob, toJob, watchJob, type RunOptions } from './jobs-service.js';

const tags = ['bulk'];
const readers = { roles: ['admin', 'provider'] } as const;

/** What the import operations add about jobs to their description. */
export function jobDescription(config: Config): string {
  return (
    ' With `Prefer: respond-async`, or always when the Content-Length is above ' +
    `${config.BULK_ASYNC_ABOVE_BYTES} bytes (BULK_ASYNC_ABOVE_BYTES), the file is stored and imported in the background: the ` +
    'answer is a 202 with the job (`Location: /v1/bulk/jobs/{id}`, `Preference-Applied: respond-async`), and the job gives ' +
    'the same totals and failed lines as the synchronous answer would. `atomic=true` always runs synchronously: a job ' +
    'commits chunk by chunk.'
  );
}

function prefersAsync(request: FastifyRequest): boolean {
  const header = request.headers.prefer;
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.some((value) =>
    value.split(',').some((preference) => preference.split(/[=;]/)[0]?.trim().toLowerCase() === 'respond-async'),
  );
}

/** Whether an import runs as a job: asked for, or too large to hold a request open for; never an atomic one. */
export function runsAsJob(request: FastifyRequest, config: Config): boolean {
  if ((request.query as { atomic?: boolean }).atomic) return false;
  return prefersAsync(request) || Number(request.headers['content-length'] ?? 0) > config.BULK_ASYNC_ABOVE_BYTES;
}

export function sendJob(reply: FastifyReply, job: BulkImportJobRow) {
  return reply.code(202).header('location', `/v1/bulk/jobs/${job.id}`).header('preference-applied', 'respond-async').send(toJob(job));
}

/** The 202 of the import operations. */
export const JobAccepted = { ...BulkJobSchema, description: 'Stored as an import job; follow `Location` for its progress.' };

/** The worker's tasks: running a job a chunk at a time, and watching that its worker is alive. */
export function bulkJobTasks(db: Db, settings: AssessmentSettings, onChunk: RunOptions['onChunk']): JobTasks {
  return {
    [IMPORT_JOB_TASK]: async (payload, helpers) => {
      const { jobId } = payload as { jobId: string };
      await runJob(db, jobId, { settings, attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts, onChunk });
    },
    [WATCH_JOB_TASK]: async (payload) => {
      await watchJob(db, (payload as { jobId: string }).jobId);
    },
  };
}

const bulkJobRoutes: Routes = async (app) => {
  app.get(
    '/v1/bulk/jobs',
    {
      schema: {
        tags,
        operationId: 'listBulkJobs',
        summary: 'Import jobs, oldest first (a provider: its organization’s)',
        querystring: BulkJobListQuery,
        response: { 200: Page(BulkJobSchema, 'BulkJobPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => paginate(request, jobsQuery(request.ctx, request.query), 'bulk_import_jobs', (rows) => rows.map(toJob)),
  );

  app.get(
    '/v1/bulk/jobs/:id',
    {
      schema: {
        tags,
        operationId: 'getBulkJob',
        summary: 'An import job: its status, progress and totals',
        description:
          '`queued`, `running`, `succeeded` or `failed` (then `error` says why; the chunks committed before stay imported). ' +
          '`processedLines` of `totalLines` grows a chunk of 500 lines at a time; `totals` counts what those lines did.',
        params: BulkJobParams,
        response: { 200: BulkJobSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => toJob(await getJob(request.ctx, request.params.id)),
  );

  app.get(
    '/v1/bulk/jobs/:id/failures',
    {
      schema: {
        tags,
        operationId: 'listBulkJobFailures',
        summary: 'The failed lines of an import job, as NDJSON',
        description:
          'One JSON object per failed line processed so far, in file order: its number, the pointer to its first offending ' +
          'field and the problem the synchronous import gives that line. Every failed line is listed, however many.',
        params: BulkJobParams,
        response: {
          200: Type.Unsafe({
            description: 'NDJSON (`application/x-ndjson`), one BulkJobFailure per line.',
            content: { 'application/x-ndjson': { schema: BulkJobFailureSchema } },
          }),
          ...problemResponses(400, 404),
        },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const job = await getJob(request.ctx, request.params.id);
      const ctx = request.ctx;
      async function* ndjson() {
        for await (const failure of jobFailures(ctx, job.id)) yield `${JSON.stringify(failure)}\n`;
      }
      return reply.type('application/x-ndjson').send(Readable.from(ndjson()));
    },
  );
};

export default bulkJobRoutes;
