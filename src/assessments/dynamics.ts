/*
 * The client's functional dynamics (order No. 99, annex 2: "динамика ухудшения функционального
 * состояния"): how score, group and items moved from one final assessment to the next.
 */
import { addMonths } from '../calendar/dates.js';
import { fromQuarters, type ItemScore } from '../instruments/scoring.js';
import type { DynamicsEntry } from './schemas.js';

export interface ScoredAssessment {
  id: string;
  assessedOn: string;
  instrumentId: string;
  quarters: number;
  /** The group in effect (a commission's decision, or the computed one): what dynamics compare. */
  group: number;
  computedGroup: number;
  decisionId: string | null;
  selfCareReduction: DynamicsEntry['selfCareReduction'];
  breakdown: ItemScore[];
}

/** A rise of this many groups within RAPID_WINDOW_MONTHS is rapid deterioration. */
export const RAPID_GROUPS = 2;
export const RAPID_WINDOW_MONTHS = 6;

function itemChanges(previous: ScoredAssessment, current: ScoredAssessment) {
  // Items of different forms share codes but not meanings: only the same form compares.
  if (previous.instrumentId !== current.instrumentId) return { worsened: [], improved: [] };
  const before = new Map(previous.breakdown.map((score) => [score.item, score.points]));
  const changes = current.breakdown
    .map((score) => ({ item: score.item, from: before.get(score.item) ?? 0, to: score.points }))
    .filter((change) => change.from !== change.to);
  return {
    worsened: changes.filter((change) => change.to > change.from),
    improved: changes.filter((change) => change.to < change.from),
  };
}

/** `history` in time order, oldest first. */
export function dynamics(history: ScoredAssessment[]): DynamicsEntry[] {
  return history.map((current, index) => {
    const previous = history[index - 1];
    const windowStart = addMonths(current.assessedOn, -RAPID_WINDOW_MONTHS);
    const rapidDeterioration = history
      .slice(0, index)
      .some((earlier) => earlier.assessedOn >= windowStart && current.group - earlier.group >= RAPID_GROUPS);
    const groupChange = previous ? current.group - previous.group : null;
    const { worsened, improved } = previous ? itemChanges(previous, current) : { worsened: [], improved: [] };
    return {
      assessmentId: current.id,
      assessedOn: current.assessedOn,
      instrumentId: current.instrumentId,
      score: fromQuarters(current.quarters),
      group: current.group,
      computedGroup: current.computedGroup,
      decisionId: current.decisionId,
      selfCareReduction: current.selfCareReduction,
      scoreChange: previous ? fromQuarters(current.quarters - previous.quarters) : null,
      groupChange,
      worsenedItems: worsened,
      improvedItems: improved,
      deteriorating: (groupChange ?? 0) > 0,
      rapidDeterioration,
      improving: (groupChange ?? 0) < 0,
    };
  });
}
