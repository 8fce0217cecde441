/*
 * What running the embedded PostgreSQL as root needs. PostgreSQL refuses to run as root, so its
 * programs run as the `postgres` system user, who may not be able to enter the clone or DATA_DIR
 * (root's home is mode 0700). What it cannot reach is placed under SHARED_ROOT instead, never by
 * opening up directories the service does not own.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-error.js';
import { runToEnd, type RunAs } from './embedded-process.js';

/** Root-owned, mode 755: copies of the binaries and the clusters of unreachable DATA_DIRs. */
export const SHARED_ROOT = '/var/lib/ltc-registry';

const POSTGRES_USER = 'postgres';
const run = promisify(execFile);

/** The `postgres` system user, created when missing. */
export async function postgresUser(): Promise<RunAs> {
  const existing = await lookUp();
  if (existing) return existing;
  let failure = '';
  try {
    await run('groupadd', ['--system', '--force', POSTGRES_USER]);
    await run('useradd', ['--system', '--gid', POSTGRES_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_USER]);
  } catch (error) {
    failure = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  }
  // Another process starting at the same moment may have created it first.
  const created = await lookUp();
  if (created) return created;
  throw new EmbeddedPostgresError(
    `PostgreSQL refuses to run as root and no \`${POSTGRES_USER}\` system user could be created (${failure})`,
    `create a system user named ${POSTGRES_USER} or run as an ordinary user`,
  );
}

async function lookUp(): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', POSTGRES_USER]), run('id', ['-g', POSTGRES_USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Whether `user` can enter `directory`, asked of the system as that user (modes, ACLs and all). */
export async function canEnter(directory: string, user: RunAs): Promise<boolean> {
  try {
    const { exitCode } = await runToEnd('/bin/sh', ['-c', 'test -x "$1"', 'sh', directory], user);
    return exitCode === 0;
  } catch {
    return false;
  }
}

/** `SHARED_ROOT/name`, created root-owned and enterable by everyone. */
export async function sharedDirectory(name: string): Promise<string> {
  const directory = join(SHARED_ROOT, name);
  await mkdir(directory, { recursive: true });
  // Explicit modes: root's umask may be 077.
  await chmod(SHARED_ROOT, 0o755);
  await chmod(directory, 0o755);
  return directory;
}
