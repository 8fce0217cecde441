/**
 * A failure to start the embedded PostgreSQL, told in one line: what went wrong and what to do.
 * Every cause ends with the way out that always works: a PostgreSQL server of one's own.
 */
export class EmbeddedPostgresError extends Error {
  constructor(cause: string, fix: string) {
    super(`embedded PostgreSQL cannot start: ${cause}; ${fix}, or set DATABASE_URL to use your own PostgreSQL server`);
    this.name = 'EmbeddedPostgresError';
  }
}

/** The errno code of a failed system call (`EACCES`), else the message. */
export function reason(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
  return String(error);
}
