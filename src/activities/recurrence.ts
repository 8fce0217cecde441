/*
 * Expansion of an RFC 5545 recurrence rule into session start instants. The rule is expanded on
 * the organization's wall clock (rrule's "floating" UTC dates stand for local times), so a weekly
 * 10:00 session stays at 10:00 whatever the zone's offset does; UNTIL, an instant, is first moved
 * to that wall clock too.
 */
import rrule from 'rrule';
import { instantOf, wallTime, type WallTime } from '../calendar/zoned.js';

// rrule is CommonJS: Node's ESM loader sees its exports only through the default import.
const { RRule, rrulestr } = rrule;

/** A series longer than this is surely a mistake (a daily rule for years). */
export const MAX_SESSIONS = 500;

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
  const { until, count } = parsed.origOptions;
  if (!until && !count) throw new RecurrenceError('needs UNTIL or COUNT: a series must end');
  const bounded = new RRule({
    ...parsed.origOptions,
    dtstart: floating(wallTime(firstStartsAt, timeZone)),
    ...(until ? { until: floating(wallTime(until, timeZone)) } : {}),
  });
  const starts = bounded.all((_date, index) => index < MAX_SESSIONS + 1);
  if (starts.length > MAX_SESSIONS) throw new RecurrenceError(`makes more than ${MAX_SESSIONS} sessions`);
  return starts.map((date) => instantOf(fromFloating(date), timeZone));
}
