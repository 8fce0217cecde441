import { sql, type Kysely } from 'kysely';

/*
 * Goals that are reviewed (issue 17). A support program's goals were one text per quality-of-life
 * component; each goal is now an entry of its own, with an id, the component, the text, a target
 * date, a status (planned, in_progress, achieved, partly_achieved, not_achieved) and the review
 * entries that moved it (date, staff member, note, resulting status).
 *
 * - The goals stay in the program's row (JSONB, as the planned activities are): the program is the
 *   one versioned resource, so its ETag and its change-feed entries cover its goals, and appending
 *   a review raises its version like any other change.
 * - The goals stored so far become entries: one per component, in the components' order, planned,
 *   due at the end of the program's period, without reviews. Versions are left alone, as when the
 *   current figures were backfilled: the content did not change, so no change-feed entries.
 * - `review_due_on` is the earliest target date of an active program's open goals (planned or in
 *   progress), computed by the database from the goals, so the list of programs due for review is
 *   an indexed range and can never disagree with the goals. Dates are built with make_date from the
 *   ISO text, which is immutable (a text-to-date cast reads DateStyle).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE support_programs p
       SET goals = coalesce((
         SELECT jsonb_agg(
                  jsonb_build_object(
                    'id', gen_random_uuid(), 'component', g.key, 'text', g.value,
                    'targetDate', to_char(p.period_to, 'YYYY-MM-DD'), 'status', 'planned', 'reviews', '[]'::jsonb)
                  ORDER BY array_position(ARRAY['physical', 'psychological', 'social', 'spiritual'], g.key))
           FROM jsonb_each_text(p.goals) g
       ), '[]'::jsonb)
     WHERE jsonb_typeof(p.goals) = 'object';

    ALTER TABLE support_programs ADD CONSTRAINT support_programs_goals_list CHECK (jsonb_typeof(goals) = 'array');

    CREATE FUNCTION support_program_review_due(goals jsonb) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT min(make_date(split_part(g->>'targetDate', '-', 1)::int, split_part(g->>'targetDate', '-', 2)::int,
                           split_part(g->>'targetDate', '-', 3)::int))
        FROM jsonb_array_elements(goals) g
       WHERE g->>'status' IN ('planned', 'in_progress')
    $$;

    ALTER TABLE support_programs ADD COLUMN review_due_on date
      GENERATED ALWAYS AS (CASE WHEN status = 'active' THEN support_program_review_due(goals) END) STORED;
    CREATE INDEX support_programs_review_due ON support_programs (review_due_on) WHERE review_due_on IS NOT NULL;
    -- GET /v1/support-programs pages over every client's programs in creation order.
    CREATE INDEX support_programs_all_page ON support_programs (created_at, id);
  `.execute(db);
}
