/*
 * The explanation of a score against an independent oracle: every single-answer change to an
 * adjacent option re-scored with scoreAnswers and classify, on both forms, for every item and
 * every option, at every score the form can reach (so at every edge of the group table).
 */
import t from 'tap';
import data from '../../migrations/data/bfd-2019.json' with { type: 'json' };
import { answersScoring } from '../../src/demo/answers.js';
import { explain, secondOpinionSuggested, type BoundaryItem } from '../../src/instruments/explanation.js';
import type { Instrument } from '../../src/instruments/schemas.js';
import { classify, scoreAnswers, type Answers } from '../../src/instruments/scoring.js';

const instruments = data.instruments as unknown as Instrument[];
const home = instruments.find((instrument) => instrument.id === 'bfd-home-2019')!;
const inpatient = instruments.find((instrument) => instrument.id === 'bfd-inpatient-2019')!;

/** The score and group answers give, by the scoring the service uses for the result itself. */
function scored(instrument: Instrument, answers: Answers): { quarters: number; group: number } {
  const { quarters, errors } = scoreAnswers(instrument, answers);
  if (errors.length) throw new Error(JSON.stringify(errors));
  return { quarters, group: classify(instrument, quarters).group };
}

/** Every single-answer change to the previous or next option that changes the group, by re-scoring each. */
function oracleBoundaryItems(instrument: Instrument, answers: Answers): BoundaryItem[] {
  const base = scored(instrument, answers);
  const found: BoundaryItem[] = [];
  for (const item of instrument.items) {
    const codes = item.options.map((option) => option.code);
    const at = codes.indexOf(answers[item.code]!);
    for (const neighbour of [at - 1, at + 1]) {
      const alternative = codes[neighbour];
      if (alternative === undefined) continue;
      const changed = scored(instrument, { ...answers, [item.code]: alternative });
      if (changed.group !== base.group) {
        found.push({
          item: item.code,
          option: answers[item.code]!,
          alternative,
          pointsChange: (changed.quarters - base.quarters) / 4,
          group: changed.group,
        });
      }
    }
  }
  return found;
}

/** The highest score the form reaches: every item's option with the most points, scored. */
function formMaximum(instrument: Instrument): number {
  const answers = Object.fromEntries(
    instrument.items.map((item) => [item.code, item.options.reduce((best, option) => (option.points > best.points ? option : best)).code]),
  );
  return scored(instrument, answers).quarters;
}

/** The range of the group and the distances to its neighbours, found by walking quarter points. */
function oracleDistances(instrument: Instrument, quarters: number) {
  const group = classify(instrument, quarters).group;
  const top = 25 * 4;
  const walk = (step: 1 | -1, limit: number) => {
    for (let q = quarters + step; step > 0 ? q <= limit : q >= 0; q += step) {
      if (classify(instrument, q).group !== group) return Math.abs(q - quarters) / 4;
    }
    return null;
  };
  let min = quarters;
  while (min > 0 && classify(instrument, min - 1).group === group) min -= 1;
  let max = quarters;
  while (max < top && classify(instrument, max + 1).group === group) max += 1;
  return {
    groupRange: { minPoints: min / 4, maxPoints: max / 4 },
    pointsToGroupUp: walk(1, formMaximum(instrument)),
    pointsToGroupDown: walk(-1, 0),
  };
}

/** Every combination of answers: feasible for the inpatient form (12,960 of them). */
function* everyAnswerSet(instrument: Instrument, index = 0, chosen: Answers = {}): Generator<Answers> {
  const item = instrument.items[index];
  if (!item) {
    yield { ...chosen };
    return;
  }
  for (const option of item.options) yield* everyAnswerSet(instrument, index + 1, { ...chosen, [item.code]: option.code });
}

/**
 * For every item and every one of its options, the rest of the form answered to every total it can
 * reach: each adjacent change of every item is tried at every score the form can have with it.
 */
function* everyOptionAtEveryScore(instrument: Instrument): Generator<Answers> {
  for (const item of instrument.items) {
    const rest = instrument.items.filter((other) => other !== item);
    const restMaximum = rest.reduce((total, other) => total + Math.max(...other.options.map((option) => option.points * 4)), 0);
    for (const option of item.options) {
      for (let quarters = 0; quarters <= restMaximum; quarters += 1) {
        let others: Answers;
        try {
          others = answersScoring(rest, quarters / 4);
        } catch {
          continue; // a total the other items cannot make
        }
        yield { ...others, [item.code]: option.code };
      }
    }
  }
}

/** Checks the explanation of each answer set against the oracles; answers the disagreements and what was covered. */
function check(instrument: Instrument, answerSets: Iterable<Answers>) {
  const mismatches: unknown[] = [];
  const scores = new Set<number>();
  const tried = new Set<string>();
  let sets = 0;
  for (const answers of answerSets) {
    sets += 1;
    const { quarters } = scored(instrument, answers);
    scores.add(quarters / 4);
    const explanation = explain(instrument, answers, quarters);
    const expected = { ...oracleDistances(instrument, quarters), boundaryItems: oracleBoundaryItems(instrument, answers) };
    const actual = {
      groupRange: explanation.groupRange,
      pointsToGroupUp: explanation.pointsToGroupUp,
      pointsToGroupDown: explanation.pointsToGroupDown,
      boundaryItems: explanation.boundaryItems,
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push({ answers, actual, expected });
    if (explanation.nearBoundary !== expected.boundaryItems.length > 0)
      mismatches.push({ answers, nearBoundary: explanation.nearBoundary });
    for (const item of instrument.items) tried.add(`${item.code}=${answers[item.code]}`);
  }
  return { mismatches: mismatches.slice(0, 5), mismatchCount: mismatches.length, scores, tried, sets };
}

const everyOption = (instrument: Instrument) =>
  instrument.items.flatMap((item) => item.options.map((option) => `${item.code}=${option.code}`));

t.test('the inpatient form: every answer set, every single-answer change to an adjacent option', async (t) => {
  const { mismatches, mismatchCount, scores, tried, sets } = check(inpatient, everyAnswerSet(inpatient));
  t.equal(sets, 12_960, 'all 6 × 4 × 3 × 5 × 4 × 3 × 3 answer sets');
  t.same(mismatches, [], `${mismatchCount} answer sets explained otherwise than re-scoring says`);
  t.same([...tried].sort(), everyOption(inpatient).sort(), 'every option of every item was the chosen one');
  t.same(
    [...scores].sort((a, b) => a - b),
    Array.from({ length: 19 }, (_, index) => index / 2),
    'every score the form reaches: whole halves 0-9, the edges 3, 4.5, 6 among them',
  );
});

t.test('the home form: every option of every item, at every score the rest of the form reaches', async (t) => {
  const { mismatches, mismatchCount, scores, tried, sets } = check(home, everyOptionAtEveryScore(home));
  t.ok(sets > 2_000, `${sets} answer sets`);
  t.same(mismatches, [], `${mismatchCount} answer sets explained otherwise than re-scoring says`);
  t.same([...tried].sort(), everyOption(home).sort(), 'every option of every item was the chosen one');
  for (const edge of [0, 3, 3.25, 4.5, 4.75, 6, 6.25, 10.75, 11, 15.5, 16])
    t.ok(scores.has(edge), `a score of ${edge} points was explained`);
  t.notOk(scores.has(15.75), 'the form never scores 15.75 (only item 1 has a 0.75 option)');
});

t.test('a home client at 3 points whose item 8 could read 8.3 is near the boundary of group 2', async (t) => {
  const answers = { ...answersScoring(home.items, 0), '1': '1.5', '8': '8.3' }; // 2 + 1 = 3 points
  const explanation = explain(home, answers, 12);
  t.same(explanation.groupRange, { minPoints: 0, maxPoints: 3 });
  t.equal(explanation.pointsToGroupUp, 0.25, '3.25 points is group 2');
  t.equal(explanation.pointsToGroupDown, null, 'no group below group 1');
  t.ok(explanation.nearBoundary);
  t.same(
    explanation.boundaryItems.find((entry) => entry.item === '8'),
    { item: '8', option: '8.3', alternative: '8.4', pointsChange: 0.5, group: 2 },
    '8.4 gives 3.5 points, group 2',
  );
  t.notOk(
    explanation.boundaryItems.some((entry) => entry.pointsChange < 0),
    'an answer with fewer points keeps group 1',
  );
});

t.test('a score in the middle of group 4 is not near a boundary', async (t) => {
  const answers = answersScoring(home.items, 8.5);
  const explanation = explain(home, answers, 34);
  t.same(explanation.groupRange, { minPoints: 6.25, maxPoints: 10.75 });
  t.equal(explanation.pointsToGroupUp, 2.5);
  t.equal(explanation.pointsToGroupDown, 2.5);
  t.notOk(explanation.nearBoundary, 'no single answer moves the score by more than 2 points');
  t.same(explanation.boundaryItems, []);
});

t.test('the top of each form: no step up past the form’s maximum', async (t) => {
  const homeTop = explain(home, answersScoring(home.items, 16), 64);
  t.equal(homeTop.pointsToGroupUp, null, 'group 6 is the top of the table');
  t.equal(homeTop.pointsToGroupDown, 0.25, 'group 5 ends at 15.75');
  t.ok(homeTop.nearBoundary, 'every answer one option lower leaves group 6');
  const inpatientTop = explain(inpatient, answersScoring(inpatient.items, 9), 36);
  t.equal(inpatientTop.groupRange.maxPoints, 10.75, 'the range as the order prints it');
  t.equal(inpatientTop.pointsToGroupUp, null, 'group 5 starts at 11 points; the inpatient form reaches 9');
  t.equal(inpatientTop.pointsToGroupDown, 3, 'group 3 ends at 6 points');
});

t.test('a second opinion is suggested for a near-boundary result signed by one specialist', async (t) => {
  t.ok(secondOpinionSuggested({ nearBoundary: true }, ['a']));
  t.notOk(secondOpinionSuggested({ nearBoundary: true }, ['a', 'b']), 'two specialists signed');
  t.ok(secondOpinionSuggested({ nearBoundary: true }, ['a', 'a']), 'the same specialist twice is one');
  t.notOk(secondOpinionSuggested({ nearBoundary: false }, ['a']), 'not near a boundary');
});
