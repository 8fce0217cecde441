import t from 'tap';
import { sql } from 'kysely';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { behindLock } from '../helpers/locks.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

const COURSE = 'mobile-school-of-care-2019';
const FIRST_HALF = ['safe_home', 'mobility', 'hygiene_dressing', 'nutrition'];
const SECOND_HALF = ['medication', 'continence_skin', 'communication_memory', 'carer_wellbeing'];

async function makeCarer(testApp: TestApp, clientId: string, fields: Record<string, unknown> = {}): Promise<string> {
  const response = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/carers`,
    payload: { fullName: 'Петрова Анна', relation: 'spouse', livesWithClient: true, ...fields },
  });
  if (response.statusCode !== 201) throw new Error(`makeCarer: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

t.test('the school of care', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: 8 });
  const { call, database } = testApp;
  const center = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;
  const staff = (await makeStaff(testApp, center)).id;
  const otherStaff = (await makeStaff(testApp, other)).id;
  const provider = (await makeKey(testApp, 'provider', center)).secret;
  const otherProvider = (await makeKey(testApp, 'provider', other)).secret;

  const session = async (heldOn: string, topics: string[], organizationId = center, conductedBy = [staff]) =>
    call(provider, {
      method: 'POST',
      url: '/v1/care-sessions',
      payload: { organizationId, courseId: COURSE, heldOn, conductedBy, topics, place: 'на дому' },
    });
  const attend = (sessionId: string, carerId: string, attendance = 'attended', key = provider) =>
    call(key, { method: 'PUT', url: `/v1/care-sessions/${sessionId}/attendees/${carerId}`, payload: { attendance } });

  t.test('the course catalogue is data with the topics a family learns', async (t) => {
    const list = await call(provider, { method: 'GET', url: '/v1/care-courses' });
    t.same(
      list.json().items.map((course: { id: string }) => course.id),
      [COURSE],
    );
    const course = await call(provider, { method: 'GET', url: `/v1/care-courses/${COURSE}` });
    t.same(
      course.json().topics.map((topic: { code: string }) => topic.code),
      [...FIRST_HALF, ...SECOND_HALF],
    );
    t.match(course.json().source.document, /№ 99/);
    t.equal((await call(provider, { method: 'GET', url: '/v1/care-courses/first-aid' })).statusCode, 404);
  });

  t.test('a session names its course’s topics and the organization’s staff, or is a 422 naming each field', async (t) => {
    const ok = await session('2025-03-01', ['mobility']);
    t.equal(ok.statusCode, 201);
    t.match(ok.json(), { organizationId: center, courseId: COURSE, heldOn: '2025-03-01', topics: ['mobility'], attendees: [] });
    const wrong = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/care-sessions',
      payload: {
        organizationId: center,
        courseId: COURSE,
        heldOn: '2025-03-01',
        conductedBy: [otherStaff],
        topics: ['mobility', 'first_aid'],
      },
    });
    t.equal(wrong.statusCode, 422);
    t.match(wrong.json(), {
      type: '/problems/care-session-rule-violated',
      errors: [{ pointer: '/topics/1' }, { pointer: '/conductedBy/0' }],
    });
    const course = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/care-sessions',
      payload: { organizationId: center, courseId: 'first-aid', heldOn: '2025-03-01', conductedBy: [staff], topics: ['mobility'] },
    });
    t.match(course.json(), { status: 422, errors: [{ pointer: '/courseId' }] });
    t.equal((await session('2025-03-01', ['mobility'], other, [otherStaff])).statusCode, 403, 'another organization’s session');
    const listed = await call(otherProvider, { method: 'GET', url: '/v1/care-sessions' });
    t.same(listed.json().items, [], 'another provider sees none of them');
  });

  t.test('a session changes under If-Match; its topics stay the course’s', async (t) => {
    const created = await session('2025-03-02', ['mobility']);
    const url = `/v1/care-sessions/${created.json().id}`;
    const patch = (etag: string, payload: Record<string, unknown>) =>
      call(provider, { method: 'PATCH', url, headers: { 'if-match': etag }, payload });
    t.equal((await patch('"1"', { topics: ['mobility', 'nutrition'] })).statusCode, 200);
    t.equal((await patch('"1"', { place: 'центр' })).statusCode, 412);
    t.match((await patch('"2"', { topics: ['cooking'] })).json(), { status: 422, errors: [{ pointer: '/topics/0' }] });
  });

  t.test('attendance: carers of the organization’s clients, who still cared on the day, once the day has come', async (t) => {
    const client = (await makeClient(testApp, center)).id;
    const carer = await makeCarer(testApp, client);
    const ended = await makeCarer(testApp, client, { caresUntil: '2025-02-28' });
    const stranger = await makeCarer(testApp, (await makeClient(testApp, other)).id);
    const held = (await session('2025-03-01', ['mobility'])).json().id;
    const recorded = await attend(held, carer);
    t.equal(recorded.statusCode, 200);
    t.match(recorded.json().attendees, [{ carerId: carer, clientId: client, attendance: 'attended', note: null }]);
    const refusedStranger = await attend(held, stranger);
    t.match(refusedStranger.json(), {
      status: 422,
      type: '/problems/carer-not-eligible',
      errors: [{ pointer: '/carerId', message: 'is not a carer of this register' }],
    });
    const asAdmin = await attend(held, stranger, 'attended', ADMIN_KEY);
    t.match(asAdmin.json(), { status: 422, errors: [{ message: 'is a carer of a client of another organization' }] });
    t.match((await attend(held, ended)).json(), { status: 422, errors: [{ message: 'had stopped caring on 2025-02-28' }] });
    const planned = (await session('2099-01-10', ['mobility'])).json().id;
    t.match((await attend(planned, carer)).json(), {
      status: 422,
      type: '/problems/care-session-not-held',
      errors: [{ pointer: '/attendance' }],
    });
    t.equal((await attend(planned, carer, 'enrolled')).statusCode, 200, 'enrolment ahead of the day');
    const twice = await call(provider, {
      method: 'PUT',
      url: `/v1/care-sessions/${held}/attendees`,
      payload: {
        attendees: [
          { carerId: carer, attendance: 'absent' },
          { carerId: carer, attendance: 'attended' },
        ],
      },
    });
    t.match(twice.json(), { status: 422, type: '/problems/attendee-duplicate' });
    const bulk = await call(provider, {
      method: 'PUT',
      url: `/v1/care-sessions/${held}/attendees`,
      payload: {
        attendees: [
          { carerId: carer, attendance: 'excused', note: 'болела' },
          { carerId: stranger, attendance: 'attended' },
        ],
      },
    });
    t.match(bulk.json(), { status: 422, errors: [{ pointer: '/attendees/1/carerId' }] });
    const after = await call(provider, { method: 'GET', url: `/v1/care-sessions/${held}` });
    t.match(after.json().attendees, [{ carerId: carer, attendance: 'attended' }], 'all or nothing');
    const sessions = await call(provider, { method: 'GET', url: `/v1/care-sessions?carerId=${carer}` });
    t.same(
      sessions
        .json()
        .items.map((item: { id: string }) => item.id)
        .sort(),
      [held, planned].sort(),
    );
  });

  t.test('two requests recording one carer at one session at once leave one attendance record', async (t) => {
    const client = (await makeClient(testApp, center)).id;
    const carer = await makeCarer(testApp, client);
    const held = (await session('2025-03-03', ['mobility'])).json().id;
    const responses = await behindLock(database.url, { sql: 'LOCK TABLE care_session_attendees IN EXCLUSIVE MODE' }, 2, () =>
      Promise.all([attend(held, carer, 'attended'), attend(held, carer, 'absent')]),
    );
    t.same(
      responses.map((response) => response.statusCode),
      [200, 200],
    );
    const rows = await database.db.selectFrom('care_session_attendees').selectAll().where('session_id', '=', held).execute();
    t.equal(rows.length, 1, 'one record per session and carer');
    await t.rejects(
      sql`INSERT INTO care_session_attendees (session_id, carer_id, organization_id, attendance) VALUES (${held}, ${carer}, ${center}, 'absent')`.execute(
        database.db,
      ),
      /duplicate key/,
      'the database itself refuses a second record',
    );
    await t.rejects(
      sql`INSERT INTO care_session_attendees (session_id, carer_id, organization_id, attendance)
          SELECT ${held}, id, organization_id, 'attended' FROM carers WHERE organization_id = ${other} LIMIT 1`.execute(database.db),
      /foreign key/,
      'nor a carer of another organization',
    );
  });

  t.test('a course a session uses never changes', async (t) => {
    await t.rejects(sql`UPDATE care_courses SET definition = definition WHERE id = ${COURSE}`.execute(database.db), /in use/);
  });

  t.test('trained carers on the client and in the regional report', async (t) => {
    const region = (await makeOrganization(testApp)).id;
    const regionStaff = (await makeStaff(testApp, region)).id;
    const regionProvider = (await makeKey(testApp, 'provider', region)).secret;
    const regionalKey = (await makeKey(testApp, 'regional')).secret;
    const family = (await makeClient(testApp, region, { livingSituation: 'lives_with_family' })).id;
    const couple = (await makeClient(testApp, region, { livingSituation: 'family_lives_alone' })).id;
    const alone = (await makeClient(testApp, region, { livingSituation: 'lives_alone' })).id;
    const trained = await makeCarer(testApp, family, { relation: 'child' });
    const partly = await makeCarer(testApp, family, { relation: 'grandchild' });
    const absent = await makeCarer(testApp, family, { relation: 'child_in_law' });
    const stopped = await makeCarer(testApp, family, { relation: 'sibling', caresUntil: '2025-04-01' });
    const spouse = await makeCarer(testApp, couple);
    const neighbour = await makeCarer(testApp, alone, { relation: 'neighbour', livesWithClient: false });
    const regionSession = async (heldOn: string, topics: string[]) => {
      const response = await call(regionProvider, {
        method: 'POST',
        url: '/v1/care-sessions',
        payload: { organizationId: region, courseId: COURSE, heldOn, conductedBy: [regionStaff], topics },
      });
      return response.json().id as string;
    };
    const first = await regionSession('2025-03-01', FIRST_HALF);
    const second = await regionSession('2025-03-15', SECOND_HALF);
    const record = (id: string, attendees: Array<[string, string]>) =>
      call(regionProvider, {
        method: 'PUT',
        url: `/v1/care-sessions/${id}/attendees`,
        payload: { attendees: attendees.map(([carerId, attendance]) => ({ carerId, attendance })) },
      });
    t.equal(
      (
        await record(first, [
          [trained, 'attended'],
          [partly, 'attended'],
          [absent, 'attended'],
          [stopped, 'attended'],
          [spouse, 'attended'],
          [neighbour, 'attended'],
        ])
      ).statusCode,
      200,
    );
    t.equal(
      (
        await record(second, [
          [trained, 'attended'],
          [absent, 'absent'],
          [stopped, 'attended'],
          [spouse, 'attended'],
          [neighbour, 'attended'],
        ])
      ).statusCode,
      200,
    );

    const carers = await call(regionalKey, { method: 'GET', url: `/v1/clients/${family}/carers` });
    const byId = new Map(carers.json().items.map((carer: { id: string }) => [carer.id, carer]));
    t.match(byId.get(trained), {
      trained: true,
      training: [{ courseId: COURSE, sessionsAttended: 2, topicsRemaining: [], trainedOn: '2025-03-15' }],
    });
    t.match(byId.get(partly), { trained: false, training: [{ topicsCovered: FIRST_HALF, topicsRemaining: SECOND_HALF, trainedOn: null }] });
    t.match(byId.get(absent), { trained: false, training: [{ sessionsAttended: 1 }] }, 'an absence teaches nothing');
    t.match(byId.get(stopped), { trained: true, caring: false });

    const report = async (query: string) =>
      (await call(regionalKey, { method: 'GET', url: `/v1/reports/long-term-care?organizationId=${region}${query}` })).json();
    const today = await report('');
    t.equal(today.organizations[0].trainedCarers, 2, 'the child of the family and the spouse; not the neighbour of one living alone');
    t.equal(today.total.trainedCarers, 2);
    t.equal((await report('&asOf=2025-03-20')).organizations[0].trainedCarers, 3, 'the sibling still cared on 2025-03-20');
    t.equal((await report('&asOf=2025-03-14')).organizations[0].trainedCarers, 0, 'before the second session no one was trained');
    t.equal((await report('&careForm=inpatient')).organizations[0].trainedCarers, 0, 'the report’s filters apply');

    const csv = await call(regionalKey, {
      method: 'GET',
      url: `/v1/reports/long-term-care?organizationId=${region}`,
      headers: { accept: 'text/csv' },
    });
    const [header, line] = csv.body.split(/\r?\n/);
    const columns = header?.split(',') ?? [];
    t.equal(line?.split(',')[columns.indexOf('trained_carers')], '2', 'the CSV has the column');

    await call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${couple}/archive` });
    t.equal((await report('')).organizations[0].trainedCarers, 1, 'an archived client’s carers leave the report');
  });
});
