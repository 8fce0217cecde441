import { sql, type Kysely } from 'kysely';

/*
 * Import jobs (issue 18): an NDJSON import that runs in the background instead of holding its
 * request open.
 *
 * - A job belongs to the organization it imports into, and keeps who submitted it (the key's id,
 *   role and organization) so that the worker rebuilds the submitter's scope.
 * - The uploaded file is kept line by line (bulk_import_job_lines): the upload is stored in
 *   chunks as it arrives, and the worker reads it back in chunks after the last line it committed
 *   (`processed_through`). A line too long to keep, or not UTF-8, is kept as its flaw only: the
 *   worker reports it as the synchronous import does. Blank lines are not kept; their numbers are
 *   skipped, so line numbers stay the sender's.
 * - The failed lines (bulk_import_job_failures) and the job's progress and totals are written in
 *   the transaction of the chunk they belong to, with the chunk's records: a chunk is done once,
 *   whole, or not at all. The lines are deleted once the job is over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE bulk_import_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      kind text NOT NULL CHECK (kind IN ('clients', 'assessments')),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      credential_id uuid REFERENCES api_keys (id),
      credential_role text NOT NULL CHECK (credential_role IN ('admin', 'regional', 'provider', 'medical_partner')),
      credential_organization_id uuid,
      request_id text NOT NULL,
      total_lines integer NOT NULL DEFAULT 0,
      processed_through integer NOT NULL DEFAULT 0,
      processed_lines integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      error jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      CHECK ((status = 'failed') = (error IS NOT NULL)),
      CHECK ((status IN ('succeeded', 'failed')) = (finished_at IS NOT NULL))
    );
    CREATE INDEX bulk_import_jobs_page ON bulk_import_jobs (created_at, id);
    CREATE INDEX bulk_import_jobs_by_organization ON bulk_import_jobs (organization_id, created_at, id);

    CREATE TABLE bulk_import_job_lines (
      job_id uuid NOT NULL REFERENCES bulk_import_jobs (id) ON DELETE CASCADE,
      line integer NOT NULL,
      content bytea,
      flaw text CHECK (flaw IN ('not_utf8', 'too_long')),
      PRIMARY KEY (job_id, line),
      CHECK ((content IS NULL) <> (flaw IS NULL))
    );

    CREATE TABLE bulk_import_job_failures (
      job_id uuid NOT NULL REFERENCES bulk_import_jobs (id) ON DELETE CASCADE,
      line integer NOT NULL,
      problem jsonb NOT NULL,
      PRIMARY KEY (job_id, line)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE bulk_import_job_failures;
    DROP TABLE bulk_import_job_lines;
    DROP TABLE bulk_import_jobs;
  `.execute(db);
}
