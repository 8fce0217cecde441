import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EmbeddedPostgresError } from './embedded-error.js';

/** The system user a PostgreSQL program runs as, when not the current one (PostgreSQL refuses root). */
export interface RunAs {
  uid: number;
  gid: number;
}

// English messages: the server's readiness is read from its log. Every path given is absolute, and
// the caller's working directory may be one the postgres user cannot enter.
const SPAWN_OPTIONS = { cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' } } as const;

export interface Finished {
  exitCode: number | null;
  /** stdout and stderr together. */
  output: string;
}

/**
 * Runs a program to its end. A program that cannot be started (EACCES, ENOENT) rejects with the
 * spawn error instead of the 'error' event that nobody listens to.
 */
export function runToEnd(command: string, args: string[], user?: RunAs): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...SPAWN_OPTIONS, ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

export interface ServerProcess {
  /** Fast shutdown (SIGINT), resolved once the postmaster has exited. */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
/** Log lines that say why a server stopped: its errors and the failed system calls before them. */
const TELLING = /\b(?:(?:FATAL|PANIC|ERROR|DETAIL|HINT): +(.*)|LOG: +(could not .*))$/;

/** Starts the postmaster and resolves once it accepts connections; its log goes to `log`. */
export function startServer(
  postgres: string,
  args: string[],
  user: RunAs | undefined,
  log: (line: string) => void,
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, args, { ...SPAWN_OPTIONS, ...user, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    // A process that ends without stopping the server (an uncaught exception) must not leave it behind.
    const stopWithThisProcess = () => child.kill('SIGINT');
    const told: string[] = [];
    let ready = false;

    createInterface({ input: child.stderr }).on('line', (line) => {
      log(line);
      if (ready) return;
      const match = TELLING.exec(line);
      const telling = match?.[1] ?? match?.[2];
      if (telling) told.push(telling);
      if (!line.includes(READY)) return;
      ready = true;
      process.on('exit', stopWithThisProcess);
      resolve({
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
          await exited;
        },
      });
    });
    child.on('error', (error) =>
      reject(new EmbeddedPostgresError(`${postgres} could not be started (${error.message})`, 'reinstall the dependencies with `npm ci`')),
    );
    child.on('exit', (code, signal) => {
      process.off('exit', stopWithThisProcess);
      if (ready) return;
      const why = told.length ? told.join(' / ') : `exit code ${code ?? signal}`;
      reject(
        new EmbeddedPostgresError(
          `the server stopped before accepting connections: ${why}`,
          'fix what PostgreSQL names (LOG_LEVEL=debug shows all of its messages)',
        ),
      );
    });
  });
}
