import pino from 'pino';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createDatabase } from './db/database.js';

/**
 * The OpenAPI document exactly as the service serves it at /openapi.json. Generating it needs the
 * routes, not a database: the pool is created lazily and never connects here.
 */
export async function generateOpenApiDocument(): Promise<string> {
  const db = createDatabase({ connectionString: 'postgres://contract@127.0.0.1:1/contract' });
  // No job worker: it would need a database, and the document does not depend on it.
  const app = await buildApp({ config: loadConfig({ JOBS_WORKER: 'false' }), db, logger: pino({ level: 'silent' }) });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await db.destroy();
  }
}
