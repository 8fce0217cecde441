import { randomBytes } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js';
import { testServerUrl } from '../helpers/database.js';
import { withDatabase } from '../helpers/server-url.js';

t.test('concurrent starts on an empty database run every migration exactly once', async (t) => {
  const name = `ltc_migrate_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const starts = [1, 2, 3].map(() => createDatabase({ connectionString: withDatabase(testServerUrl(), name), poolSize: 2 }));
  t.teardown(async () => {
    await Promise.all(starts.map((db) => db.destroy()));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  const applied = await Promise.all(starts.map((db) => migrateToLatest(db)));
  const all = (await createMigrator(starts[0]!).getMigrations()).map((migration) => migration.name);
  t.same(applied.flat().sort(), all.sort(), 'each migration was applied by exactly one of the starts');
  const instruments = await starts[1]!.selectFrom('instruments').select('id').execute();
  t.same(instruments.map((row) => row.id).sort(), ['bfd-home-2019', 'bfd-inpatient-2019'], 'seeded once');
  t.same(await migrateToLatest(starts[2]!), [], 'a later start finds nothing to do');
});
