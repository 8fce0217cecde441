/** Wall-clock times in an organization's time zone, for schedules: a 10:00 session stays at 10:00. */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time of an instant in a time zone. */
export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts = new Map(
    formatter(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  );
  // The formatter is made with every one of these fields (above), so each part is there.
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.get(type) ?? Number.NaN;
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

/** The instant at which the wall clock of a time zone shows `time` (the earlier one across a DST overlap). */
export function instantOf(time: WallTime, timeZone: string): Date {
  const asUtc = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute);
  let instant = asUtc;
  // The zone's offset can differ between the guess and the answer across a DST change: settle it twice.
  for (let i = 0; i < 2; i++) {
    const shown = wallTime(new Date(instant), timeZone);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute);
    instant -= shownUtc - asUtc;
  }
  return new Date(instant);
}

/** `2025-02-04T10:00`, the local start as people read it. */
export function formatWallTime(time: WallTime): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${time.year}-${pad(time.month)}-${pad(time.day)}T${pad(time.hour)}:${pad(time.minute)}`;
}

/** The first instant of a calendar month `YYYY-MM` in a time zone, and of the month after. */
export function monthRange(month: string, timeZone: string): { from: Date; to: Date } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const next = monthNumber === 12 ? { year: year + 1, month: 1 } : { year, month: monthNumber + 1 };
  return {
    from: instantOf({ year, month: monthNumber, day: 1, hour: 0, minute: 0 }, timeZone),
    to: instantOf({ ...next, day: 1, hour: 0, minute: 0 }, timeZone),
  };
}
