/*
 * Scoring of a functional diagnostic form (order No. 99, annex 2), generic over the instrument's
 * data. The order's points are multiples of 0.25, so everything is computed in whole quarter
 * points: 3 points is 12 quarters, 3.25 is 13, and no floating-point sum can land between groups.
 */
import type { LivingSituation } from '../enums.js';
import type { Instrument, InstrumentGroup } from './schemas.js';

export function toQuarters(points: number): number {
  const quarters = points * 4;
  if (!Number.isInteger(quarters)) throw new Error(`${points} points is not a multiple of 0.25`);
  return quarters;
}

export const fromQuarters = (quarters: number): number => quarters / 4;

export interface ItemScore {
  item: string;
  option: string;
  points: number;
}

export interface AnswerError {
  /** JSON pointer below `answers`. */
  pointer: string;
  message: string;
}

export type Answers = Record<string, string>;

/** Checks that every item has exactly one of its own options, and adds up their points. */
export function scoreAnswers(
  instrument: Instrument,
  answers: Answers,
): { quarters: number; breakdown: ItemScore[]; errors: AnswerError[] } {
  const errors: AnswerError[] = [];
  const breakdown: ItemScore[] = [];
  const items = new Map(instrument.items.map((item) => [item.code, item]));
  for (const code of Object.keys(answers)) {
    if (!items.has(code)) errors.push({ pointer: `/answers/${code}`, message: `is not an item of ${instrument.id}` });
  }
  let quarters = 0;
  for (const item of instrument.items) {
    const chosen = answers[item.code];
    if (chosen === undefined) {
      errors.push({
        pointer: `/answers/${item.code}`,
        message: `is required: choose one of ${item.options.map((o) => o.code).join(', ')}`,
      });
      continue;
    }
    const option = item.options.find((candidate) => candidate.code === chosen);
    if (!option) {
      errors.push({
        pointer: `/answers/${item.code}`,
        message: `${chosen} is not an option of item ${item.code}; choose one of ${item.options.map((o) => o.code).join(', ')}`,
      });
      continue;
    }
    quarters += toQuarters(option.points);
    breakdown.push({ item: item.code, option: option.code, points: option.points });
  }
  return { quarters, breakdown, errors };
}

/** The dependency group whose range of points holds the score. */
export function classify(instrument: Instrument, quarters: number): InstrumentGroup {
  const group = instrument.groups.find(
    (candidate) => toQuarters(candidate.minPoints) <= quarters && quarters <= toQuarters(candidate.maxPoints),
  );
  if (!group) throw new Error(`${fromQuarters(quarters)} points fall in no group of ${instrument.id}`);
  return group;
}

export interface CareHours {
  optimal: number;
  minimal: number;
  /** The hours for the client's family status; null where the form has no such table (inpatient). */
  byLivingSituation: number | null;
}

export function careHours(group: InstrumentGroup, livingSituation: LivingSituation): CareHours {
  return {
    optimal: group.hours.optimal,
    minimal: group.hours.minimal,
    byLivingSituation: group.hoursByLivingSituation?.[livingSituation] ?? null,
  };
}

/** The highest score the form can reach: the most points of every item. */
export function maxScore(instrument: Pick<Instrument, 'items'>): number {
  const quarters = instrument.items.reduce(
    (total, item) => total + Math.max(...item.options.map((option) => toQuarters(option.points))),
    0,
  );
  return fromQuarters(quarters);
}
