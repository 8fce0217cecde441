import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { EmbeddedPostgresError } from './embedded-error.js';
import { startEmbeddedPostgres } from './embedded.js';

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  /** Stops the embedded server; nothing to do for an external one. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR. The service and the
 * command-line tasks cannot go on without it, so a failure to start the embedded server ends the
 * process with its one line (cause and fix) instead of a stack trace.
 */
export async function connectDatabaseServer(config: Config, logger: Logger): Promise<DatabaseServer> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  logger.info({ dataDir: config.DATA_DIR }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
  try {
    const server = await startEmbeddedPostgres({
      dataDir: config.DATA_DIR,
      log: (message) => logger.debug({ postgres: message.trim() }, 'embedded postgres'),
      inform: (message) => logger.info(message),
    });
    return { url: server.url, embedded: true, stop: () => server.stop() };
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
