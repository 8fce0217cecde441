/*
 * The decisions migration on a database that already holds assessed clients: their computed group
 * is copied beside the group (no decision exists yet, so they are the same), without moving any
 * client's version, so the backfill stays out of the change feed.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { createMigrator } from '../../src/db/migrate.js';
import { testServerUrl } from '../helpers/database.js';
import { withDatabase } from '../helpers/server-url.js';

const DECISIONS = '20261203T1310_assessment_decisions';

t.test('assessed clients get their computed group beside the group, unversioned', async (t) => {
  const name = `ltc_decisions_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const db = createDatabase({ connectionString: withDatabase(testServerUrl(), name), poolSize: 2 });
  const client = new pg.Client({ connectionString: withDatabase(testServerUrl(), name) });
  t.teardown(async () => {
    await client.end();
    await db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const migrator = createMigrator(db);
  const names = (await migrator.getMigrations()).map((migration) => migration.name).sort();
  const before = names[names.indexOf(DECISIONS) - 1]!;
  t.notOk((await migrator.migrateTo(before)).error, `migrated up to ${before}`);
  await client.connect();
  const one = async (text: string, values: unknown[] = []) => (await client.query(text, values)).rows[0];

  const { id: organization } = await one(
    `INSERT INTO organizations (name, kind, region_code) VALUES ('ЦСО', 'social_service', '37') RETURNING id`,
  );
  const person = async (snils: string, group: number | null) =>
    (
      await one(
        `INSERT INTO clients (organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation,
           social_support, current_assessment_id, current_group)
         VALUES ($1, 'Петрова', 'Анна', 'петрова анна', '1940-01-01', 'female', $2, 'home', 'lives_alone', 2, $3, $4) RETURNING id`,
        // The assessment itself does not matter here: the backfill reads the client row only.
        [organization, snils, group === null ? null : '00000000-0000-4000-8000-000000000001', group],
      )
    ).id as string;
  const assessed = await person('11223344595', 4);
  const never = await person('00100100298', null);
  const changesBefore = (await one(`SELECT count(*)::int AS count FROM changes`)).count;

  t.notOk((await migrator.migrateTo(DECISIONS)).error, `migrated ${DECISIONS}`);
  const rows = await client.query(
    `SELECT id, current_group, current_computed_group, current_decision_id, version FROM clients ORDER BY id`,
  );
  const byId = new Map(rows.rows.map((row) => [row.id, row]));
  t.match(byId.get(assessed), { current_group: 4, current_computed_group: 4, current_decision_id: null, version: 1 });
  t.match(byId.get(never), { current_group: null, current_computed_group: null, version: 1 });
  t.equal((await one(`SELECT count(*)::int AS count FROM changes`)).count, changesBefore, 'no change-feed entries');
});
