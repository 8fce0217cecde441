import { sql } from 'kysely';
import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { catalogType, makeClient, makeOrganization, makeStaff } from '../helpers/factories.js';

interface Suggestion {
  program: {
    periodFrom: string;
    periodTo: string;
    goals: Array<{ component: string; text: string }>;
    activities: Array<{ activityTypeId: string }>;
  };
  assessmentId: string;
  group: number;
  mapping: { id: string; version: number };
  activities: Array<{
    activityTypeId: string;
    code: string;
    rationale: Array<{ code: string; rationale: { ru: string }; items: Array<{ itemCode: string; answer: string; item: { ru: string } }> }>;
  }>;
  leftOut: Array<{ code: string; reason: string; rules: string[] }>;
}

/** Every item of the home form at its first option (no deficit, 0 points), then the given answers. */
function homeAnswers(chosen: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [String(index + 1), `${index + 1}.1`]));
  return { ...base, ...chosen };
}

// Doesn't go out at all (2), needs help walking (0.5), no cleaning (2), help with all cooking (2): 6.5 points, group 4.
const GROUP_4 = { '1': '1.5', '5': '5.3', '2': '2.4', '4': '4.3' };
// The same, and dressing (1), hygiene (1.5), eating (1), full supervision of medicines (1): 11 points, group 5.
const GROUP_5 = { ...GROUP_4, '7': '7.3', '8': '8.4', '9': '9.3', '10': '10.3' };

t.test('a suggested support program', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const staff = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
  const codes = new Map<string, string>();
  for (const code of ['exercise_therapy', 'board_games', 'darts', 'excursion', 'labor_therapy', 'household_orientation', 'thematic_talk']) {
    codes.set(code, (await catalogType(testApp, code)).id);
  }

  const assessed = async (answers: Record<string, string>, socialSupport: number) => {
    const client = (await makeClient(testApp, organizationId, { socialSupport })).id;
    const assessment = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/assessments`,
      payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-01-10', answers: homeAnswers(answers), conductedBy: [staff] },
    });
    t.equal(assessment.statusCode, 201, assessment.body);
    return { client, assessmentId: assessment.json().id as string, group: assessment.json().result.group as number };
  };
  const suggest = (client: string, payload: Record<string, unknown> = { draftedBy: [staff] }) =>
    call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${client}/support-programs/suggestion`, payload });

  const four = await assessed(GROUP_4, 3);
  const response = await suggest(four.client, { draftedBy: [staff], periodFrom: '2025-02-01', periodTo: '2025-07-31' });
  const suggestion = response.json<Suggestion>();

  t.test('it starts from the latest assessment and names the mapping version', async (t) => {
    t.equal(response.statusCode, 200, response.body);
    t.equal(four.group, 4);
    t.match(suggestion, {
      assessmentId: four.assessmentId,
      instrumentId: 'bfd-home-2019',
      group: 4,
      mapping: { id: 'milieu-bfd-2019-v1', version: 1 },
    });
  });

  t.test('an activity type whose maxGroup is below the client’s group is left out, one up to it or above is planned', async (t) => {
    const planned = suggestion.activities.map((activity) => activity.code);
    // excursion: maxGroup 3 < 4; darts, labor therapy, household orientation: 4; board games, thematic talks: 5; exercise therapy: any.
    t.same(
      suggestion.leftOut.map((entry) => [entry.code, entry.reason]),
      [['excursion', 'unsuited_group']],
    );
    t.same(suggestion.leftOut[0]!.rules, ['communication', 'impressions'], 'both rules that named it');
    for (const code of ['darts', 'labor_therapy', 'household_orientation', 'board_games', 'thematic_talk', 'exercise_therapy']) {
      t.ok(planned.includes(code), `${code} is planned`);
    }
    t.notOk(planned.includes('psychological_session'), 'no orientation item shows a deficit');
    t.same(
      suggestion.program.activities.map((activity) => activity.activityTypeId),
      suggestion.activities.map((activity) => activity.activityTypeId),
      'one rationale per planned activity, in the same order',
    );
  });

  t.test('the rationale names the items and their answers', async (t) => {
    const exercise = suggestion.activities.find((activity) => activity.code === 'exercise_therapy');
    t.match(exercise?.rationale, [
      {
        code: 'mobility',
        rationale: { ru: /Физкультурно-оздоровительное/ },
        items: [
          { itemCode: '1', answer: '1.5', item: { ru: 'Передвижение вне дома' } },
          { itemCode: '5', answer: '5.3', item: { ru: 'Передвижение по дому' } },
        ],
      },
    ]);
    const talk = suggestion.activities.find((activity) => activity.code === 'thematic_talk');
    t.match(talk?.rationale, [{ code: 'communication', items: [{ itemCode: 'socialSupport', answer: '3' }] }]);
  });

  t.test('goals per component of quality of life', async (t) => {
    t.same([...new Set(suggestion.program.goals.map((goal) => goal.component))], ['physical', 'social', 'spiritual']);
  });

  t.test('the suggested body is accepted by POST create as it stands, and suits the group', async (t) => {
    const listed = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${four.client}/support-programs` });
    t.same(listed.json().items, [], 'the suggestion stored nothing');
    const created = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${four.client}/support-programs`,
      payload: suggestion.program,
    });
    t.equal(created.statusCode, 201, created.body);
    t.match(created.json(), { status: 'draft', periodFrom: '2025-02-01', periodTo: '2025-07-31', warnings: [] });
    t.equal(created.json().goals.length, suggestion.program.goals.length);
  });

  t.test('at group 5 the types suiting up to group 4 leave too', async (t) => {
    const five = await assessed(GROUP_5, 1);
    t.equal(five.group, 5);
    const answer = (await suggest(five.client)).json<Suggestion>();
    t.same(answer.leftOut.map((entry) => entry.code).sort(), ['darts', 'excursion', 'household_orientation', 'labor_therapy']);
    t.ok(
      answer.leftOut.every((entry) => entry.reason === 'unsuited_group'),
      'each for the group',
    );
    const planned = answer.activities.map((activity) => activity.code);
    t.ok(planned.includes('board_games'), 'board games suit group 5');
    t.ok(planned.includes('psychological_session'), 'full supervision of medicines calls for orientation work');
    t.notOk(planned.includes('thematic_talk'), 'sufficient social support: no communication rule');
  });

  t.test('without a final assessment there is nothing to suggest from', async (t) => {
    const client = (await makeClient(testApp, organizationId)).id;
    const answer = await suggest(client);
    t.equal(answer.statusCode, 422);
    t.equal(answer.json().type, '/problems/no-assessment-to-suggest-from');
  });

  t.test('the staff drafting it are the organization’s', async (t) => {
    const answer = await suggest(four.client, { draftedBy: ['00000000-0000-4000-8000-000000000000'] });
    t.equal(answer.statusCode, 422);
    t.match(answer.json().errors, [{ pointer: '/draftedBy/0' }]);
  });

  t.test('the read of the assessment is in the audit trail', async (t) => {
    const events = await call(ADMIN_KEY, { method: 'GET', url: `/v1/audit-events?clientId=${four.client}&action=read` });
    t.match(events.json().items, [{ action: 'read', resourceType: 'support_program_suggestion', clientId: four.client }]);
  });

  t.test('a version of the mapping never changes', async (t) => {
    await t.rejects(sql`UPDATE program_suggestion_mappings SET definition = '{}'::jsonb`.execute(testApp.database.db), /never changes/);
    await t.rejects(sql`DELETE FROM program_suggestion_mappings`.execute(testApp.database.db), /never changes/);
  });
});
