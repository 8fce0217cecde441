import { sql, type Kysely } from 'kysely';
import courses from './school-of-care-2019.json' with { type: 'json' };

/*
 * The course catalogue of the school of care (order No. 99, items 2.3 and 4), as data: each
 * course with its topics, stored as the JSON file writes it with its source. A course changes
 * never once a session uses it (the care_courses_immutable trigger); a new programme arrives as
 * a new id with a migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const course of courses.courses) {
    await sql`
      INSERT INTO care_courses (id, definition)
      VALUES (${course.id}, ${JSON.stringify({ ...course, source: courses.source })}::jsonb)
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM care_courses WHERE id = ANY(${courses.courses.map((course) => course.id)})`.execute(db);
}
