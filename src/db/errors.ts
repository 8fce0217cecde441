import { sql } from 'kysely';
import type { Db } from './database.js';

/** PostgreSQL's SQLSTATE for a unique violation, and the constraint that raised it. */
export function uniqueViolation(error: unknown): string | undefined {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23505' ? (pgError.constraint ?? '') : undefined;
}

/**
 * Runs `write` so that a unique violation can be answered: inside a transaction the write gets a
 * savepoint, so the transaction survives the violation and can still look up the existing row.
 */
export async function guardUnique<T>(db: Db, write: () => Promise<T>, conflict: (constraint: string) => Promise<Error | undefined>): Promise<T> {
  const savepoint = db.isTransaction;
  if (savepoint) await sql`SAVEPOINT unique_write`.execute(db);
  try {
    const result = await write();
    if (savepoint) await sql`RELEASE SAVEPOINT unique_write`.execute(db);
    return result;
  } catch (error) {
    if (savepoint) await sql`ROLLBACK TO SAVEPOINT unique_write`.execute(db);
    const constraint = uniqueViolation(error);
    const answer = constraint === undefined ? undefined : await conflict(constraint);
    throw answer ?? error;
  }
}

/** `guardUnique` for one named constraint. */
export function onUniqueViolation<T>(db: Db, write: () => Promise<T>, constraint: string, conflict: () => Error | Promise<Error>): Promise<T> {
  return guardUnique(db, write, async (violated) => (violated === constraint ? conflict() : undefined));
}
