/** PostgreSQL's SQLSTATE for a unique violation, and the constraint that raised it. */
export function uniqueViolation(error: unknown): string | undefined {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23505' ? (pgError.constraint ?? '') : undefined;
}

/** Runs `write`, turning a violation of the named unique constraint into the caller's error. */
export async function onUniqueViolation<T>(
  write: () => Promise<T>,
  constraint: string,
  conflict: () => Error | Promise<Error>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (uniqueViolation(error) === constraint) throw await conflict();
    throw error;
  }
}
