import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { checkAnswersAgainstContract } from './contract-answers.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  /** Sends a request with the given API key (or none). */
  call(key: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
}

/**
 * The real application on a fresh database of its own, closed when the test ends. It is built
 * with the production server options; only the environment differs. Every answer is checked
 * against the contract (./contract-answers.ts).
 */
export async function buildTestApp(
  t: Teardown,
  env: Record<string, string> = {},
  { poolSize }: { poolSize?: number } = {},
): Promise<TestApp> {
  // Races need a connection for each contender, or the pool would queue them one after another.
  const database = await createTestDatabase(poolSize);
  const config = loadConfig({
    DATABASE_URL: database.url,
    API_ADMIN_KEY: ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '100000',
    // Tests of background work turn the worker on (JOBS_WORKER: 'true'); the others run without it.
    JOBS_WORKER: 'false',
    ...env,
  });
  const app = await buildApp({ config, db: database.db, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  checkAnswersAgainstContract(app);
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });
  return {
    app,
    database,
    call: (key, options) =>
      app.inject({
        ...options,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers },
      }),
  };
}
