import t from 'tap';
import { answersScoring } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { catalogType, makeActivity, makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('support programs', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const psychologist = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
  const client = (await makeClient(testApp, organizationId)).id;
  const excursion = (await catalogType(testApp, 'excursion')).id;
  const music = (await catalogType(testApp, 'music_therapy')).id;
  const home = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const url = `/v1/clients/${client}/support-programs`;
  const program = (fields: Record<string, unknown> = {}) => ({
    periodFrom: '2025-01-01',
    periodTo: '2025-12-31',
    goals: { social: 'Расширить круг общения', spiritual: 'Посещать концерты' },
    activities: [
      { activityTypeId: excursion, timesPerMonth: 1 },
      { activityTypeId: music, timesPerWeek: 2, responsibleStaffId: psychologist },
    ],
    draftedBy: [psychologist],
    ...fields,
  });

  t.test('without an assessment the program warns that it cannot be checked', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload: program() });
    t.equal(response.statusCode, 201);
    t.match(response.json(), { status: 'draft', client: { group: null }, warnings: [{ code: 'no_assessment' }] });
  });

  t.test('a group 5 client planned for excursions is warned about them, not about music therapy', async (t) => {
    await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/assessments`,
      payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-01-10', answers: answersScoring(home, 12), conductedBy: [psychologist] },
    });
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload: program({ status: 'active' }) });
    t.equal(response.statusCode, 201);
    t.match(response.json().client, { group: 5, selfCareReduction: 'very_severe' });
    t.same(
      response.json().warnings.map((warning: { code: string; activityTypeId: string }) => [warning.code, warning.activityTypeId]),
      [['unsuited_group', excursion]],
    );
  });

  t.test('one active program per client', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload: program({ status: 'active' }) });
    t.equal(response.statusCode, 409);
  });

  t.test('planned activities need exactly one frequency, and known staff', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url,
      payload: program({
        activities: [{ activityTypeId: music, timesPerWeek: 1, timesPerMonth: 4 }, { activityTypeId: music }],
        draftedBy: ['00000000-0000-4000-8000-000000000000'],
      }),
    });
    t.equal(response.statusCode, 422);
    t.same(
      response
        .json()
        .errors.map((error: { pointer: string }) => error.pointer)
        .sort(),
      ['/activities/0', '/activities/1', '/draftedBy/0'],
    );
  });

  t.test('fulfilment counts attended sessions of the planned types in the month', async (t) => {
    const active = (await call(ADMIN_KEY, { method: 'GET', url: `${url}?status=active` })).json().items[0];
    // February 2025: music therapy twice a week = 8 planned, the excursion once = 1 planned.
    const sessions: Array<{ id: string }> = [];
    for (const day of ['04', '07', '11', '14', '18', '21']) {
      sessions.push(
        await makeActivity(testApp, {
          organizationId,
          activityTypeId: music,
          startsAt: `2025-02-${day}T10:00:00+03:00`,
          responsibleStaff: [psychologist],
        }),
      );
    }
    const outside = await makeActivity(testApp, {
      organizationId,
      activityTypeId: music,
      startsAt: '2025-03-01T00:30:00+03:00',
      responsibleStaff: [psychologist],
    });
    for (const [index, session] of [...sessions, outside].entries()) {
      const attendance = index === 5 ? 'absent' : 'attended';
      const put = await call(ADMIN_KEY, {
        method: 'PUT',
        url: `/v1/activities/${session.id}/participants/${client}`,
        payload: { attendance },
      });
      t.equal(put.statusCode, 200);
    }
    const response = await call(ADMIN_KEY, { method: 'GET', url: `${url}/${active.id}/fulfilment?month=2025-02` });
    t.equal(response.statusCode, 200);
    t.same(response.json(), {
      month: '2025-02',
      planned: 9,
      attended: 5,
      percent: 55.6,
      activities: [
        { activityTypeId: excursion, planned: 1, attended: 0, percent: 0 },
        { activityTypeId: music, planned: 8, attended: 5, percent: 62.5 },
      ],
    });
  });

  t.test('status changes follow the program’s life', async (t) => {
    const active = (await call(ADMIN_KEY, { method: 'GET', url: `${url}?status=active` })).json().items[0];
    const programUrl = `${url}/${active.id}`;
    const read = await call(ADMIN_KEY, { method: 'GET', url: programUrl });
    const done = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: programUrl,
      headers: { 'if-match': read.headers.etag as string },
      payload: { status: 'completed' },
    });
    t.equal(done.statusCode, 200);
    const again = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: programUrl,
      headers: { 'if-match': done.headers.etag as string },
      payload: { status: 'active' },
    });
    t.equal(again.statusCode, 422);
    t.match(again.json().errors, [{ pointer: '/status' }]);
  });

  t.test('another organization’s provider sees nothing of it', async (t) => {
    const other = await makeOrganization(testApp);
    const key = (await makeKey(testApp, 'provider', other.id)).secret;
    t.equal((await call(key, { method: 'GET', url })).statusCode, 404);
    t.equal((await call(key, { method: 'POST', url, payload: program() })).statusCode, 404);
  });
});
