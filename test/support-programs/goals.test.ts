import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { behindLock } from '../helpers/locks.js';
import { catalogType, makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

interface Goal {
  id: string;
  component: string;
  text: string;
  targetDate: string;
  status: string;
  reviews: Array<{ reviewedOn: string; staffId: string; note: string; status: string; targetDate: string | null }>;
}

const CONTENDERS = 4;

t.test('support-program goals that are reviewed', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: CONTENDERS + 4 });
  const { call } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;
  const psychologist = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
  const stranger = (await makeStaff(testApp, other)).id;
  const music = (await catalogType(testApp, 'music_therapy')).id;

  /** A new client with one program; `goals` in either shape. */
  const programOf = async (goals: unknown, status = 'active') => {
    const client = (await makeClient(testApp, organizationId)).id;
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/support-programs`,
      payload: {
        periodFrom: '2025-01-01',
        periodTo: '2025-12-31',
        goals,
        activities: [{ activityTypeId: music, timesPerWeek: 1 }],
        draftedBy: [psychologist],
        status,
      },
    });
    t.equal(response.statusCode, 201, response.body);
    const body = response.json<{ id: string; goals: Goal[]; reviewDueOn: string | null }>();
    return { ...body, client, url: `/v1/clients/${client}/support-programs/${body.id}`, etag: response.headers.etag as string };
  };
  const review = (program: { url: string }, goal: string, payload: Record<string, unknown>, headers = {}) =>
    call(ADMIN_KEY, {
      method: 'POST',
      url: `${program.url}/goals/${goal}/reviews`,
      headers,
      payload: { reviewedOn: '2025-03-31', staffId: psychologist, note: 'Посещает занятия', ...payload },
    });

  t.test('a text per component still makes a program: each text is a planned goal due at the end of the period', async (t) => {
    const program = await programOf({ social: 'Расширить круг общения', physical: 'Ходить без трости' });
    t.match(program.goals, [
      { component: 'physical', text: 'Ходить без трости', targetDate: '2025-12-31', status: 'planned', reviews: [] },
      { component: 'social', text: 'Расширить круг общения', targetDate: '2025-12-31', status: 'planned', reviews: [] },
    ]);
    t.equal(program.reviewDueOn, '2025-12-31');
    const read = await call(ADMIN_KEY, { method: 'GET', url: program.url });
    const changed = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: program.url,
      headers: { 'if-match': read.headers.etag as string },
      payload: { goals: { social: 'Участвовать в праздниках' } },
    });
    t.equal(changed.statusCode, 200);
    t.same(
      changed.json().goals.map((goal: Goal) => [goal.id, goal.text]),
      [[program.goals[1]!.id, 'Участвовать в праздниках']],
      'the goal of the same component keeps its id',
    );
  });

  t.test('a goal is due on its own target date, not before the program starts', async (t) => {
    const program = await programOf([
      { component: 'physical', text: 'Ходить без трости', targetDate: '2025-04-30' },
      { component: 'spiritual', text: 'Посещать концерты' },
    ]);
    t.same(
      program.goals.map((goal) => goal.targetDate),
      ['2025-04-30', '2025-12-31'],
    );
    t.equal(program.reviewDueOn, '2025-04-30');
    const early = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${program.client}/support-programs`,
      payload: {
        periodFrom: '2025-01-01',
        periodTo: '2025-12-31',
        goals: [{ component: 'physical', text: 'Ходить', targetDate: '2024-12-31' }],
        activities: [],
        draftedBy: [psychologist],
      },
    });
    t.equal(early.statusCode, 422);
    t.match(early.json(), { type: '/problems/program-rule-violated', errors: [{ pointer: '/goals/0/targetDate' }] });
  });

  t.test('a review appends an entry and sets the goal’s status', async (t) => {
    const program = await programOf([{ component: 'physical', text: 'Ходить без трости', targetDate: '2025-04-30' }]);
    const goal = program.goals[0]!.id;
    const first = await review(program, goal, { status: 'in_progress', targetDate: '2025-06-30' });
    t.equal(first.statusCode, 201, first.body);
    t.not(first.headers.etag, program.etag, 'the program’s version rose');
    t.match(first.json().goals[0], {
      status: 'in_progress',
      targetDate: '2025-06-30',
      reviews: [
        { reviewedOn: '2025-03-31', staffId: psychologist, note: 'Посещает занятия', status: 'in_progress', targetDate: '2025-06-30' },
      ],
    });
    const second = await review(program, goal, { reviewedOn: '2025-06-30', status: 'achieved', note: 'Ходит без трости' });
    t.equal(second.statusCode, 201);
    const reviewed = second.json().goals[0] as Goal;
    t.equal(reviewed.status, 'achieved');
    t.same(
      reviewed.reviews.map((entry) => entry.status),
      ['in_progress', 'achieved'],
    );
    t.equal(second.json().reviewDueOn, null, 'an achieved goal is never due');

    t.test('and a reviewed goal stays on the program', async (t) => {
      const dropped = await call(ADMIN_KEY, {
        method: 'PATCH',
        url: program.url,
        headers: { 'if-match': second.headers.etag as string },
        payload: { goals: [{ component: 'social', text: 'Новая цель' }] },
      });
      t.equal(dropped.statusCode, 422);
      t.match(dropped.json().errors, [{ pointer: '/goals' }]);
    });
  });

  t.test('a review names a staff member of the client’s organization and a day that has come', async (t) => {
    const program = await programOf([{ component: 'social', text: 'Общение' }]);
    const goal = program.goals[0]!.id;
    const response = await review(program, goal, {
      staffId: stranger,
      reviewedOn: '2099-01-01',
      status: 'achieved',
      targetDate: '2099-02-01',
    });
    t.equal(response.statusCode, 422);
    t.equal(response.json().type, '/problems/goal-review-rule-violated');
    t.same(
      response
        .json()
        .errors.map((error: { pointer: string }) => error.pointer)
        .sort(),
      ['/reviewedOn', '/staffId', '/targetDate'],
    );
    const before = await review(program, goal, { reviewedOn: '2024-12-31', status: 'in_progress' });
    t.match(before.json(), { status: 422, errors: [{ pointer: '/reviewedOn', message: 'is before the program starts' }] });
    const unchanged = await call(ADMIN_KEY, { method: 'GET', url: program.url });
    t.same(unchanged.json().goals[0].reviews, [], 'nothing was appended');
  });

  t.test('only goals of an active or completed program are reviewed', async (t) => {
    const draft = await programOf([{ component: 'social', text: 'Общение' }], 'draft');
    const response = await review(draft, draft.goals[0]!.id, { status: 'in_progress' });
    t.equal(response.statusCode, 422);
    t.equal(response.json().type, '/problems/program-not-reviewable');
    const unknown = await review(draft, '00000000-0000-4000-8000-000000000000', { status: 'in_progress' });
    t.equal(unknown.statusCode, 404);
  });

  t.test('a review sent with a stale If-Match is refused; without one it is appended to the current version', async (t) => {
    const program = await programOf([{ component: 'social', text: 'Общение' }]);
    const goal = program.goals[0]!.id;
    t.equal((await review(program, goal, { status: 'in_progress' })).statusCode, 201);
    const stale = await review(program, goal, { status: 'achieved' }, { 'if-match': program.etag });
    t.equal(stale.statusCode, 412);
    const current = await call(ADMIN_KEY, { method: 'GET', url: program.url });
    const fresh = await review(program, goal, { status: 'achieved' }, { 'if-match': current.headers.etag as string });
    t.equal(fresh.statusCode, 201);
  });

  t.test('reviews sent at once are all kept, one after the other', async (t) => {
    const program = await programOf([{ component: 'social', text: 'Общение' }]);
    const goal = program.goals[0]!.id;
    const notes = Array.from({ length: CONTENDERS }, (_, index) => `Обзор ${index}`);
    const responses = await behindLock(
      testApp.database.url,
      { sql: 'SELECT 1 FROM support_programs WHERE id = $1 FOR UPDATE', parameters: [program.id] },
      CONTENDERS,
      () => Promise.all(notes.map((note) => review(program, goal, { status: 'in_progress', note }))),
    );
    t.same(
      responses.map((response) => response.statusCode),
      notes.map(() => 201),
    );
    const read = await call(ADMIN_KEY, { method: 'GET', url: program.url });
    t.same(
      read
        .json()
        .goals[0].reviews.map((entry: { note: string }) => entry.note)
        .sort(),
      notes,
    );
    t.equal(read.headers.etag, `"${1 + CONTENDERS}"`, 'one version per review');
  });

  t.test('programs with goals due for review', async (t) => {
    const due = await programOf([
      { component: 'physical', text: 'Ходить без трости', targetDate: '2025-03-01' },
      { component: 'social', text: 'Общение', targetDate: '2025-11-30' },
    ]);
    const later = await programOf([{ component: 'social', text: 'Общение', targetDate: '2025-09-01' }]);
    const achieved = await programOf([{ component: 'social', text: 'Общение', targetDate: '2025-03-01' }]);
    t.equal((await review(achieved, achieved.goals[0]!.id, { status: 'achieved' })).statusCode, 201);
    const draft = await programOf([{ component: 'social', text: 'Общение', targetDate: '2025-03-01' }], 'draft');
    const ours = new Set([due.id, later.id, achieved.id, draft.id]);
    const list = async (key: string, query: string) => {
      const response = await call(key, { method: 'GET', url: `/v1/support-programs?${query}` });
      t.equal(response.statusCode, 200, response.body);
      return (response.json().items as Array<{ id: string; reviewDueOn: string }>).filter((item) => ours.has(item.id));
    };

    t.test('an open goal past the date is due; a later one, an achieved one and a draft’s are not', async (t) => {
      const items = await list(ADMIN_KEY, 'reviewDueBefore=2025-06-01');
      t.same(
        items.map((item) => [item.id, item.reviewDueOn]),
        [[due.id, '2025-03-01']],
      );
      t.same(
        (await list(ADMIN_KEY, 'reviewDueBefore=2025-09-02')).map((item) => item.id),
        [due.id, later.id],
      );
      t.same(await list(ADMIN_KEY, 'reviewDueBefore=2025-03-01'), [], 'the target date itself is not before it');
    });

    t.test('a review that keeps the goal open with a later target moves it out of the list', async (t) => {
      const moved = await review(due, due.goals[0]!.id, { status: 'in_progress', targetDate: '2025-08-31' });
      t.equal(moved.statusCode, 201);
      t.equal(moved.json().reviewDueOn, '2025-08-31');
      t.same(await list(ADMIN_KEY, 'reviewDueBefore=2025-06-01'), []);
    });

    t.test('a provider sees its own organization’s, the regional department every one', async (t) => {
      const regional = (await makeKey(testApp, 'regional')).secret;
      const own = (await makeKey(testApp, 'provider', organizationId)).secret;
      const foreign = (await makeKey(testApp, 'provider', other)).secret;
      t.same(
        (await list(regional, 'reviewDueBefore=2025-09-02')).map((item) => item.id),
        [due.id, later.id],
      );
      t.same(
        (await list(own, 'reviewDueBefore=2025-09-02')).map((item) => item.id),
        [due.id, later.id],
      );
      t.same(await list(foreign, 'reviewDueBefore=2025-09-02'), []);
    });

    t.test('pages follow creation order', async (t) => {
      const first = await call(ADMIN_KEY, { method: 'GET', url: '/v1/support-programs?status=active&limit=1' });
      t.equal(first.json().items.length, 1);
      const next = await call(ADMIN_KEY, { method: 'GET', url: first.json().next });
      t.not(next.json().items[0].id, first.json().items[0].id);
    });
  });
});
