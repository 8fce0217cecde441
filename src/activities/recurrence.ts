/*
 * Expansion of an RFC 5545 recurrence rule into session start instants. The rule is expanded on
 * the organization's wall clock (rrule's "floating" UTC dates stand for local times), so a weekly
 * 10:00 session stays at 10:00 whatever the zone's offset does; UNTIL, an instant, is first moved
 * to that wall clock too.
 *
 * The expansion is bounded before it starts, so that it holds the event loop for a few
 * milliseconds whatever the rule: a series ends within HORIZON_YEARS of its first session, and
 * rrule is not let to search past that (see `searchingAtMost`).
 */
import rrule from 'rrule';
import { instantOf, wallTime, type WallTime } from '../calendar/zoned.js';

// rrule is CommonJS: Node's ESM loader sees its exports only through the default import.
const { Frequency, RRule, rrulestr } = rrule;
type Rule = InstanceType<typeof RRule>;
type ParsedOptions = Rule['options'];

/** A series longer than this is surely a mistake (a daily rule for years). */
export const MAX_SESSIONS = 500;

/**
 * rrule compares every BYSETPOS position with every other in each period (a day, for a daily
 * rule): 100 of them cost a daily rule 50 ms; a schedule picks a few ("the last weekday").
 */
export const MAX_SET_POSITIONS = 10;

/** A series is planned for at most this long from its first session; a longer plan is several series. */
export const HORIZON_YEARS = 2;

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
}

export interface Expansion {
  starts: Date[];
  /** How many periods (days, weeks, months or years, the rule's FREQ) rrule looked through. */
  periodsSearched: number;
}

const floating = (time: WallTime) => new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute));
const fromFloating = (date: Date): WallTime => ({
  year: date.getUTCFullYear(),
  month: date.getUTCMonth() + 1,
  day: date.getUTCDate(),
  hour: date.getUTCHours(),
  minute: date.getUTCMinutes(),
});

const DAY_MS = 86_400_000;

/** The most periods of `freq` (DAILY or longer) whose start can fall between `from` and `to`. */
function periodsBetween(freq: ParsedOptions['freq'], interval: number, from: Date, to: Date): number {
  const years = to.getUTCFullYear() - from.getUTCFullYear();
  const days = Math.floor((to.getTime() - from.getTime()) / DAY_MS);
  const span = (() => {
    switch (freq) {
      case Frequency.YEARLY:
        return years;
      case Frequency.MONTHLY:
        return years * 12 + to.getUTCMonth() - from.getUTCMonth();
      case Frequency.WEEKLY:
        // The first week starts on WKST, up to 6 days before `from`.
        return Math.floor((days + 6) / 7);
      default:
        return days;
    }
  })();
  return Math.floor(span / interval) + 1;
}

/**
 * rrule (2.8.1, pinned) looks for dates period by period and checks UNTIL only against a date it
 * has found, so a rule that matches no date (February 30th, Mondays of a daily rule with
 * INTERVAL=7 from a Tuesday) searches on to the year 9999: 20 s of CPU for a daily one. At the end
 * of every period it reads `interval` twice, to stop when it is 0 and then to step on (and once
 * before the first period); the options returned here read 0 at the end of the `periods`-th period,
 * so that the search ends there.
 */
function searchingAtMost(options: ParsedOptions, periods: number) {
  let reads = 0;
  const bounded = Object.defineProperty({ ...options }, 'interval', {
    get: () => (++reads < 2 * periods ? options.interval : 0),
  });
  return { bounded, periodsSearched: () => Math.ceil(reads / 2) };
}

function parse(rule: string, dtstart: Date): Rule {
  try {
    const parsed = rrulestr(rule.replace(/^RRULE:/i, ''), { dtstart });
    if (!(parsed instanceof RRule)) throw new RecurrenceError('give a single RRULE');
    return parsed;
  } catch (error) {
    throw error instanceof RecurrenceError ? error : new RecurrenceError(`is not an RFC 5545 rule: ${(error as Error).message}`);
  }
}

/** What must hold before expanding: each refusal keeps the expansion short or the series sound. */
function checkBounds(options: Rule['origOptions']): void {
  const { until, count, interval, freq, bysecond, bysetpos, tzid } = options;
  const counted = count !== undefined && count !== null;
  if (counted && !(Number.isInteger(count) && count >= 1 && count <= MAX_SESSIONS))
    throw new RecurrenceError(`COUNT must be a whole number from 1 to ${MAX_SESSIONS}`);
  if (!until && !counted) throw new RecurrenceError('needs UNTIL or COUNT: a series must end');
  // RFC 5545 §3.3.10 forbids both; with both, a COUNT short of its number would be no error.
  if (until && counted) throw new RecurrenceError('has both UNTIL and COUNT: give one');
  // RFC 5545 §3.3.10: a positive integer. rrule loops for ever on a negative one.
  if (interval !== undefined && !(Number.isInteger(interval) && interval >= 1))
    throw new RecurrenceError('INTERVAL must be a positive integer');
  // Below a day rrule steps on in loops of its own that no bound reaches (hour 3 of every other hour
  // from 10:00 is never found), and sessions never repeat that often: a day's several go in BYHOUR.
  if (freq !== undefined && freq > RRule.DAILY)
    throw new RecurrenceError('FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY: several sessions a day are BYHOUR and BYMINUTE');
  // Sessions start on a minute; BYSECOND would also make up to 86,400 start times a day.
  if (bysecond !== undefined && bysecond !== null) throw new RecurrenceError('BYSECOND is not for sessions: they start on a minute');
  if ([bysetpos ?? []].flat().length > MAX_SET_POSITIONS)
    throw new RecurrenceError(`BYSETPOS lists more than ${MAX_SET_POSITIONS} positions`);
  // rrule would move each session to that zone, one Intl call apiece; the organization's zone is the one.
  if (tzid) throw new RecurrenceError('TZID is not for a series: it follows the organization’s time zone');
}

/** The sessions of `rule` and how far rrule had to search for them. */
export function searchRule(rule: string, firstStartsAt: Date, timeZone: string): Expansion {
  const dtstart = floating(wallTime(firstStartsAt, timeZone));
  const horizon = new Date(dtstart);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + HORIZON_YEARS);
  const parsed = parse(rule, dtstart);
  checkBounds(parsed.origOptions);
  const { until, count } = parsed.origOptions;
  // With COUNT only, the horizon is the rule's UNTIL: rrule stops at whichever comes first.
  const end = until ? floating(wallTime(until, timeZone)) : horizon;
  if (end > horizon)
    throw new RecurrenceError(`UNTIL is more than ${HORIZON_YEARS} years after the first session: plan a longer series as several`);
  const expanded = new RRule({ ...parsed.origOptions, dtstart, until: end });
  const { freq, interval } = expanded.options;
  const { bounded, periodsSearched } = searchingAtMost(expanded.options, periodsBetween(freq, interval, dtstart, end));
  expanded.options = bounded;
  const found = expanded.all((_date, index) => index < MAX_SESSIONS + 1);
  // None at all is the caller's "makes no session".
  if (count && found.length && found.length < count)
    throw new RecurrenceError(`makes ${found.length} of its COUNT=${count} sessions within ${HORIZON_YEARS} years of the first`);
  if (found.length > MAX_SESSIONS) throw new RecurrenceError(`makes more than ${MAX_SESSIONS} sessions`);
  return { starts: found.map((date) => instantOf(fromFloating(date), timeZone)), periodsSearched: periodsSearched() };
}

export function expandRule(rule: string, firstStartsAt: Date, timeZone: string): Date[] {
  return searchRule(rule, firstStartsAt, timeZone).starts;
}
