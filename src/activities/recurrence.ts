/*
 * Expansion of an RFC 5545 recurrence rule into session start instants. The rule is expanded on
 * the organization's wall clock (rrule's "floating" UTC dates stand for local times), so a weekly
 * 10:00 session stays at 10:00 whatever the zone's offset does; UNTIL, an instant, is first moved
 * to that wall clock too.
 */
import { Script, createContext } from 'node:vm';
import rrule from 'rrule';
import { instantOf, wallTime, type WallTime } from '../calendar/zoned.js';

// rrule is CommonJS: Node's ESM loader sees its exports only through the default import.
const { RRule, rrulestr } = rrule;

/** A series longer than this is surely a mistake (a daily rule for years). */
export const MAX_SESSIONS = 500;

/**
 * rrule searches on, date by date, to the year 9999 for sessions a rule can never reach (February
 * 30th, hour 3 of every other hour from 10:00): seconds to hours of CPU with the event loop stopped.
 * The expansion runs under this budget instead; an ordinary one takes a few milliseconds.
 */
export const EXPANSION_MS = 500;
const expansion = { context: createContext({}), script: new Script('expand()') };

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
}

const floating = (time: WallTime) => new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute));
const fromFloating = (date: Date): WallTime => ({
  year: date.getUTCFullYear(),
  month: date.getUTCMonth() + 1,
  day: date.getUTCDate(),
  hour: date.getUTCHours(),
  minute: date.getUTCMinutes(),
});

export function expandRule(rule: string, firstStartsAt: Date, timeZone: string): Date[] {
  let parsed: InstanceType<typeof RRule>;
  try {
    const result = rrulestr(rule.replace(/^RRULE:/i, ''), { dtstart: floating(wallTime(firstStartsAt, timeZone)) });
    if (!(result instanceof RRule)) throw new RecurrenceError('give a single RRULE');
    parsed = result;
  } catch (error) {
    throw error instanceof RecurrenceError ? error : new RecurrenceError(`is not an RFC 5545 rule: ${(error as Error).message}`);
  }
  const { until, count, interval } = parsed.origOptions;
  if (!until && !count) throw new RecurrenceError('needs UNTIL or COUNT: a series must end');
  // RFC 5545 §3.3.10: a positive integer. rrule loops for ever on a negative one.
  if (interval !== undefined && !(Number.isInteger(interval) && interval >= 1))
    throw new RecurrenceError('INTERVAL must be a positive integer');
  const bounded = new RRule({
    ...parsed.origOptions,
    dtstart: floating(wallTime(firstStartsAt, timeZone)),
    ...(until ? { until: floating(wallTime(until, timeZone)) } : {}),
  });
  expansion.context.expand = () => bounded.all((_date, index) => index < MAX_SESSIONS + 1);
  let starts: Date[];
  try {
    starts = expansion.script.runInContext(expansion.context, { timeout: EXPANSION_MS }) as Date[];
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    throw new RecurrenceError(`cannot be expanded within ${EXPANSION_MS} ms: its parts match (almost) no date`);
  } finally {
    expansion.context.expand = undefined;
  }
  if (starts.length > MAX_SESSIONS) throw new RecurrenceError(`makes more than ${MAX_SESSIONS} sessions`);
  return starts.map((date) => instantOf(fromFloating(date), timeZone));
}
