import t from 'tap';
import data from '../../migrations/data/bfd-2019.json' with { type: 'json' };
import { answersScoring } from '../../src/demo/answers.js';
import type { Instrument } from '../../src/instruments/schemas.js';
import { classify, maxScore, scoreAnswers, toQuarters } from '../../src/instruments/scoring.js';

const instruments = data.instruments as unknown as Instrument[];
const home = instruments.find((instrument) => instrument.id === 'bfd-home-2019')!;
const inpatient = instruments.find((instrument) => instrument.id === 'bfd-inpatient-2019')!;

t.test('the forms as the order prints them', async (t) => {
  t.same(
    home.items.map((item) => item.code),
    ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
  );
  t.same(
    inpatient.items.map((item) => item.code),
    ['1', '2', '3', '4', '5', '6', '7'],
  );
  t.equal(maxScore(home), 16, 'the home form reaches 16 points');
  t.equal(maxScore(inpatient), 9, 'the inpatient form reaches 9 points');
  for (const instrument of instruments) {
    for (const item of instrument.items) {
      for (const option of item.options) {
        t.ok(option.code.startsWith(`${item.code}.`), `${option.code} belongs to item ${item.code}`);
        t.ok([0, 0.5, 0.75, 1, 1.5, 2].includes(option.points), `${option.code}: ${option.points} points`);
      }
    }
  }
  t.equal(home.items[7]!.options[1]!.text.ru.startsWith('Требуется присутствие другого человека при купании'), true);
  t.equal(home.items[5]!.options[1]!.text.ru, 'Падает, но может встать самостоятельно', 'text broken across lines is joined');
});

t.test('classification in quarter points, on every boundary of the group table', async (t) => {
  const boundaries: Array<[number, number]> = [
    [0, 1],
    [3, 1],
    [3.25, 2],
    [4.5, 2],
    [4.75, 3],
    [6, 3],
    [6.25, 4],
    [10.75, 4],
    [11, 5],
    [15.75, 5],
    [16, 6],
    [25, 6],
  ];
  for (const instrument of instruments) {
    for (const [points, group] of boundaries) {
      t.equal(classify(instrument, toQuarters(points)).group, group, `${instrument.id}: ${points} points is group ${group}`);
    }
  }
  t.throws(() => toQuarters(0.1), /not a multiple of 0.25/);
});

t.test('scores the form cannot reach', async (t) => {
  t.throws(() => answersScoring(home.items, 15.75), 'only item 1 has a 0.75 option, so the home form never scores 15.75');
  t.throws(() => answersScoring(inpatient.items, 3.25), 'the inpatient form scores whole halves only');
});

t.test('scoreAnswers reports every faulty item at once', async (t) => {
  const answers = answersScoring(home.items, 4);
  const { '3': _missing, ...rest } = answers;
  const { errors } = scoreAnswers(home, { ...rest, '1': '2.1', '99': '99.1' });
  t.same(errors.map((error) => error.pointer).sort(), ['/answers/1', '/answers/3', '/answers/99']);
});
