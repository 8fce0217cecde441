import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely';
import type { Db } from './database.js';

/** `migrations/` at the project root, both from `src/db` and from the compiled `dist/src/db`. */
const MIGRATION_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export function createMigrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATION_FOLDER }),
  });
}

/**
 * Runs every pending migration. Kysely's PostgreSQL adapter holds an advisory lock inside one
 * transaction while it migrates, so concurrent starts wait for each other and run nothing twice.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  throwOnFailure(error, results);
  return (results ?? []).map((result) => result.migrationName);
}

function throwOnFailure(error: unknown, results: MigrationResultSet['results']): void {
  if (!error) return;
  const failed = results?.find((result) => result.status === 'Error');
  const cause = error instanceof Error ? error : new Error(String(error));
  throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause.message}`, { cause });
}
