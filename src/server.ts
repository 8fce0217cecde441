import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ensureFirstRunAdminKey } from './api-keys/first-run.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabaseServer } from './db/connect.js';
import { createDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './logger.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config = readConfig();
const logger = createLogger(config.LOG_LEVEL);
const databaseServer = await connectDatabaseServer(config, logger);
const db = createDatabase({ connectionString: databaseServer.url, poolSize: config.DATABASE_POOL_SIZE });

try {
  if (config.MIGRATE_ON_START) {
    const applied = await migrateToLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database schema is up to date');
  }
  if (databaseServer.embedded && !config.API_ADMIN_KEY) {
    const path = await ensureFirstRunAdminKey(db, config.DATA_DIR);
    logger.info(`admin API key for Swagger UI (Authorize): ${path}`);
  }
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  await db.destroy();
  await databaseServer.stop();
  process.exit(1);
}

// The embedded server's address too, for the connection outside the pool that listens to key changes.
const app = await buildApp({ config: { ...config, DATABASE_URL: databaseServer.url }, db, logger });

// SIGTERM/SIGINT: stop accepting, let requests in flight finish, then close the pool and the database.
closeWithGrace({ delay: 20_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await app.close();
  await db.destroy();
  await databaseServer.stop();
});

await app.listen({ host: config.HOST, port: config.PORT });
logger.info(`Swagger UI: http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}/docs`);
