import t from 'tap';
import fc from 'fast-check';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { makeClient, makeOrganization, makeStaff } from '../helpers/factories.js';

// The order's annex 2, as printed: groups by points and the two tables of weekly hours.
const HOURS = {
  optimal: [0, 4, 8, 16, 20, 28],
  minimal: [0, 3, 6, 12, 18, 25],
  byLivingSituation: {
    lonely: [0, 4, 8, 16, 20, 28],
    lives_alone: [0, 2, 6, 14, 16, 22],
    lonely_family: [0, 0, 4, 10, 14, 18],
    family_lives_alone: [0, 0, 2, 6, 10, 16],
    lives_with_family: [0, 0, 0, 4, 8, 12],
  },
} as const;
const SELF_CARE = ['none', 'mild', 'moderate', 'severe', 'very_severe', 'total'];
/** A score inside each group (1-6), reachable on the home form. */
const POINTS_IN_GROUP = [1.5, 4, 5.5, 8, 13, 16];

interface Setup {
  testApp: TestApp;
  organizationId: string;
  staffId: string;
  forms: Record<string, FormItem[]>;
}

async function setup(testApp: TestApp): Promise<Setup> {
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId)).id;
  const forms: Record<string, FormItem[]> = {};
  for (const id of ['bfd-home-2019', 'bfd-inpatient-2019']) {
    forms[id] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/instruments/${id}` })).json().items;
  }
  return { testApp, organizationId, staffId, forms };
}

async function assess(
  { testApp, staffId, forms }: Setup,
  clientId: string,
  instrumentId: string,
  answers: Record<string, string> | number,
) {
  const response = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/assessments`,
    // Drafts: scored like final ones, and a client may have many on one day (one final a form and date).
    payload: {
      status: 'draft',
      instrumentId,
      assessedOn: '2026-01-15',
      answers: typeof answers === 'number' ? answersScoring(forms[instrumentId]!, answers) : answers,
      conductedBy: [staffId],
    },
  });
  if (response.statusCode !== 201) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json();
}

t.test('dependency groups by points', async (t) => {
  const context = await setup(await buildTestApp(t));
  const home = (await makeClient(context.testApp, context.organizationId)).id;
  const inpatient = (await makeClient(context.testApp, context.organizationId, { careForm: 'inpatient' })).id;

  // Both sides of every boundary the form can score. The home form reaches 15.5, not 15.75 (only
  // item 1 has a 0.75 option); the inpatient form scores whole halves only. The unreachable sides
  // are classified in test/instruments/scoring.test.ts.
  const homeScores: Array<[number, number]> = [
    [0, 1],
    [3, 1],
    [3.25, 2],
    [4.5, 2],
    [4.75, 3],
    [6, 3],
    [6.25, 4],
    [10.75, 4],
    [11, 5],
    [15.5, 5],
    [16, 6],
  ];
  const inpatientScores: Array<[number, number]> = [
    [0, 1],
    [3, 1],
    [3.5, 2],
    [4.5, 2],
    [5, 3],
    [6, 3],
    [6.5, 4],
    [9, 4],
  ];
  for (const [points, group] of homeScores) {
    t.test(`a home client scoring ${points} points is in group ${group}`, async (t) => {
      const { result } = await assess(context, home, 'bfd-home-2019', points);
      t.equal(result.score, points);
      t.equal(result.group, group);
      t.equal(result.selfCareReduction, SELF_CARE[group - 1]);
    });
  }
  for (const [points, group] of inpatientScores) {
    t.test(`an inpatient client scoring ${points} points is in group ${group}`, async (t) => {
      const { result } = await assess(context, inpatient, 'bfd-inpatient-2019', points);
      t.equal(result.score, points);
      t.equal(result.group, group);
      t.equal(result.hours.byLivingSituation, null, 'the inpatient form has no family-status hours');
    });
  }
});

t.test('weekly care hours: every cell of both tables', async (t) => {
  const context = await setup(await buildTestApp(t));
  for (const [livingSituation, row] of Object.entries(HOURS.byLivingSituation)) {
    const client = (await makeClient(context.testApp, context.organizationId, { livingSituation })).id;
    for (const [index, points] of POINTS_IN_GROUP.entries()) {
      const group = index + 1;
      t.test(`group ${group}, ${livingSituation}: ${row[index]} hours a week by family status`, async (t) => {
        const { result } = await assess(context, client, 'bfd-home-2019', points);
        t.equal(result.group, group);
        t.same(result.hours, { optimal: HOURS.optimal[index], minimal: HOURS.minimal[index], byLivingSituation: row[index] });
      });
    }
  }
  t.test('the instrument serves the same tables', async (t) => {
    const instrument = (await context.testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json();
    t.same(
      instrument.groups.map((group: { hours: { optimal: number } }) => group.hours.optimal),
      HOURS.optimal,
    );
    t.same(
      instrument.groups.map((group: { hours: { minimal: number } }) => group.hours.minimal),
      HOURS.minimal,
    );
    for (const [livingSituation, row] of Object.entries(HOURS.byLivingSituation)) {
      t.same(
        instrument.groups.map((group: { hoursByLivingSituation: Record<string, number> }) => group.hoursByLivingSituation[livingSituation]),
        row,
      );
    }
    t.equal(instrument.maxScore, 16);
  });
});

t.test('the score is the sum of the chosen options’ points, for random answer sets', async (t) => {
  const context = await setup(await buildTestApp(t));
  const client = (await makeClient(context.testApp, context.organizationId)).id;
  const items = context.forms['bfd-home-2019']!;
  const answerSets = fc.tuple(...items.map((item) => fc.constantFrom(...item.options)));
  await fc.assert(
    fc.asyncProperty(answerSets, async (options) => {
      const answers = Object.fromEntries(items.map((item, index) => [item.code, options[index]!.code]));
      const expected = options.reduce((sum, option) => sum + option.points, 0);
      const { result } = await assess(context, client, 'bfd-home-2019', answers);
      t.equal(result.score, expected, JSON.stringify(answers));
      t.same(
        result.breakdown.map((entry: { option: string; points: number }) => [entry.option, entry.points]),
        options.map((option) => [option.code, option.points]),
      );
    }),
    { seed: 20190327, numRuns: 60 },
  );
});
