/** The ISO weeks of a month, as calendar dates ('YYYY-MM-DD'): the frame of care delivery. */

const DAY_MS = 86_400_000;

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const toDay = (date: Date) => date.toISOString().slice(0, 10);
const plusDays = (day: string, days: number) => toDay(new Date(toDate(day).getTime() + days * DAY_MS));

export interface MonthWeek {
  /** ISO 8601 week, e.g. 2025-W06. */
  week: string;
  /** The week's Monday and Sunday, which may lie outside the month. */
  from: string;
  to: string;
  /** The week's first and last day inside the month. */
  firstInMonth: string;
  lastInMonth: string;
  daysInMonth: number;
}

export function monthBounds(month: string): { first: string; last: string } {
  const [year, monthNo] = month.split('-').map(Number) as [number, number];
  return { first: `${month}-01`, last: toDay(new Date(Date.UTC(year, monthNo, 0))) };
}

/** The ISO week of a Monday: its year is the year of the week's Thursday. */
function isoWeek(monday: string): string {
  const thursday = toDate(plusDays(monday, 3));
  const year = thursday.getUTCFullYear();
  const number = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(number).padStart(2, '0')}`;
}

/** Every ISO week (Monday to Sunday) with a day in the month, in order. */
export function weeksOfMonth(month: string): MonthWeek[] {
  const { first, last } = monthBounds(month);
  const weekday = (toDate(first).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const weeks: MonthWeek[] = [];
  for (let monday = plusDays(first, -weekday); monday <= last; monday = plusDays(monday, 7)) {
    const sunday = plusDays(monday, 6);
    const firstInMonth = monday < first ? first : monday;
    const lastInMonth = sunday > last ? last : sunday;
    const daysInMonth = Math.round((toDate(lastInMonth).getTime() - toDate(firstInMonth).getTime()) / DAY_MS) + 1;
    weeks.push({ week: isoWeek(monday), from: monday, to: sunday, firstInMonth, lastInMonth, daysInMonth });
  }
  return weeks;
}
