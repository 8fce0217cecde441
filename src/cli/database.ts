import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { connectDatabaseServer, type DatabaseServer } from '../db/connect.js';
import { createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';

export interface CliContext {
  config: Config;
  logger: Logger;
  db: Db;
  server: DatabaseServer;
}

/**
 * Runs a command-line task against the same database the service would use (DATABASE_URL or the
 * embedded one under DATA_DIR), then closes everything.
 */
export async function withDatabase(task: (context: CliContext) => Promise<void>, options = { migrate: true }): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const server = await connectDatabaseServer(config, logger);
  const db = createDatabase({ connectionString: server.url, poolSize: 4 });
  try {
    if (options.migrate) await migrateToLatest(db);
    await task({ config, logger, db, server });
  } finally {
    await db.destroy();
    await server.stop();
  }
}

/** `--name value` pairs of argv. */
export function parseFlags(argv: string[]): Record<string, string | true> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined || !arg.startsWith('--')) continue;
    const value = argv[i + 1];
    if (value !== undefined && !value.startsWith('--')) {
      flags[arg.slice(2)] = value;
      i++;
    } else flags[arg.slice(2)] = true;
  }
  return flags;
}
