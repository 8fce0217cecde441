/*
 * Why an assessment is in its group, and how sure that is (issue 17, "Explanation"). A score near
 * the edge of its group's range of points can change group with one answer read differently by the
 * specialist: the order's form is signed by two ("Диагностику провели: Сотрудник … Сотрудник …"),
 * and such a result is the one that most needs the second reading. Quarter points throughout, as
 * in scoring.ts, so no sum lands between groups.
 */
import type { BoundaryItem, Explanation, Instrument, InstrumentGroup } from './schemas.js';
import { classify, fromQuarters, maxScore, toQuarters, type Answers } from './scoring.js';

export type { BoundaryItem, Explanation };

const byGroup = (instrument: Instrument, group: number): InstrumentGroup | undefined =>
  instrument.groups.find((candidate) => candidate.group === group);

/**
 * The explanation of `quarters`, the score `answers` give on `instrument` (checked answers: every
 * item has one of its options, as scoreAnswers requires before anything is stored).
 */
export function explain(instrument: Instrument, answers: Answers, quarters: number): Explanation {
  const group = classify(instrument, quarters);
  const up = byGroup(instrument, group.group + 1);
  const down = byGroup(instrument, group.group - 1);
  // The table goes to 25 points, the forms do not (home 16, inpatient 9): a group the form cannot reach is no step up.
  const reachable = up !== undefined && toQuarters(up.minPoints) <= toQuarters(maxScore(instrument));
  const boundaryItems: BoundaryItem[] = [];
  for (const item of instrument.items) {
    const index = item.options.findIndex((option) => option.code === answers[item.code]);
    const chosen = item.options[index];
    if (!chosen) throw new Error(`item ${item.code} of ${instrument.id} has no answer among its options`);
    for (const alternative of [item.options[index - 1], item.options[index + 1]]) {
      if (!alternative) continue;
      const change = toQuarters(alternative.points) - toQuarters(chosen.points);
      const other = classify(instrument, quarters + change).group;
      if (other === group.group) continue;
      boundaryItems.push({
        item: item.code,
        option: chosen.code,
        alternative: alternative.code,
        pointsChange: fromQuarters(change),
        group: other,
      });
    }
  }
  return {
    groupRange: { minPoints: group.minPoints, maxPoints: group.maxPoints },
    pointsToGroupUp: reachable ? fromQuarters(toQuarters(up.minPoints) - quarters) : null,
    pointsToGroupDown: down ? fromQuarters(quarters - toQuarters(down.maxPoints)) : null,
    nearBoundary: boundaryItems.length > 0,
    boundaryItems,
  };
}

/**
 * A near-boundary result signed by one specialist: the form has room for two signatures, and a
 * second reading of the answers listed in `boundaryItems` is what settles the group.
 */
export function secondOpinionSuggested(explanation: Pick<Explanation, 'nearBoundary'>, conductedBy: readonly string[]): boolean {
  return explanation.nearBoundary && new Set(conductedBy).size < 2;
}
