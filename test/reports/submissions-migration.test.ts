import t from 'tap';
import { sql, type Kysely } from 'kysely';
import { down, up } from '../../migrations/20261204T0930_report_submissions.js';
import { createTestDatabase } from '../helpers/database.js';

t.test('the submissions migration goes down and up again', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const db = database.db as unknown as Kysely<unknown>;
  await down(db);
  const gone = await sql<{ name: string | null }>`SELECT to_regclass('report_submissions')::text AS name`.execute(db);
  t.equal(gone.rows[0]?.name, null, 'the table is gone');
  await up(db);
  const back = await sql<{ name: string | null }>`SELECT to_regclass('report_submissions')::text AS name`.execute(db);
  t.equal(back.rows[0]?.name, 'report_submissions', 'and back');
});
