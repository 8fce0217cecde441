import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { BulkImportJobLineTable, BulkImportJobTable, Database } from '../db/schema.js';
import type { BulkJobStatus } from '../enums.js';

export type BulkImportJobRow = Selectable<BulkImportJobTable>;
export type StoredLine = Selectable<BulkImportJobLineTable>;

export async function insertJob(tx: UnitOfWork, row: Insertable<BulkImportJobTable>): Promise<BulkImportJobRow> {
  return tx.scoped.insertInto('bulk_import_jobs', row).returningAll().executeTakeFirstOrThrow();
}

export async function insertLines(tx: UnitOfWork, job: BulkImportJobRow, lines: Array<Insertable<BulkImportJobLineTable>>): Promise<void> {
  if (lines.length) await tx.scoped.insertChildren('bulk_import_job_lines', job, lines).execute();
}

export async function findJob(ctx: Context, id: string): Promise<BulkImportJobRow | undefined> {
  return ctx.scoped.selectFrom('bulk_import_jobs').selectAll().where('bulk_import_jobs.id', '=', id).executeTakeFirst();
}

/** The job as the chunk's transaction finds it, locked: two workers on one job take its chunks in turn. */
export async function lockJob(tx: UnitOfWork, id: string): Promise<BulkImportJobRow | undefined> {
  return tx.scoped.selectFrom('bulk_import_jobs').selectAll().where('bulk_import_jobs.id', '=', id).forUpdate().executeTakeFirst();
}

/** Jobs in the caller's scope, for `paginate`. */
export function jobsQuery(ctx: Context, filters: { status?: BulkJobStatus; organizationId?: string }) {
  return ctx.scoped
    .selectFrom('bulk_import_jobs')
    .selectAll()
    .$if(filters.status !== undefined, (query) => query.where('bulk_import_jobs.status', '=', filters.status as BulkJobStatus))
    .$if(filters.organizationId !== undefined, (query) =>
      query.where('bulk_import_jobs.organization_id', '=', filters.organizationId as string),
    );
}

export async function updateJob(tx: UnitOfWork, id: string, changes: Updateable<BulkImportJobTable>): Promise<BulkImportJobRow> {
  return tx.scoped.updateTable('bulk_import_jobs').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Up to `limit` stored lines after line `after` (and up to line `through`), in file order. */
export async function storedLines(ctx: Context, jobId: string, after: number, limit: number, through?: number): Promise<StoredLine[]> {
  return ctx.scoped
    .selectFrom('bulk_import_job_lines')
    .selectAll()
    .where('bulk_import_job_lines.job_id', '=', jobId)
    .where('bulk_import_job_lines.line', '>', after)
    .$if(through !== undefined, (query) => query.where('bulk_import_job_lines.line', '<=', through as number))
    .orderBy('bulk_import_job_lines.line')
    .limit(limit)
    .execute();
}

export async function deleteLines(tx: UnitOfWork, jobId: string): Promise<void> {
  await tx.scoped.deleteFrom('bulk_import_job_lines').where('job_id', '=', jobId).execute();
}

export async function insertFailures(
  tx: UnitOfWork,
  job: BulkImportJobRow,
  failures: Array<{ line: number; problem: object }>,
): Promise<void> {
  if (failures.length === 0) return;
  const rows = failures.map(({ line, problem }) => ({ job_id: job.id, line, problem: JSON.stringify(problem) }));
  await tx.scoped.insertChildren('bulk_import_job_failures', job, rows).execute();
}

export type StoredFailure = Pick<Selectable<Database['bulk_import_job_failures']>, 'line' | 'problem'>;

/** A page of the job's failed lines after line `after`, in file order. */
export async function failuresAfter(ctx: Context, jobId: string, after: number, limit: number): Promise<StoredFailure[]> {
  return ctx.scoped
    .selectFrom('bulk_import_job_failures')
    .select(['bulk_import_job_failures.line', 'bulk_import_job_failures.problem'])
    .where('bulk_import_job_failures.job_id', '=', jobId)
    .where('bulk_import_job_failures.line', '>', after)
    .orderBy('bulk_import_job_failures.line')
    .limit(limit)
    .execute();
}
