/*
 * The migration that adds client_groups copies the groups of the clients already there; the
 * triggers it creates keep the copy from then on (test/clients/groups.test.ts).
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { createMigrator } from '../../src/db/migrate.js';
import { testServerUrl } from '../helpers/database.js';
import { withDatabase } from '../helpers/server-url.js';

const MIGRATION = '20261204T1000_client_groups';

t.test('clients assessed before the migration are in client_groups after it; those never assessed are not', async (t) => {
  const name = `ltc_client_groups_${randomBytes(4).toString('hex')}`;
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
  const before = names[names.indexOf(MIGRATION) - 1]!;
  t.notOk((await migrator.migrateTo(before)).error, `migrated up to ${before}`);
  await client.connect();
  const {
    rows: [{ id: organization }],
  } = await client.query(`INSERT INTO organizations (name, kind, region_code) VALUES ('ЦСО', 'social_service', '37') RETURNING id`);
  const { rows: clients } = await client.query<{ id: string; organization_id: string; created_at: Date }>(
    `INSERT INTO clients (organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation, social_support)
     SELECT $1, 'Петрова', 'Анна', 'петрова анна', '1940-01-01', 'female', lpad(n::text, 11, '0'), 'home', 'lives_alone', 2
     FROM generate_series(1, 3) n
     RETURNING id, organization_id, created_at`,
    [organization],
  );
  const [grouped, regrouped] = clients as [(typeof clients)[0], (typeof clients)[0]];
  await client.query(`UPDATE clients SET current_group = 2 WHERE id = $1`, [grouped.id]);
  await client.query(`UPDATE clients SET current_group = 6 WHERE id = $1`, [regrouped.id]);

  t.notOk((await migrator.migrateTo(MIGRATION)).error, 'the migration runs on them');

  const { rows } = await client.query(
    `SELECT client_id, organization_id, current_group, created_at FROM client_groups ORDER BY current_group`,
  );
  t.same(rows, [
    { client_id: grouped.id, organization_id: organization, current_group: 2, created_at: grouped.created_at },
    { client_id: regrouped.id, organization_id: organization, current_group: 6, created_at: regrouped.created_at },
  ]);
});
