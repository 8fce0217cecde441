import { sql, type Kysely } from 'kysely';

/*
 * A change in the feed carries the record's new version, its ETag. Every change a caller makes
 * raises the version; refreshing a client's current-assessment figures does not (the assessment
 * itself is in the feed). Those refreshes used to enter the feed as client updates with the
 * version unchanged: a regional import of 100,000 assessments added 100,000 of them, each
 * telling a reader nothing, and cost a fifth of the refresh. An update now enters the feed only
 * where the version moved; creations are unchanged.
 */
const TABLES = [
  ['clients', 'client'],
  ['assessments', 'assessment'],
  ['support_programs', 'support_program'],
  ['activities', 'activity'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO changes (entity_type, entity_id, operation, version, organization_id)
      SELECT TG_ARGV[0], created.id, 'create', created.version, created.organization_id
      FROM changed_rows created;
      RETURN NULL;
    END $$;
    CREATE FUNCTION record_updates() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO changes (entity_type, entity_id, operation, version, organization_id)
      SELECT TG_ARGV[0], updated.id, 'update', updated.version, updated.organization_id
      FROM changed_rows updated JOIN previous_rows previous USING (id)
      WHERE updated.version <> previous.version;
      RETURN NULL;
    END $$;
  `.execute(db);
  for (const [table, entity] of TABLES) {
    await sql`
      DROP TRIGGER ${sql.id(`${table}_updated`)} ON ${sql.table(table)};
      CREATE TRIGGER ${sql.id(`${table}_updated`)} AFTER UPDATE ON ${sql.table(table)}
        REFERENCING OLD TABLE AS previous_rows NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_updates(${sql.lit(entity)});
    `.execute(db);
  }
}
