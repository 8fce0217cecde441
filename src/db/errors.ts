import { sql, type Kysely } from 'kysely';

/** Any handle of this database: the shared tables of a context, or the whole of it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- savepoints work on any schema
type Db = Kysely<any>;

/** PostgreSQL's SQLSTATE for a unique violation, and the constraint that raised it. */
export function uniqueViolation(error: unknown): string | undefined {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23505' ? (pgError.constraint ?? '') : undefined;
}

/** PostgreSQL's SQLSTATE for an exclusion violation (a double booking), and the constraint that raised it. */
export function exclusionViolation(error: unknown): string | undefined {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23P01' ? (pgError.constraint ?? '') : undefined;
}

/**
 * Runs `work` so that its failure undoes only its own writes: inside a transaction it gets a
 * savepoint, so the transaction survives (a bulk import goes on with the next line) and can still
 * read, for instance to name the existing row behind a unique violation.
 */
export async function inSavepoint<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (!db.isTransaction) return work();
  await sql`SAVEPOINT guarded_write`.execute(db);
  try {
    const result = await work();
    await sql`RELEASE SAVEPOINT guarded_write`.execute(db);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT guarded_write`.execute(db);
    throw error;
  }
}

/** Runs `write` so that a unique violation can be answered with `conflict`'s error. */
export async function guardUnique<T>(
  db: Db,
  write: () => Promise<T>,
  conflict: (constraint: string) => Promise<Error | undefined>,
): Promise<T> {
  try {
    return await inSavepoint(db, write);
  } catch (error) {
    const constraint = uniqueViolation(error);
    const answer = constraint === undefined ? undefined : await conflict(constraint);
    throw answer ?? error;
  }
}

/** `guardUnique` for one named constraint. */
export function onUniqueViolation<T>(
  db: Db,
  write: () => Promise<T>,
  constraint: string,
  conflict: () => Error | Promise<Error>,
): Promise<T> {
  return guardUnique(db, write, async (violated) => (violated === constraint ? conflict() : undefined));
}
