import { sql, type Kysely } from 'kysely';

/*
 * Monthly submissions of the long-term care report to the region (issue 18): the regional report
 * of a month, frozen as a snapshot with its validation findings, as approved monitoring reports
 * are (20261124T0600), but immutable from the start: a submission is what was sent.
 *
 * - A submission covers the whole region (every social-service organization), so it belongs to
 *   no one organization: a shared table, read and written by the region.
 * - A month's corrections form a chain: the first submission of a month supersedes nothing (one
 *   per month: the partial unique index), each later one supersedes exactly one of the same month
 *   (the composite foreign key), and no submission is superseded twice (the unique constraint).
 *   So a month has exactly one current submission, the chain's last, and two requests racing to
 *   submit or correct the same month cannot both land. No row is ever updated: "current" is read
 *   as "superseded by none".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE report_submissions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      as_of date NOT NULL,
      weekly_hours_per_fte double precision NOT NULL CHECK (weekly_hours_per_fte > 0),
      hourly_rate double precision CHECK (hourly_rate >= 0),
      report jsonb NOT NULL,
      findings jsonb NOT NULL,
      -- Findings per code, so that a list of submissions need not read every finding.
      finding_counts jsonb NOT NULL,
      supersedes uuid,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (month, id),
      CONSTRAINT report_submissions_superseded_once UNIQUE (supersedes),
      FOREIGN KEY (month, supersedes) REFERENCES report_submissions (month, id),
      CHECK (supersedes IS NULL OR reason IS NOT NULL)
    );
    CREATE UNIQUE INDEX report_submissions_first_of_month ON report_submissions (month) WHERE supersedes IS NULL;
    CREATE INDEX report_submissions_page ON report_submissions (created_at, id);
    CREATE INDEX report_submissions_by_month ON report_submissions (month, created_at, id);

    -- What was submitted never changes: a correction is a new submission that supersedes it.
    CREATE FUNCTION report_submissions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'report submissions never change; submit a correction that supersedes one'
        USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    CREATE TRIGGER report_submissions_immutable BEFORE UPDATE OR DELETE ON report_submissions
      FOR EACH ROW EXECUTE FUNCTION report_submissions_immutable();
    CREATE TRIGGER report_submissions_not_truncated BEFORE TRUNCATE ON report_submissions
      FOR EACH STATEMENT EXECUTE FUNCTION report_submissions_immutable();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE report_submissions;
    DROP FUNCTION report_submissions_immutable();
  `.execute(db);
}
