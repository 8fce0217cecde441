import { sql, type Kysely } from 'kysely';

/*
 * The figures of each client's current assessment, kept on the client row beside
 * `current_assessment_id`: the regional report then reads one table once (100,000 clients in tens
 * of milliseconds), and lists filtered by group walk an index instead of joining every assessment.
 * Only refreshCurrentAssessment writes them, in the transaction of the change that moves them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE clients
      ADD COLUMN current_group smallint CHECK (current_group BETWEEN 1 AND 6),
      ADD COLUMN current_next_check_on date,
      ADD COLUMN current_hours_optimal integer,
      ADD COLUMN current_hours_minimal integer,
      ADD COLUMN current_hours_by_living_situation integer;

    -- Derived columns, not a change of the client: the change feed does not hear of the backfill.
    ALTER TABLE clients DISABLE TRIGGER clients_changes;
    UPDATE clients c SET
      current_group = a.dependency_group,
      current_next_check_on = a.next_check_on,
      current_hours_optimal = a.hours_optimal,
      current_hours_minimal = a.hours_minimal,
      current_hours_by_living_situation = a.hours_by_living_situation
    FROM assessments a
    WHERE a.id = c.current_assessment_id;
    ALTER TABLE clients ENABLE TRIGGER clients_changes;

    CREATE INDEX clients_by_organization_group ON clients (organization_id, current_group, created_at, id);
  `.execute(db);
}
