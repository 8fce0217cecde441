import { sql, type Kysely } from 'kysely';
import mapping from './data/program-suggestion-2026.json' with { type: 'json' };

/*
 * The mapping behind a suggested support program (issue 17), as data and versioned like the
 * instruments: a row per version, its rules in JSONB (see migrations/data/program-suggestion-2026.json:
 * for each form, the items and the answers that count as a deficit, or the social-support levels;
 * the activity types they lead to, by catalog code, with a frequency; goal templates per
 * quality-of-life component; the rationale, quoted from the milieu-therapy technology).
 *
 * The service uses the highest version. A suggestion names the version it was made from, so a
 * version never changes and is never removed, not even before first use: a change is a new version
 * in a new migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE program_suggestion_mappings (
      id text PRIMARY KEY,
      version integer NOT NULL UNIQUE CHECK (version >= 1),
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE FUNCTION program_suggestion_mappings_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'a program suggestion mapping never changes (%); add a new version instead', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    CREATE TRIGGER program_suggestion_mappings_immutable BEFORE UPDATE OR DELETE ON program_suggestion_mappings
      FOR EACH ROW EXECUTE FUNCTION program_suggestion_mappings_immutable();
    CREATE TRIGGER program_suggestion_mappings_no_truncate BEFORE TRUNCATE ON program_suggestion_mappings
      FOR EACH STATEMENT EXECUTE FUNCTION program_suggestion_mappings_immutable();
  `.execute(db);
  await sql`
    INSERT INTO program_suggestion_mappings (id, version, definition)
    VALUES (${mapping.id}, ${mapping.version}, ${JSON.stringify(mapping)}::jsonb)
  `.execute(db);
}
