/*
 * How much of a support program a client received in a month: planned sessions per planned
 * activity against those attended. Pure, so the arithmetic is tested on hand-computed examples.
 */
import type { PlannedActivity } from '../db/schema.js';
import type { Fulfilment } from './schemas.js';

const DAY = 86_400_000;

/** Days of `month` (YYYY-MM) that fall within the program's period, inclusive. */
export function daysWithin(month: string, periodFrom: string, periodTo: string): number {
  const first = `${month}-01`;
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10);
  const from = periodFrom > first ? periodFrom : first;
  const to = periodTo < last ? periodTo : last;
  return to < from ? 0 : Math.round((Date.parse(to) - Date.parse(from)) / DAY) + 1;
}

export function plannedSessions(activity: PlannedActivity, days: number, daysInMonth: number): number {
  if (days === 0) return 0;
  if (activity.timesPerMonth !== undefined) return Math.round((activity.timesPerMonth * days) / daysInMonth);
  return Math.round(((activity.timesPerWeek ?? 0) * days) / 7);
}

const percent = (attended: number, planned: number) => (planned === 0 ? null : Math.round((attended * 1000) / planned) / 10);

export function fulfilment(
  month: string,
  period: { from: string; to: string },
  activities: PlannedActivity[],
  attended: Map<string, number>,
): Fulfilment {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const days = daysWithin(month, period.from, period.to);
  const rows = activities.map((activity) => {
    const planned = plannedSessions(activity, days, daysInMonth);
    const count = attended.get(activity.activityTypeId) ?? 0;
    return { activityTypeId: activity.activityTypeId, planned, attended: count, percent: percent(count, planned) };
  });
  const planned = rows.reduce((sum, row) => sum + row.planned, 0);
  const total = rows.reduce((sum, row) => sum + row.attended, 0);
  return { month, planned, attended: total, percent: percent(total, planned), activities: rows };
}
