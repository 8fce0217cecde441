import { sql, type Kysely } from 'kysely';

/*
 * The commission's decision beside the computed group (issue 17): a final assessment's score keeps
 * its group, and a commission of at least two staff members may decide another one, with a reason.
 * The care hours follow the decided group's row of the form's tables; they are stored with the
 * decision, as the assessment stores its own, so reports read them without scoring again.
 *
 * - One current decision per assessment, kept by a partial unique index. A later decision
 *   supersedes the current one: the service marks the earlier one first and then writes the new
 *   one (as corrections of assessments do), so superseded_by waits for the commit, when the new
 *   decision exists, and supersedes is unique: a decision is superseded once.
 * - Decisions are records of what a commission decided: never deleted (DELETE and TRUNCATE are
 *   refused) and never changed, but for superseded_by being set once.
 * - The client row carries which decision its figures come from and the computed group beside the
 *   effective one (refreshCurrentAssessment), so the regional report counts overrides in its one
 *   pass over clients. No decision exists yet: the backfill copies the computed group, and leaves
 *   versions alone (no change-feed entries).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE assessment_decisions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      assessment_id uuid NOT NULL REFERENCES assessments (id),
      client_id uuid NOT NULL,
      organization_id uuid NOT NULL,
      decided_group smallint NOT NULL CHECK (decided_group BETWEEN 1 AND 6),
      self_care_reduction text NOT NULL,
      hours_optimal integer NOT NULL,
      hours_minimal integer NOT NULL,
      hours_by_living_situation integer,
      reason text NOT NULL CHECK (length(reason) > 0),
      decided_by uuid[] NOT NULL CHECK (cardinality(decided_by) >= 2),
      decided_on date NOT NULL,
      supersedes uuid UNIQUE REFERENCES assessment_decisions (id),
      superseded_by uuid REFERENCES assessment_decisions (id) DEFERRABLE INITIALLY DEFERRED,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id)
    );
    CREATE UNIQUE INDEX assessment_decisions_one_current ON assessment_decisions (assessment_id) WHERE superseded_by IS NULL;
    CREATE INDEX assessment_decisions_by_assessment ON assessment_decisions (assessment_id, created_at, id);
    CREATE INDEX assessment_decisions_page ON assessment_decisions (created_at, id);

    CREATE FUNCTION assessment_decisions_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'commission decisions are superseded by later decisions, never deleted' USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER assessment_decisions_no_delete BEFORE DELETE OR TRUNCATE ON assessment_decisions
      FOR EACH STATEMENT EXECUTE FUNCTION assessment_decisions_kept();

    CREATE FUNCTION assessment_decisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL
        AND (to_jsonb(NEW) - 'superseded_by') = (to_jsonb(OLD) - 'superseded_by') THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'a commission decision does not change; a later decision supersedes it' USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER assessment_decisions_no_update BEFORE UPDATE ON assessment_decisions
      FOR EACH ROW EXECUTE FUNCTION assessment_decisions_immutable();

    ALTER TABLE clients
      ADD COLUMN current_decision_id uuid,
      ADD COLUMN current_computed_group smallint;
    UPDATE clients SET current_computed_group = current_group WHERE current_assessment_id IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE clients DROP COLUMN current_decision_id, DROP COLUMN current_computed_group;
    DROP TABLE assessment_decisions;
    DROP FUNCTION assessment_decisions_immutable();
    DROP FUNCTION assessment_decisions_kept();
  `.execute(db);
}
