// npm run migrate [-- --status]: applies pending migrations, or lists them with their state.
import { createMigrator, migrateToLatest } from '../db/migrate.js';
import { parseFlags, withDatabase } from './database.js';

const flags = parseFlags(process.argv.slice(2));

await withDatabase(
  async ({ db }) => {
    if (flags.status) {
      const migrations = await createMigrator(db).getMigrations();
      for (const migration of migrations) {
        console.log(`${migration.executedAt ? `applied ${migration.executedAt.toISOString()}` : 'pending'.padEnd(32)}  ${migration.name}`);
      }
      return;
    }
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database schema is up to date');
  },
  { migrate: false },
);
