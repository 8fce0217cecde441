import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { migrateJobQueue } from '../jobs/queue.js';
import { poolOf, type Db } from './database.js';

/**
 * Schema migrations in `migrations/`, data migrations (seeded catalogues, backfills) apart in
 * `migrations/data/`, beside the data files they load; at the project root, both from `src/db`
 * and from the compiled `dist/src/db`. One timeline: applied in the order of their names, the
 * sortable timestamp each starts with. Migrations written before the split (data and schema
 * together) stay where they are: applied migrations are frozen.
 */
const MIGRATION_FOLDERS = ['../../migrations', '../../migrations/data'].map((folder) => fileURLToPath(new URL(folder, import.meta.url)));

class MigrationFolders implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const folders = await Promise.all(
      MIGRATION_FOLDERS.map((migrationFolder) => new FileMigrationProvider({ fs, path, migrationFolder }).getMigrations()),
    );
    const migrations: Record<string, Migration> = {};
    for (const folder of folders) {
      for (const [name, migration] of Object.entries(folder)) {
        if (name in migrations) throw new Error(`Migration ${name} is in both migration folders`);
        migrations[name] = migration;
      }
    }
    return migrations;
  }
}

export function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider: new MigrationFolders() });
}

/**
 * Runs every pending migration. Kysely's PostgreSQL adapter takes an advisory lock of this
 * database (pg_advisory_lock, on one connection) around the one transaction that applies them,
 * so instances starting at once wait for each other and run nothing twice; one that dies
 * mid-way loses the lock with its connection and its transaction rolls back
 * (test/reliability/two-instances.test.ts starts two server processes on an empty database).
 * The job queue's schema follows, by its library's own migrations (src/jobs/queue.ts).
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  throwOnFailure(error, results);
  await migrateJobQueue(poolOf(db));
  return (results ?? []).map((result) => result.migrationName);
}

function throwOnFailure(error: unknown, results: MigrationResultSet['results']): void {
  if (!error) return;
  const failed = results?.find((result) => result.status === 'Error');
  const cause = error instanceof Error ? error : new Error(JSON.stringify(error));
  throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause.message}`, { cause });
}
