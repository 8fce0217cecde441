import { today } from '../calendar/dates.js';
import type { Db } from '../db/database.js';
import { careFigures, type CareFilter, type OrganizationCareRow } from './long-term-care-repository.js';
import type { LongTermCareFigures, LongTermCareReport } from './schemas.js';
import { toCsv, type Separator } from './csv.js';

const WEEKS_PER_MONTH = 52 / 12;
// EPSILON keeps exact halves such as 0.075 rounding up despite their binary representation.
const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

export interface LongTermCareOptions extends Omit<CareFilter, 'asOf' | 'current'> {
  asOf?: string;
  weeklyHoursPerFte: number;
  hourlyRate?: number;
}

type Counts = Omit<LongTermCareFigures, 'fte' | 'monthlyCost'>;

function counts(row: OrganizationCareRow): Counts {
  return {
    activeClients: row.active_clients,
    groups: { 1: row.group_1, 2: row.group_2, 3: row.group_3, 4: row.group_4, 5: row.group_5, 6: row.group_6 },
    neverAssessed: row.never_assessed,
    overdue: row.overdue,
    hours: { optimal: row.hours_optimal, minimal: row.hours_minimal, byLivingSituation: row.hours_by_living_situation },
  };
}

function add(a: Counts, b: Counts): Counts {
  const groups = Object.fromEntries(Object.keys(a.groups).map((group) => [group, a.groups[group]! + b.groups[group]!]));
  return {
    activeClients: a.activeClients + b.activeClients,
    groups,
    neverAssessed: a.neverAssessed + b.neverAssessed,
    overdue: a.overdue + b.overdue,
    hours: {
      optimal: a.hours.optimal + b.hours.optimal,
      minimal: a.hours.minimal + b.hours.minimal,
      byLivingSituation: a.hours.byLivingSituation + b.hours.byLivingSituation,
    },
  };
}

/** Staff and money the hours imply (order No. 99, items 7 and 8). */
function withStaffing(figures: Counts, options: LongTermCareOptions): LongTermCareFigures {
  const { optimal, minimal } = figures.hours;
  return {
    ...figures,
    fte: { optimal: round2(optimal / options.weeklyHoursPerFte), minimal: round2(minimal / options.weeklyHoursPerFte) },
    monthlyCost:
      options.hourlyRate === undefined
        ? null
        : {
            optimal: round2(optimal * WEEKS_PER_MONTH * options.hourlyRate),
            minimal: round2(minimal * WEEKS_PER_MONTH * options.hourlyRate),
          },
  };
}

const EMPTY: Counts = {
  activeClients: 0,
  groups: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 },
  neverAssessed: 0,
  overdue: 0,
  hours: { optimal: 0, minimal: 0, byLivingSituation: 0 },
};

export async function longTermCareReport(db: Db, options: LongTermCareOptions): Promise<LongTermCareReport> {
  const now = today();
  const asOf = options.asOf ?? now;
  const rows = await careFigures(db, { ...options, asOf, current: asOf >= now });
  const organizations = rows.map((row) => ({
    organizationId: row.organization_id,
    name: row.name,
    ...withStaffing(counts(row), options),
  }));
  const total = withStaffing(rows.map(counts).reduce(add, EMPTY), options);
  return { asOf, weeklyHoursPerFte: options.weeklyHoursPerFte, organizations, total };
}

export function longTermCareCsv(report: LongTermCareReport, separator: Separator): string {
  const header = [
    'organization_id', 'organization', 'active_clients',
    'group_1', 'group_2', 'group_3', 'group_4', 'group_5', 'group_6',
    'never_assessed', 'overdue', 'hours_optimal', 'hours_minimal', 'hours_by_living_situation',
    'fte_optimal', 'fte_minimal', 'monthly_cost_optimal', 'monthly_cost_minimal',
  ];
  const line = (id: string, name: string, figures: LongTermCareFigures) => [
    id, name, figures.activeClients,
    ...['1', '2', '3', '4', '5', '6'].map((group) => figures.groups[group]),
    figures.neverAssessed, figures.overdue, figures.hours.optimal, figures.hours.minimal, figures.hours.byLivingSituation,
    figures.fte.optimal, figures.fte.minimal, figures.monthlyCost?.optimal, figures.monthlyCost?.minimal,
  ];
  const rows = [
    ...report.organizations.map((organization) => line(organization.organizationId, organization.name, organization)),
    line('', `Итого на ${report.asOf}`, report.total),
  ];
  return toCsv(header, rows, separator);
}
