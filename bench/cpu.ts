/*
 * CPU time of the embedded PostgreSQL, read from Linux's /proc: the postmaster's own time, the
 * time of its children that ended (which it has waited for) and that of the live ones (the
 * backends serving the service's pool). Elsewhere than Linux it reads as unknown.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's times: 100 on every Linux this runs on (USER_HZ). */
const TICKS_PER_SECOND = 100;

async function stat(pid: string): Promise<string[] | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name in parentheses may hold spaces: the fields that follow start after its ')'.
  return text?.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Seconds of CPU used so far by the PostgreSQL server whose postmaster is `postmasterPid`. */
export async function postgresCpuSeconds(postmasterPid: number): Promise<number | undefined> {
  const postmaster = await stat(String(postmasterPid));
  if (!postmaster) return undefined;
  // Fields after the name: state ppid … utime(12th) stime cutime cstime.
  const ticks = (fields: string[], count: number) => fields.slice(11, 11 + count).reduce((sum, field) => sum + Number(field), 0);
  let total = ticks(postmaster, 4);
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const fields = await stat(pid);
    if (fields && Number(fields[1]) === postmasterPid) total += ticks(fields, 2);
  }
  return total / TICKS_PER_SECOND;
}
