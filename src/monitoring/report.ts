/*
 * The monthly monitoring report of milieu therapy, built from the month's data and then kept as a
 * snapshot: every figure is computed here once and stored, so a report once approved and sent
 * never changes, whatever happens to the data later.
 */
import { monthRange } from '../calendar/zoned.js';
import type { Context } from '../context/request-context.js';
import type { OrganizationRow } from '../db/schema.js';
import { Direction, type ActivityStatus, type ProgramStatus } from '../enums.js';
import { careFigures } from '../reports/long-term-care-repository.js';
import { plannedSessions, daysWithin } from '../support-programs/fulfilment.js';
import { INDICATORS, INDICATOR_NAMES, trend } from './indicators.js';
import * as data from './report-repository.js';
import type { ReportContent } from './report-schemas.js';

/** The programs the month's fulfilment counts: active ones, and those completed since whose period overlapped it. */
const RUNNING_PROGRAMS: readonly ProgramStatus[] = ['active', 'completed'];
const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part * 1000) / whole) / 10);
const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

export function previousMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 1 ? `${year - 1}-12` : `${year}-${String(number - 1).padStart(2, '0')}`;
}

function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

function averages(row: data.QuestionnaireAverages) {
  return {
    physical: row.physical,
    psychological: row.psychological,
    social: row.social,
    spiritual: row.spiritual,
    satisfactionProcess: row.satisfaction_process,
    satisfactionResults: row.satisfaction_results,
  };
}

/** The month's figures of an organization (or one of its departments), read in the caller's scope. */
export async function buildMonthlyReport(
  ctx: Context,
  organization: Pick<OrganizationRow, 'id' | 'time_zone'>,
  departmentId: string | undefined,
  month: string,
): Promise<ReportContent> {
  const { from, to } = monthRange(month, organization.time_zone);
  const coverage: data.ReportCoverage = {
    organizationId: organization.id,
    departmentId,
    firstDay: `${month}-01`,
    nextFirstDay: `${nextMonth(month)}-01`,
    from,
    to,
  };
  const previous = previousMonth(month);
  const [sessionRows, participationRows, current, before, pairs, idle, programs, care] = await Promise.all([
    data.sessionsByDirection(ctx, coverage),
    data.participation(ctx, coverage),
    data.questionnaireAverages(ctx, coverage, coverage.firstDay, coverage.nextFirstDay),
    data.questionnaireAverages(ctx, coverage, `${previous}-01`, coverage.firstDay),
    data.observationPairs(ctx, coverage),
    data.clientsWithoutActivity(ctx, coverage),
    data.programsOfMonth(ctx, coverage, RUNNING_PROGRAMS),
    careFigures(ctx, { asOf: lastDay(month), current: false, organizationId: organization.id, departmentId }),
  ]);

  const count = (direction: Direction, status: ActivityStatus) =>
    sessionRows.filter((row) => row.direction === direction && row.status === status).reduce((sum, row) => sum + row.sessions, 0);
  const byDirection = Direction.values.map((direction) => ({
    direction,
    planned: count(direction, 'planned'),
    held: count(direction, 'held'),
    cancelled: count(direction, 'cancelled'),
  }));

  const records = participationRows.rows.reduce((sum, row) => sum + row.records, 0);
  const attendedRows = participationRows.rows.filter((row) => row.attendance === 'attended');
  const attended = attendedRows.reduce((sum, row) => sum + row.records, 0);
  const activeAttended = attendedRows.filter((row) => row.participation === 'active').reduce((sum, row) => sum + row.records, 0);

  const attendedByClientType = new Map(programs.attended.map((row) => [`${row.client_id}/${row.activity_type_id}`, row.attended]));
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  let programPlanned = 0;
  let programAttended = 0;
  for (const program of programs.programs) {
    const days = daysWithin(month, program.period_from, program.period_to);
    for (const activity of program.activities) {
      programPlanned += plannedSessions(activity, days, daysInMonth);
      programAttended += attendedByClientType.get(`${program.client_id}/${activity.activityTypeId}`) ?? 0;
    }
  }

  const nowAverages = averages(current);
  const thenAverages = averages(before);
  const change = Object.fromEntries(
    Object.entries(nowAverages).map(([key, value]) => {
      const earlier = thenAverages[key as keyof typeof thenAverages];
      return [key, value === null || earlier === null ? null : round2(value - earlier)];
    }),
  ) as typeof nowAverages;

  const aggregate = INDICATOR_NAMES.map((indicator) => {
    const column = INDICATORS[indicator].column;
    const trends = pairs.flatMap((pair) => (pair.before ? [trend(indicator, pair.before[column], pair.after[column])] : []));
    return {
      indicator,
      improved: trends.filter((value) => value === 'improved').length,
      held: trends.filter((value) => value === 'held').length,
      worsened: trends.filter((value) => value === 'worsened').length,
    };
  });
  const clients = pairs.map((pair) => ({
    clientId: pair.client_id,
    changes: Object.fromEntries(
      INDICATOR_NAMES.map((indicator) => {
        const column = INDICATORS[indicator].column;
        return [indicator, pair.before ? pair.after[column] - pair.before[column] : null];
      }),
    ),
  }));

  const groups = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, '6': 0, neverAssessed: 0 };
  for (const row of care) {
    groups['1'] += row.group_1;
    groups['2'] += row.group_2;
    groups['3'] += row.group_3;
    groups['4'] += row.group_4;
    groups['5'] += row.group_5;
    groups['6'] += row.group_6;
    groups.neverAssessed += row.never_assessed;
  }

  return {
    sessions: {
      planned: byDirection.reduce((sum, row) => sum + row.planned, 0),
      held: byDirection.reduce((sum, row) => sum + row.held, 0),
      cancelled: byDirection.reduce((sum, row) => sum + row.cancelled, 0),
      byDirection,
    },
    participation: {
      participants: participationRows.participants,
      attended,
      records,
      attendanceRate: percent(attended, records),
      activeShare: percent(activeAttended, attended),
      passiveShare: percent(attended - activeAttended, attended),
    },
    supportPrograms: {
      running: programs.programs.length,
      planned: programPlanned,
      attended: programAttended,
      fulfilment: percent(programAttended, programPlanned),
    },
    questionnaires: {
      count: current.questionnaires,
      previousCount: before.questionnaires,
      averages: nowAverages,
      previous: thenAverages,
      change,
    },
    indicators: { aggregate, clients },
    clientsWithoutActivity: idle,
    groups,
  };
}

function lastDay(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 0)).toISOString().slice(0, 10);
}
