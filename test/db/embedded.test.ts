import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import pg from 'pg';
import { EmbeddedPostgresError } from '../../src/db/embedded-error.js';
import { packagedNativeDir } from '../../src/db/embedded-binaries.js';
import { SHARED_ROOT } from '../../src/db/embedded-root.js';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';

const asRoot = process.getuid?.() === 0;
const notRoot = asRoot ? false : 'only root runs PostgreSQL as the postgres user';

async function temporaryDir(t: Test, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    return rows[0]!.one;
  } finally {
    await client.end();
  }
}

/** Stops the server and removes its cluster wherever it was placed. */
function cleanUp(t: Test, server: EmbeddedDatabase): void {
  t.teardown(async () => {
    await server.stop();
    await rm(server.clusterDir, { recursive: true, force: true });
  });
}

const ONE_LINE_WITH_THE_WAY_OUT = /^embedded PostgreSQL cannot start: [^\n]+, or set DATABASE_URL to use your own PostgreSQL server$/;

t.test('a second process on the same DATA_DIR shares the running embedded server', async (t) => {
  const dataDir = await temporaryDir(t, 'ltc-shared-');
  const owner = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  cleanUp(t, owner);
  const guest = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  t.equal(guest.port, owner.port, 'the running server, not a second one');
  await guest.stop();
  t.equal(await selectOne(owner.url), 1, 'the guest leaves stopping to the owner');
});

t.test(
  'as root, a DATA_DIR inside a directory only root can enter gets its cluster where the postgres user can',
  { skip: notRoot },
  async (t) => {
    const privateParent = await temporaryDir(t, 'ltc-private-');
    await chmod(privateParent, 0o700);
    const dataDir = join(privateParent, 'data');
    const informed: string[] = [];
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true, inform: (message) => informed.push(message) });
    cleanUp(t, server);
    t.teardown(() => rm(dirname(server.clusterDir), { recursive: true, force: true }));

    t.equal(await selectOne(server.url), 1, 'the server answers');
    t.ok(server.clusterDir.startsWith(`${SHARED_ROOT}/`), `the cluster is under ${SHARED_ROOT}`);
    t.match(informed, [new RegExp(`cannot enter ${dataDir}: its embedded cluster lives in ${server.clusterDir}`)], 'the log says where');
    t.equal((await stat(privateParent)).mode & 0o777, 0o700, 'the directory outside DATA_DIR keeps its mode');
    t.ok((await readFile(join(dirname(server.clusterDir), 'postgres-password'), 'utf8')).trim(), 'its password is beside it');

    await server.stop();
    // DATA_DIR removed (to start over, say): the cluster outside it still opens with its own password.
    await rm(dataDir, { recursive: true, force: true });
    const again = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    cleanUp(t, again);
    t.equal(again.clusterDir, server.clusterDir, 'a restart finds the same cluster');
    t.equal(await selectOne(again.url), 1, 'with the same password');
  },
);

t.test('as root, binaries the postgres user cannot reach run from a copy it can', { skip: notRoot }, async (t) => {
  const privateParent = await temporaryDir(t, 'ltc-private-');
  await chmod(privateParent, 0o700);
  const nativeDir = join(privateParent, 'native');
  await cp(packagedNativeDir(), nativeDir, { recursive: true, verbatimSymlinks: true });
  const dataDir = await temporaryDir(t, 'ltc-copied-');
  const server = await startEmbeddedPostgres({ dataDir, ephemeral: true, nativeDir });
  cleanUp(t, server);

  t.equal(await selectOne(server.url), 1, 'the server answers');
  const postmasterPid = (await readFile(join(server.clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
  const executable = await readlink(`/proc/${postmasterPid}/exe`);
  t.match(
    executable,
    new RegExp(`^${SHARED_ROOT}/postgres-17[.\\d]*-[0-9a-f]{12}/bin/postgres$`),
    'the postmaster runs from the shared copy',
  );
});

t.test('binaries that are not there are one line naming the program and the reinstall', async (t) => {
  const nativeDir = await temporaryDir(t, 'ltc-no-binaries-');
  const dataDir = await temporaryDir(t, 'ltc-data-');
  const failure = await t.rejects(startEmbeddedPostgres({ dataDir, nativeDir }), EmbeddedPostgresError);
  t.match(failure, { message: ONE_LINE_WITH_THE_WAY_OUT });
  t.match(failure, { message: /bin\/postgres cannot be run \(ENOENT\); reinstall the dependencies with `npm ci`/ });
});

t.test('a DATA_DIR that cannot be created is one line naming it', async (t) => {
  const dir = await temporaryDir(t, 'ltc-file-');
  const file = join(dir, 'not-a-directory');
  await writeFile(file, '');
  const failure = await t.rejects(startEmbeddedPostgres({ dataDir: join(file, 'data') }), EmbeddedPostgresError);
  t.match(failure, { message: ONE_LINE_WITH_THE_WAY_OUT });
  t.match(failure, { message: `DATA_DIR ${join(file, 'data')} cannot be used (ENOTDIR); set DATA_DIR to a directory` });
});

t.test('a cluster made by another PostgreSQL version is refused in one line naming both versions', async (t) => {
  const dataDir = await temporaryDir(t, 'ltc-old-cluster-');
  await mkdir(join(dataDir, 'postgres'));
  await writeFile(join(dataDir, 'postgres', 'PG_VERSION'), '16\n');
  const failure = await t.rejects(startEmbeddedPostgres({ dataDir }), EmbeddedPostgresError);
  t.match(failure, { message: ONE_LINE_WITH_THE_WAY_OUT });
  t.match(failure, { message: /was made by PostgreSQL 16 and the bundled server is 17[.\d]*; move .*\/postgres away/ });
});

t.test('a failed initdb is one line with its error and its hint', async (t) => {
  const dataDir = await temporaryDir(t, 'ltc-half-cluster-');
  await mkdir(join(dataDir, 'postgres'));
  await writeFile(join(dataDir, 'postgres', 'left-behind'), '');
  const failure = await t.rejects(startEmbeddedPostgres({ dataDir }), EmbeddedPostgresError);
  t.match(failure, { message: ONE_LINE_WITH_THE_WAY_OUT });
  t.match(failure, {
    message: /initdb failed: directory ".*\/postgres" exists but is not empty; If you want to create a new database system/,
  });
});

t.test('a port another program holds is one line with PostgreSQL’s reason', async (t) => {
  const port = await freePort();
  const holder: Server = createServer();
  await new Promise<void>((listening) => holder.listen(port, '127.0.0.1', listening));
  t.teardown(() => new Promise<void>((closed) => holder.close(() => closed())));
  const dataDir = await temporaryDir(t, 'ltc-taken-port-');
  const failure = await t.rejects(startEmbeddedPostgres({ dataDir, port, ephemeral: true }), EmbeddedPostgresError);
  t.match(failure, { message: ONE_LINE_WITH_THE_WAY_OUT });
  t.match(failure, {
    message: /the server stopped before accepting connections: .*Address already in use.*could not create any TCP\/IP sockets/,
  });
});

t.test('npm start with an embedded database that cannot start prints one line and exits non-zero', async (t) => {
  const dataDir = await temporaryDir(t, 'ltc-start-');
  await mkdir(join(dataDir, 'postgres'));
  await writeFile(join(dataDir, 'postgres', 'PG_VERSION'), '16\n');
  const { DATABASE_URL: _external, ...environment } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...environment, DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((exited) => child.on('close', exited));
  t.equal(exitCode, 1, 'a non-zero exit');
  t.match(stderr, /^embedded PostgreSQL cannot start: the cluster in .* was made by PostgreSQL 16 [^\n]*\n$/, 'exactly one line');
  t.notMatch(stderr, /Unhandled|\n\s+at /, 'no stack trace');
});
