/** Calendar dates as 'YYYY-MM-DD' strings: a date of birth or of an assessment has no time of day. */

// Building a formatter costs far more than formatting with one; lists ask for today once a row.
const formatters = new Map<string, Intl.DateTimeFormat>();
const lastDates = new Map<string, { minute: number; date: string }>();

/**
 * Today's date where the organizations work (the order is Russian; Moscow time by default).
 * Formatting a date is costly next to a request's work and every request asks, so the date is
 * formatted once a minute: the time zones in use today change their date on a whole minute.
 */
export function today(timeZone = 'Europe/Moscow', now = new Date()): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDates.get(timeZone);
  if (last?.minute === minute) return last.date;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const date = formatter.format(now);
  lastDates.set(timeZone, { minute, date });
  return date;
}

function parts(date: string): [number, number, number] {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return [year, month, day];
}

/** Adds calendar months, keeping the day where it exists: 31 August + 6 months is 28 (29) February. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = parts(date);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
