import { sql, type Kysely } from 'kysely';

/*
 * Puts right the duplicate assessments that concurrent writes left, so that the unique keys of
 * the next migration (20261201T0900_no_double_records) can be created on any database.
 * - Copies of one final assessment (same client, form and date), as concurrent imports of one file
 *   wrote them: the latest, the one the client's current figures show, stays; the earlier ones are
 *   marked superseded by it, as a correction would have left them. Nothing is deleted (assessments
 *   never are) and their history stays readable.
 * - Two current assessments holding one interview number, as concurrent creates numbered them:
 *   distinct interviews, both real, so neither is voided; the later ones get the next free
 *   numbers, which is what they would have got one after the other.
 * Both raise the version of the rows they change, so the change feed tells subscribers about them,
 * and only about them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    WITH copies AS (
      SELECT id, first_value(id) OVER (PARTITION BY client_id, instrument_id, assessed_on ORDER BY created_at DESC, id DESC) AS kept
      FROM assessments WHERE status = 'final' AND superseded_by IS NULL
    )
    UPDATE assessments a SET superseded_by = copies.kept, updated_at = now(), version = a.version + 1
    FROM copies WHERE a.id = copies.id AND copies.id <> copies.kept;

    WITH holders AS (
      SELECT id, client_id, instrument_id, created_at,
        row_number() OVER (PARTITION BY client_id, instrument_id, interview_no ORDER BY created_at, id) AS holder
      FROM assessments WHERE superseded_by IS NULL AND (status = 'final' OR supersedes IS NULL)
    ), later AS (
      SELECT id, client_id, instrument_id, row_number() OVER (PARTITION BY client_id, instrument_id ORDER BY created_at, id) AS rank
      FROM holders WHERE holder > 1
    ), highest AS (
      SELECT client_id, instrument_id, max(interview_no) AS interview_no FROM assessments GROUP BY client_id, instrument_id
    )
    UPDATE assessments a SET interview_no = highest.interview_no + later.rank, updated_at = now(), version = a.version + 1
    FROM later JOIN highest USING (client_id, instrument_id) WHERE a.id = later.id;
  `.execute(db);
}
