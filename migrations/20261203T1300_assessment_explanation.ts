import { sql, type Kysely } from 'kysely';

/*
 * Whether an assessment is near a group boundary (issue 17): one item's answer moved to the option
 * before or after it on the form would put the score in another group. The service computes it
 * when it scores (src/instruments/explanation.ts) and stores it, so that GET /v1/clients
 * ?nearBoundary= reads the client row alone, like the other current figures: the client carries
 * its current assessment's flag, written by refreshCurrentAssessment (no index, so a refresh stays a
 * HOT update; see 20261126T1200).
 *
 * The backfill is computed here in SQL, from each assessment's stored answers and score and the
 * instruments' JSONB, which is what the assessment was scored on and can no longer change (the
 * instruments_immutable trigger). A migration imports no application code, and a frozen copy of
 * the computation in TypeScript would page every assessment through Node; this is one statement,
 * whatever a regional import left. Neither update raises a version, so nothing enters the change
 * feed: the records themselves did not change, only what is derived from them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE assessments ADD COLUMN near_boundary boolean;
    ALTER TABLE clients ADD COLUMN current_near_boundary boolean;

    WITH score_groups AS (
      SELECT i.id AS instrument_id, (g->>'group')::int AS dependency_group,
        round((g->>'minPoints')::numeric * 4)::int AS min_quarters, round((g->>'maxPoints')::numeric * 4)::int AS max_quarters
      FROM instruments i, jsonb_array_elements(i.definition->'groups') g
    ),
    options AS (
      SELECT i.id AS instrument_id, item->>'code' AS item, o.position, o.option->>'code' AS option,
        round((o.option->>'points')::numeric * 4)::int AS quarters
      FROM instruments i, jsonb_array_elements(i.definition->'items') item,
        jsonb_array_elements(item->'options') WITH ORDINALITY AS o (option, position)
    ),
    near AS (
      SELECT DISTINCT a.id
      FROM assessments a
      CROSS JOIN jsonb_each_text(a.answers) answer
      JOIN options chosen ON chosen.instrument_id = a.instrument_id AND chosen.item = answer.key AND chosen.option = answer.value
      JOIN options adjacent ON adjacent.instrument_id = chosen.instrument_id AND adjacent.item = chosen.item
        AND adjacent.position IN (chosen.position - 1, chosen.position + 1)
      JOIN score_groups scored ON scored.instrument_id = a.instrument_id
        AND a.score_quarters BETWEEN scored.min_quarters AND scored.max_quarters
      JOIN score_groups changed ON changed.instrument_id = a.instrument_id
        AND a.score_quarters + adjacent.quarters - chosen.quarters BETWEEN changed.min_quarters AND changed.max_quarters
      WHERE changed.dependency_group <> scored.dependency_group
    )
    -- IN over the set of ids: one hashed lookup a row, not a scan of the set for each.
    UPDATE assessments a SET near_boundary = a.id IN (SELECT id FROM near);

    -- The update queued the deferred constraint triggers of assessments; PostgreSQL alters no table
    -- with events pending, so they run now rather than at commit.
    SET CONSTRAINTS ALL IMMEDIATE;
    ALTER TABLE assessments ALTER COLUMN near_boundary SET NOT NULL;

    UPDATE clients c SET current_near_boundary = a.near_boundary
    FROM assessments a
    WHERE a.id = c.current_assessment_id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE clients DROP COLUMN current_near_boundary;
    ALTER TABLE assessments DROP COLUMN near_boundary;
  `.execute(db);
}
