/*
 * The demo's monitoring (the technology's "Система мониторинга"): monthly questionnaires and
 * observations of every client, the specialists' short reports, and the monthly reports built
 * from them, so that a newcomer's first printable report has every section filled and its
 * indicator chart drawn over several months.
 */
import { today } from '../calendar/dates.js';
import type { UnitOfWork } from '../context/request-context.js';
import type { Position } from '../enums.js';
import { INDICATORS, INDICATOR_NAMES, type Indicator } from '../monitoring/indicators.js';
import { addObservation, addQuestionnaire, addSpecialistReport } from '../monitoring/input-service.js';
import { previousMonth } from '../monitoring/report.js';
import { createReport } from '../monitoring/service.js';
import { found } from './found.js';

/** Months of questionnaires and observations, the oldest one only the baseline the next month compares with. */
const OBSERVED_MONTHS = 4;
/** Monthly reports of the latest full months: the line chart needs several to draw its lines. */
const REPORTED_MONTHS = 3;

/**
 * A client's move on one indicator in one month: +1 better, 0 steady, -1 worse, spread by a fixed
 * hash so that clients, indicators and months differ (about half better, a quarter worse) and
 * every line of the chart has its own course, the same on every run.
 */
function monthlyStep(client: number, month: number, indicator: number): number {
  const spread = (client * 7 + month * 13 + indicator * 5) % 11;
  return spread < 5 ? 1 : spread < 8 ? 0 : -1;
}

const WISHES = ['Больше музыкальных вечеров', 'Хотелось бы чаще выходить на прогулки', 'Спасибо специалистам за внимание', null, null];

/** The full months up to the latest one, oldest first. */
function latestFullMonths(count: number): string[] {
  const months: string[] = [];
  for (let month = previousMonth(today().slice(0, 7)); months.length < count; month = previousMonth(month)) months.unshift(month);
  return months;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** A client's ratings after `step` months: a baseline by client and indicator, moved a step a month. */
function indicatorRatings(client: number, step: number): Record<Indicator, number> {
  return Object.fromEntries(
    INDICATOR_NAMES.map((indicator, index) => {
      let change = 0;
      for (let month = 1; month <= step; month++) change += monthlyStep(client, month, index);
      const better = INDICATORS[indicator].higherIsBetter ? 1 : -1;
      const baseline = INDICATORS[indicator].higherIsBetter ? 1 + ((client + index) % 2) : 2 + ((client + index) % 2);
      return [indicator, clamp(baseline + better * change, 0, 4)];
    }),
  ) as Record<Indicator, number>;
}

/** Ratings 1-5 that rise a point every other month, half the clients a month before the others. */
function questionnaireRating(client: number, question: number, step: number): number {
  const offset = (client + question) % 2;
  return clamp(2 + ((client + question) % 3) + Math.floor((step + offset) / 2), 1, 5);
}

/** A specialist's count of the sessions led in a month, from the demo's own sessions. */
export interface LedSessions {
  position: Position;
  what: string;
  startsAt: Date[];
}

/** Adds the monitoring records and the reports; answers the id of the latest full month's report. */
export async function seedMonitoring(tx: UnitOfWork, organizationId: string, clients: string[], led: LedSessions[]): Promise<string> {
  const staff = await tx.scoped.selectFrom('staff').select(['id', 'position']).where('organization_id', '=', organizationId).execute();
  const staffOf = (position: Position) =>
    found(
      staff.find((member) => member.position === position),
      position,
    ).id;
  const months = latestFullMonths(OBSERVED_MONTHS);
  for (const [step, month] of months.entries()) {
    for (const [index, clientId] of clients.entries()) {
      await addQuestionnaire(tx, clientId, {
        filledOn: `${month}-20`,
        helpedBy: index % 3 === 0 ? staffOf('social_work_specialist') : null,
        ratings: {
          physical: questionnaireRating(index, 0, step),
          psychological: questionnaireRating(index, 1, step),
          social: questionnaireRating(index, 2, step),
          spiritual: questionnaireRating(index, 3, step),
        },
        satisfaction: { process: questionnaireRating(index, 4, step), results: questionnaireRating(index, 5, step) },
        wishes: WISHES[(index + step) % WISHES.length] ?? null,
      });
      await addObservation(tx, clientId, {
        observedOn: `${month}-25`,
        staffId: staffOf(index % 2 === 0 ? 'psychologist' : 'social_work_specialist'),
        method: index % 2 === 0 ? 'observation' : 'interview',
        indicators: indicatorRatings(index, step),
      });
    }
  }
  const reported = months.slice(-REPORTED_MONTHS);
  for (const month of reported) {
    for (const { position, what, startsAt } of led) {
      // The demo's sessions start in the morning or afternoon in Moscow: the same month in UTC.
      const sessions = startsAt.filter((instant) => instant.toISOString().startsWith(month)).length;
      await addSpecialistReport(tx, {
        organizationId,
        staffId: staffOf(position),
        month,
        text: `Проведено занятий (${what}): ${sessions}. Получатели услуг участвуют охотно; замечания учтены в программах сопровождения.`,
        counts: { sessions },
      });
    }
  }
  const reports = [];
  for (const month of reported) reports.push(await createReport(tx, { organizationId, month }));
  return found(reports.at(-1), 'monitoring report').id;
}
