import { today } from '../calendar/dates.js';
import type { Context } from '../context/request-context.js';
import type { CsvSeparator } from '../enums.js';
import { trainedCarersByOrganization } from '../school-of-care/repository.js';
import { toCsv } from './csv.js';
import { careFigures, type CareFilter, type OrganizationCareRow } from './long-term-care-repository.js';
import { GROUPS, type Groups, type LongTermCareFigures, type LongTermCareReport } from './schemas.js';

const WEEKS_PER_MONTH = 52 / 12;
// EPSILON keeps exact halves such as 0.075 rounding up despite their binary representation.
const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

export interface LongTermCareOptions extends Omit<CareFilter, 'asOf' | 'current'> {
  asOf?: string;
  weeklyHoursPerFte: number;
  hourlyRate?: number;
}

type Counts = Omit<LongTermCareFigures, 'fte' | 'monthlyCost'>;

/** An organization's figures with its trained carers (src/school-of-care/repository.ts). */
type ReportRow = OrganizationCareRow & { trained_carers: number };

function counts(row: ReportRow): Counts {
  return {
    activeClients: row.active_clients,
    groups: { 1: row.group_1, 2: row.group_2, 3: row.group_3, 4: row.group_4, 5: row.group_5, 6: row.group_6 },
    neverAssessed: row.never_assessed,
    overdue: row.overdue,
    hours: { optimal: row.hours_optimal, minimal: row.hours_minimal, byLivingSituation: row.hours_by_living_situation },
    overrides: row.overrides,
    trainedCarers: row.trained_carers,
    deliveredHours: round2(row.delivered_minutes / 60),
    clientsBelowMinimal: row.clients_below_minimal,
  };
}

const addGroups = (a: Groups, b: Groups): Groups => ({
  1: a[1] + b[1],
  2: a[2] + b[2],
  3: a[3] + b[3],
  4: a[4] + b[4],
  5: a[5] + b[5],
  6: a[6] + b[6],
});

function add(a: Counts, b: Counts): Counts {
  return {
    activeClients: a.activeClients + b.activeClients,
    groups: addGroups(a.groups, b.groups),
    neverAssessed: a.neverAssessed + b.neverAssessed,
    overdue: a.overdue + b.overdue,
    hours: {
      optimal: a.hours.optimal + b.hours.optimal,
      minimal: a.hours.minimal + b.hours.minimal,
      byLivingSituation: a.hours.byLivingSituation + b.hours.byLivingSituation,
    },
    overrides: a.overrides + b.overrides,
    trainedCarers: a.trainedCarers + b.trainedCarers,
    deliveredHours: round2(a.deliveredHours + b.deliveredHours),
    clientsBelowMinimal: a.clientsBelowMinimal + b.clientsBelowMinimal,
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
  overrides: 0,
  trainedCarers: 0,
  deliveredHours: 0,
  clientsBelowMinimal: 0,
};

/** The report over the organizations in the caller's scope. */
export async function longTermCareReport(ctx: Context, options: LongTermCareOptions): Promise<LongTermCareReport> {
  const now = today();
  const asOf = options.asOf ?? now;
  const { organizationId, departmentId, careForm } = options;
  const trained = await trainedCarersByOrganization(ctx, { asOf, organizationId, departmentId, careForm });
  const rows = (await careFigures(ctx, { ...options, asOf, current: asOf >= now })).map((row) => ({
    ...row,
    trained_carers: trained.get(row.organization_id) ?? 0,
  }));
  const organizations = rows.map((row) => ({
    organizationId: row.organization_id,
    name: row.name,
    ...withStaffing(counts(row), options),
  }));
  const total = withStaffing(rows.map(counts).reduce(add, EMPTY), options);
  return { asOf, weeklyHoursPerFte: options.weeklyHoursPerFte, organizations, total };
}

export function longTermCareCsv(report: LongTermCareReport, separator: CsvSeparator): string {
  const header = [
    'organization_id',
    'organization',
    'active_clients',
    'group_1',
    'group_2',
    'group_3',
    'group_4',
    'group_5',
    'group_6',
    'never_assessed',
    'overdue',
    'hours_optimal',
    'hours_minimal',
    'hours_by_living_situation',
    'fte_optimal',
    'fte_minimal',
    'monthly_cost_optimal',
    'monthly_cost_minimal',
    'overrides',
    'trained_carers',
    'delivered_hours',
    'clients_below_minimal',
  ];
  const line = (id: string, name: string, figures: LongTermCareFigures) => [
    id,
    name,
    figures.activeClients,
    ...GROUPS.map((group) => figures.groups[group]),
    figures.neverAssessed,
    figures.overdue,
    figures.hours.optimal,
    figures.hours.minimal,
    figures.hours.byLivingSituation,
    figures.fte.optimal,
    figures.fte.minimal,
    figures.monthlyCost?.optimal,
    figures.monthlyCost?.minimal,
    figures.overrides,
    figures.trainedCarers,
    figures.deliveredHours,
    figures.clientsBelowMinimal,
  ];
  const rows = [
    ...report.organizations.map((organization) => line(organization.organizationId, organization.name, organization)),
    line('', `Итого на ${report.asOf}`, report.total),
  ];
  return toCsv(header, rows, separator);
}
