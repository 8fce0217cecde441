import type { AssessmentSettings } from '../assessments/service.js';
import { createContext, systemContext, type Context, type UnitOfWork } from '../context/request-context.js';
import { scopeOf, type Credential } from '../context/scope.js';
import type { Db } from '../db/database.js';
import type { BulkJobKind } from '../enums.js';
import { NotFound, definitionOf } from '../http/problems.js';
import { enqueue } from '../jobs/queue.js';
import { assessmentImporter } from './assessments.js';
import { clientImporter } from './clients.js';
import { checkImportOrganization, runImport, type Importer } from './import.js';
import { ImportJobAbandoned, ImportJobCredentialRevoked } from './jobs-problems.js';
import * as repository from './jobs-repository.js';
import type { BulkImportJobRow, StoredLine } from './jobs-repository.js';
import type { BulkJob, BulkJobFailure } from './jobs-schemas.js';
import { ndjsonLines, untilStalled, type NdjsonLine } from './ndjson.js';
import { UploadStalled } from './problems.js';
import type { LineResult, Totals } from './schemas.js';
import { MAX_IMPORT_BYTES, UPLOAD_IDLE_MS } from './service.js';

/**
 * Lines per chunk: the unit the worker commits, with the chunk's records, failures and the job's
 * progress in one transaction. Below the import's batch (BATCH_SIZE) and its cap of listed
 * failures, so a chunk is one batch and every failed line of it keeps its problem.
 */
export const JOB_CHUNK_LINES = 500;
/** The upload is written this many bytes at a time at most, whatever its lines' length: memory stays flat. */
const UPLOAD_CHUNK_BYTES = 1024 * 1024;
/**
 * A running job whose heartbeat (written with every chunk) is older than this has lost its
 * worker: the watch task queues it again, and it resumes after its last committed chunk.
 */
export const STALE_AFTER_MS = 2 * 60_000;
/** Attempts at a chunk before the job ends failed (graphile-worker retries with backoff meanwhile). */
export const JOB_ATTEMPTS = 5;

export const IMPORT_JOB_TASK = 'bulk-import-job';
export const WATCH_JOB_TASK = 'bulk-import-job-watch';

export interface JobRequest {
  kind: BulkJobKind;
  organizationId: string;
  source: AsyncIterable<Buffer | string>;
}

function storedLine(jobId: string, line: NdjsonLine) {
  if ('notUtf8' in line) return { job_id: jobId, line: line.line, content: null, flaw: 'not_utf8' as const };
  if ('tooLong' in line) return { job_id: jobId, line: line.line, content: null, flaw: 'too_long' as const };
  return { job_id: jobId, line: line.line, content: Buffer.from(line.text, 'utf8'), flaw: null };
}

/** A stored line as the import reads it: the same text, or the same flaw. */
function readLine({ line, content, flaw }: StoredLine): NdjsonLine {
  if (flaw === 'not_utf8') return { line, notUtf8: true };
  if (flaw === 'too_long') return { line, tooLong: true };
  return { line, text: (content as Buffer).toString('utf8') };
}

async function* linesOf(stored: StoredLine[]): AsyncGenerator<NdjsonLine> {
  for (const line of stored) yield readLine(line);
}

const jobKey = (id: string) => `${IMPORT_JOB_TASK}:${id}`;

async function queueJob(tx: UnitOfWork, jobId: string): Promise<void> {
  await enqueue(tx.db, IMPORT_JOB_TASK, { jobId }, { jobKey: jobKey(jobId), maxAttempts: JOB_ATTEMPTS });
}

async function queueWatch(tx: UnitOfWork, jobId: string): Promise<void> {
  const runAt = new Date(Date.now() + STALE_AFTER_MS);
  await enqueue(tx.db, WATCH_JOB_TASK, { jobId }, { jobKey: `${WATCH_JOB_TASK}:${jobId}`, runAt });
}

/**
 * Stores an upload as a job, in the request's unit of work: the lines are written in chunks as
 * they arrive (never the whole body in memory), and the job is queued in the same transaction,
 * so it exists, whole, exactly when the upload ended.
 */
export async function submitJob(tx: UnitOfWork, { kind, organizationId, source }: JobRequest): Promise<BulkImportJobRow> {
  await checkImportOrganization(tx, organizationId);
  const { credential } = tx;
  const job = await repository.insertJob(tx, {
    organization_id: organizationId,
    kind,
    credential_id: credential.id,
    credential_role: credential.role,
    credential_organization_id: credential.organizationId,
    request_id: tx.requestId,
  });
  const body = untilStalled(source, UPLOAD_IDLE_MS, () => new UploadStalled(UPLOAD_IDLE_MS / 1000));
  let chunk: ReturnType<typeof storedLine>[] = [];
  let bytes = 0;
  let total = 0;
  for await (const line of ndjsonLines(body, MAX_IMPORT_BYTES)) {
    total += 1;
    const stored = storedLine(job.id, line);
    chunk.push(stored);
    bytes += stored.content?.length ?? 0;
    if (chunk.length >= JOB_CHUNK_LINES || bytes >= UPLOAD_CHUNK_BYTES) {
      await repository.insertLines(tx, job, chunk);
      [chunk, bytes] = [[], 0];
    }
  }
  await repository.insertLines(tx, job, chunk);
  await queueJob(tx, job.id);
  await queueWatch(tx, job.id);
  return repository.updateJob(tx, job.id, { total_lines: total });
}

export async function getJob(ctx: Context, id: string): Promise<BulkImportJobRow> {
  const job = await repository.findJob(ctx, id);
  if (!job) throw new NotFound('Import job', id);
  return job;
}

export function toJob(row: BulkImportJobRow): BulkJob {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    organizationId: row.organization_id,
    totalLines: row.total_lines,
    processedLines: row.processed_lines,
    totals: { lines: row.processed_lines, created: row.created, updated: row.updated, unchanged: row.unchanged, failed: row.failed },
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    ...(row.error ? { error: row.error as BulkJob['error'] } : {}),
  };
}

/** The job's failed lines in file order, read a page at a time as they are sent. */
export async function* jobFailures(ctx: Context, jobId: string): AsyncGenerator<BulkJobFailure> {
  for (let after = 0; ;) {
    const page = await repository.failuresAfter(ctx, jobId, after, 1000);
    for (const { line, problem } of page) {
      const lineProblem = problem as BulkJobFailure['problem'];
      yield { line, pointer: lineProblem.errors?.[0]?.pointer ?? '', problem: lineProblem };
    }
    const last = page.at(-1);
    if (!last || page.length < 1000) return;
    after = last.line;
  }
}

/**
 * The submitter's unit of work, one chunk's transaction at a time. The importer (clients.ts,
 * assessments.ts) is built once per run and keeps what it learnt of the file (the lines that
 * already named a client or an assessment); it holds this object, which passes each call on to
 * the transaction of the chunk under way.
 */
class ChunkedUnitOfWork implements UnitOfWork {
  readonly inUnitOfWork = true as const;
  private current: UnitOfWork | undefined;

  constructor(private readonly context: ReturnType<typeof createContext>) {}

  get credential() {
    return this.context.credential;
  }
  get scope() {
    return this.context.scope;
  }
  get requestId() {
    return this.context.requestId;
  }
  get db() {
    return this.transaction().db;
  }
  get scoped() {
    return this.transaction().scoped;
  }

  /** Runs `work` in a transaction of its own, committed when it returns. */
  async chunk<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    return this.context.write(async (tx) => {
      this.current = tx;
      try {
        return await work(this);
      } finally {
        this.current = undefined;
      }
    });
  }

  private transaction(): UnitOfWork {
    if (!this.current) throw new Error('An import job’s statement ran outside a chunk');
    return this.current;
  }
}

/** Thrown to roll back the transaction of a re-read chunk of a resumed job; `last` is the chunk's last line. */
class Rollback extends Error {
  constructor(readonly last: number) {
    super('re-read only');
  }
}

/** Another worker committed a chunk this one did not expect: that one goes on, this one stops. */
class Overtaken extends Error {}

export interface RunOptions {
  settings: AssessmentSettings;
  /** This attempt and the last one allowed (graphile-worker's `attempts`, `max_attempts`). */
  attempt: number;
  maxAttempts: number;
  /** Stop after this many chunks, as a worker that died would (tests of resuming). */
  chunks?: number;
  /** Told each committed chunk's totals (the import metrics). */
  onChunk?: (kind: BulkJobKind, totals: Totals) => void;
}

async function importerFor(tx: UnitOfWork, settings: AssessmentSettings, job: BulkImportJobRow): Promise<Importer<never>> {
  await checkImportOrganization(tx, job.organization_id);
  return job.kind === 'clients' ? clientImporter(tx, job.organization_id) : assessmentImporter(tx, settings, job.organization_id);
}

/** Whether the key that submitted the job may still act: a revoked key's job stops. */
async function revoked(db: Db, credential: Credential): Promise<boolean> {
  if (!credential.id) return false;
  const key = await db.selectFrom('api_keys').select('revoked_at').where('id', '=', credential.id).executeTakeFirst();
  return !key || key.revoked_at !== null;
}

function problemOf(error: unknown): object {
  const definition = definitionOf(error as { code?: unknown });
  const { message, problem } = error as { message?: string; problem?: object };
  if (!definition) return { type: '/problems/internal-error', title: 'Internal error', status: 500, detail: 'The import failed.' };
  return { type: definition.type, title: definition.title, status: definition.status, detail: message ?? definition.title, ...problem };
}

/**
 * Runs a job from the chunk after its last committed one to its end. Each chunk is imported with
 * the synchronous import's per-line logic (runImport and the kind's importer) and committed with
 * its failures and the job's progress and totals, so a restart resumes with nothing done twice
 * and nothing lost. A resumed run first re-reads the committed lines in transactions it rolls
 * back, so that the importer knows the file as far as it got (a later line repeating an earlier
 * one fails as it would have), then goes on.
 */
export async function runJob(db: Db, jobId: string, options: RunOptions): Promise<void> {
  const system = systemContext(db, `${IMPORT_JOB_TASK}:${jobId}`);
  const job = await repository.findJob(system, jobId);
  if (!job || job.finished_at) return;
  const credential: Credential = { id: job.credential_id, role: job.credential_role, organizationId: job.credential_organization_id };
  const unit = new ChunkedUnitOfWork(createContext(db, { credential, scope: scopeOf(credential), requestId: job.request_id }));
  let through = job.processed_through;
  try {
    if (await revoked(db, credential)) throw new ImportJobCredentialRevoked(credential.id ?? '');
    await system.write((tx) =>
      repository.updateJob(tx, jobId, { status: 'running', started_at: job.started_at ?? new Date(), heartbeat_at: new Date() }),
    );
    const importer = await unit.chunk((tx) => importerFor(tx, options.settings, job));
    for (let after = 0; after < through;) {
      after = await unit
        .chunk(async (tx) => {
          const lines = await repository.storedLines(tx, jobId, after, JOB_CHUNK_LINES, through);
          await runImport(linesOf(lines), importer);
          throw new Rollback(lines.at(-1)?.line ?? through);
        })
        .catch((error: unknown) => {
          if (error instanceof Rollback) return error.last;
          throw error;
        });
    }
    for (let chunks = 0; options.chunks === undefined || chunks < options.chunks; chunks++) {
      const done = await unit.chunk(async (tx) => {
        const current = await repository.lockJob(tx, jobId);
        if (!current || current.processed_through !== through || current.finished_at) throw new Overtaken();
        const lines = await repository.storedLines(tx, jobId, through, JOB_CHUNK_LINES);
        const { totals, listedFailures } = await importChunk(lines, importer);
        await repository.insertFailures(
          tx,
          current,
          listedFailures.map(({ line, problem }) => ({ line, problem: problem ?? {} })),
        );
        const processed = current.processed_lines + totals.lines;
        const finished = processed >= current.total_lines;
        await repository.updateJob(tx, jobId, {
          processed_through: lines.at(-1)?.line ?? through,
          processed_lines: processed,
          created: current.created + totals.created,
          updated: current.updated + totals.updated,
          unchanged: current.unchanged + totals.unchanged,
          failed: current.failed + totals.failed,
          heartbeat_at: new Date(),
          ...(finished ? { status: 'succeeded' as const, finished_at: new Date() } : {}),
        });
        if (finished) await repository.deleteLines(tx, jobId);
        through = lines.at(-1)?.line ?? through;
        return { finished, totals };
      });
      options.onChunk?.(job.kind, done.totals);
      if (done.finished) return;
    }
  } catch (error) {
    if (error instanceof Overtaken) return;
    const known = definitionOf(error as { code?: unknown });
    // A fault of the service (the database, a bug) is retried; a problem of the job itself is final.
    if (known && known.status < 500) return fail(system, jobId, problemOf(error));
    if (options.attempt < options.maxAttempts) {
      await system.write((tx) => repository.updateJob(tx, jobId, { status: 'queued' }));
      throw error;
    }
    return fail(system, jobId, problemOf(new ImportJobAbandoned(options.attempt, String(through))));
  }
}

/** One chunk through the synchronous import's logic; a chunk is below the cap of listed failures, so every one is listed. */
async function importChunk(lines: StoredLine[], importer: Importer<never>): Promise<{ totals: Totals; listedFailures: LineResult[] }> {
  const log = await runImport(linesOf(lines), importer);
  return { totals: log.totals, listedFailures: log.listedFailures() };
}

async function fail(system: ReturnType<typeof systemContext>, jobId: string, error: object): Promise<void> {
  await system.write(async (tx) => {
    await repository.updateJob(tx, jobId, { status: 'failed', error: JSON.stringify(error), finished_at: new Date() });
    await repository.deleteLines(tx, jobId);
  });
}

/**
 * The watch over one job, run every STALE_AFTER_MS until the job is over: a job marked running
 * whose heartbeat is older than that lost its worker (graphile-worker would only run it again
 * once that worker's lock expires, after hours), so it is queued again, and resumes.
 */
export async function watchJob(db: Db, jobId: string, now = new Date()): Promise<'over' | 'requeued' | 'alive'> {
  const system = systemContext(db, `${WATCH_JOB_TASK}:${jobId}`);
  return system.write(async (tx) => {
    const job = await repository.findJob(tx, jobId);
    if (!job || job.finished_at) return 'over';
    const beat = job.heartbeat_at ?? job.created_at;
    const stale = job.status === 'running' && now.getTime() - beat.getTime() > STALE_AFTER_MS;
    if (stale) {
      await repository.updateJob(tx, jobId, { status: 'queued' });
      await queueJob(tx, jobId);
    }
    await queueWatch(tx, jobId);
    return stale ? 'requeued' : 'alive';
  });
}
