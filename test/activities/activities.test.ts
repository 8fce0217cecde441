import t from 'tap';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { catalogType, makeActivity, makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

interface Center {
  testApp: TestApp;
  organizationId: string;
  psychologist: string;
  instructor: string;
  artTherapy: string;
}

async function center(t: Parameters<typeof buildTestApp>[0]): Promise<Center> {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  return {
    testApp,
    organizationId,
    psychologist: (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id,
    instructor: (await makeStaff(testApp, organizationId, { position: 'labor_instructor' })).id,
    artTherapy: (await catalogType(testApp, 'art_therapy')).id,
  };
}

const session = (c: Center, fields: Record<string, unknown> = {}) => ({
  organizationId: c.organizationId,
  activityTypeId: c.artTherapy,
  startsAt: '2025-02-04T10:00:00+03:00',
  responsibleStaff: [c.psychologist],
  ...fields,
});

t.test('POST /v1/activity-series', async (t) => {
  const c = await center(t);
  const { call } = c.testApp;
  const response = await call(ADMIN_KEY, {
    method: 'POST',
    url: '/v1/activity-series',
    payload: { ...session(c), place: 'Кабинет психолога', capacity: 8, rule: 'FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20250228T235959Z' },
  });
  t.equal(response.statusCode, 201);
  const series = response.json();
  t.equal(series.timeZone, 'Europe/Moscow');
  t.same(
    series.sessions.map((s: { localStart: string }) => s.localStart),
    [
      '2025-02-04T10:00',
      '2025-02-07T10:00',
      '2025-02-11T10:00',
      '2025-02-14T10:00',
      '2025-02-18T10:00',
      '2025-02-21T10:00',
      '2025-02-25T10:00',
      '2025-02-28T10:00',
    ],
  );
  t.ok(
    series.sessions.every((s: { durationMinutes: number; seriesId: string }) => s.durationMinutes === 60 && s.seriesId === series.id),
    'the type’s 60 minutes',
  );
  const stored = await c.testApp.database.db.selectFrom('activities').select('id').where('series_id', '=', series.id).execute();
  t.equal(stored.length, 8);

  t.test('one session of a series is cancelled alone', async (t) => {
    const [, second] = series.sessions;
    const url = `/v1/activities/${second.id}`;
    const etag = (await call(ADMIN_KEY, { method: 'GET', url })).headers.etag as string;
    const noReason = await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': etag }, payload: { status: 'cancelled' } });
    t.equal(noReason.statusCode, 422);
    t.match(noReason.json().errors, [{ pointer: '/cancelReason' }]);
    const cancelled = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': etag },
      payload: { status: 'cancelled', cancelReason: 'Карантин' },
    });
    t.equal(cancelled.statusCode, 200);
    const rest = await call(ADMIN_KEY, { method: 'GET', url: `/v1/activities?status=planned&organizationId=${c.organizationId}` });
    t.equal(rest.json().items.length, 7, 'the other sessions stay planned');
  });

  t.test('the same staff at the same time again is a 409 unless allowOverlap', async (t) => {
    const clash = { ...session(c), rule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=2', startsAt: '2025-02-07T10:30:00+03:00' };
    const refused = await call(ADMIN_KEY, { method: 'POST', url: '/v1/activity-series', payload: clash });
    t.equal(refused.statusCode, 409);
    t.same(refused.json().staffIds, [c.psychologist]);
    const allowed = await call(ADMIN_KEY, { method: 'POST', url: '/v1/activity-series', payload: { ...clash, allowOverlap: true } });
    t.equal(allowed.statusCode, 201);
  });

  t.test('a rule without an end is a 422 naming /rule', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/activity-series', payload: { ...session(c), rule: 'FREQ=DAILY' } });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ pointer: '/rule' }]);
  });
});

t.test('enrolment and attendance', async (t) => {
  const c = await center(t);
  const { call } = c.testApp;
  const clients: string[] = [];
  for (let i = 0; i < 3; i++) clients.push((await makeClient(c.testApp, c.organizationId)).id);
  const small = await makeActivity(c.testApp, session(c, { capacity: 2 }));
  const put = (activity: string, client: string, payload: Record<string, unknown>) =>
    call(ADMIN_KEY, { method: 'PUT', url: `/v1/activities/${activity}/participants/${client}`, payload });

  t.test('capacity is enforced', async (t) => {
    t.equal((await put(small.id, clients[0]!, { attendance: 'enrolled' })).statusCode, 200);
    t.equal((await put(small.id, clients[1]!, { attendance: 'enrolled' })).statusCode, 200);
    const full = await put(small.id, clients[2]!, { attendance: 'enrolled' });
    t.equal(full.statusCode, 409);
    t.match(full.json().detail, /full/);
    t.equal((await put(small.id, clients[1]!, { attendance: 'excused' })).statusCode, 200, 'excused frees the seat');
    t.equal((await put(small.id, clients[2]!, { attendance: 'enrolled' })).statusCode, 200);
  });

  t.test('attendance is recorded with engagement, once the session started', async (t) => {
    const response = await put(small.id, clients[0]!, { attendance: 'attended', engagement: 3, note: 'рисовала акварелью' });
    t.equal(response.statusCode, 200);
    t.match(
      response.json().participants.find((p: { clientId: string }) => p.clientId === clients[0]),
      {
        attendance: 'attended',
        engagement: 3,
        note: 'рисовала акварелью',
      },
    );
    const future = await makeActivity(c.testApp, session(c, { startsAt: '2099-01-01T10:00:00+03:00' }));
    const early = await put(future.id, clients[0]!, { attendance: 'attended' });
    t.equal(early.statusCode, 422);
    t.match(early.json().errors, [{ pointer: '/attendance' }]);
  });

  t.test('a client in an overlapping session is a 409 unless allowOverlap', async (t) => {
    const overlapping = await makeActivity(
      c.testApp,
      session(c, { startsAt: '2025-02-04T10:30:00+03:00', responsibleStaff: [c.instructor] }),
    );
    const refused = await put(overlapping.id, clients[2]!, { attendance: 'enrolled' });
    t.equal(refused.statusCode, 409);
    t.same(refused.json().clientIds, [clients[2]]);
    t.equal((await put(overlapping.id, clients[2]!, { attendance: 'enrolled', allowOverlap: true })).statusCode, 200);
  });

  t.test('clients of another organization, discharged or archived are refused', async (t) => {
    const other = await makeOrganization(c.testApp);
    const stranger = (await makeClient(c.testApp, other.id)).id;
    const discharged = (await makeClient(c.testApp, c.organizationId, { status: 'discharged' })).id;
    const open = await makeActivity(c.testApp, session(c, { startsAt: '2025-03-04T10:00:00+03:00' }));
    const foreign = await put(open.id, stranger, { attendance: 'enrolled' });
    t.equal(foreign.statusCode, 422);
    t.match(foreign.json().errors, [{ pointer: '/clientId', message: 'is a client of another organization' }]);
    const gone = await put(open.id, discharged, { attendance: 'enrolled' });
    t.match(gone.json().errors, [{ pointer: '/clientId', message: 'is discharged' }]);
  });

  t.test('a provider cannot tell another organization’s client from an id no one holds', async (t) => {
    const provider = (await makeKey(c.testApp, 'provider', c.organizationId)).secret;
    const stranger = (await makeClient(c.testApp, (await makeOrganization(c.testApp)).id)).id;
    const open = await makeActivity(c.testApp, session(c, { startsAt: '2025-03-05T10:00:00+03:00' }));
    const enrol = (client: string) =>
      call(provider, { method: 'PUT', url: `/v1/activities/${open.id}/participants/${client}`, payload: { attendance: 'enrolled' } });
    const foreign = await enrol(stranger);
    const unknown = await enrol('00000000-0000-4000-8000-000000000000');
    t.equal(foreign.statusCode, 422);
    // Each answer names its own request and URL; everything else must be the same.
    const problem = ({ requestId: _request, instance: _instance, ...rest }: Record<string, unknown>) => rest;
    t.same(problem(foreign.json()), problem(unknown.json()), 'the same answer, field for field');
  });

  t.test('the bulk form is all or nothing', async (t) => {
    const open = await makeActivity(c.testApp, session(c, { startsAt: '2025-04-01T10:00:00+03:00' }));
    const other = await makeOrganization(c.testApp);
    const stranger = (await makeClient(c.testApp, other.id)).id;
    const url = `/v1/activities/${open.id}/participants`;
    const refused = await call(ADMIN_KEY, {
      method: 'PUT',
      url,
      payload: {
        participants: [
          { clientId: clients[0], attendance: 'attended' },
          { clientId: stranger, attendance: 'attended' },
        ],
      },
    });
    t.equal(refused.statusCode, 422);
    t.match(refused.json().errors, [{ pointer: '/participants/1/clientId' }]);
    const stored = await c.testApp.database.db
      .selectFrom('activity_participants')
      .select('client_id')
      .where('activity_id', '=', open.id)
      .execute();
    t.equal(stored.length, 0, 'nothing of it was stored');
    const accepted = await call(ADMIN_KEY, {
      method: 'PUT',
      url,
      payload: { participants: clients.map((clientId, index) => ({ clientId, attendance: 'attended', engagement: index })) },
    });
    t.equal(accepted.statusCode, 200);
    t.equal(accepted.json().participants.length, 3);
  });

  t.test('schedules of a client and of a specialist', async (t) => {
    const range = `from=${encodeURIComponent('2025-02-01T00:00:00+03:00')}&to=${encodeURIComponent('2025-03-01T00:00:00+03:00')}`;
    const client = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${clients[2]}/schedule?${range}` });
    t.equal(client.statusCode, 200);
    t.equal(client.json().items.length, 2, 'the small session and the overlapping one');
    const staff = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff/${c.instructor}/schedule?${range}` });
    t.equal(staff.json().items.length, 1);
    const tooLong = await call(ADMIN_KEY, {
      method: 'GET',
      url: `/v1/staff/${c.instructor}/schedule?from=2025-01-01T00:00:00Z&to=2025-12-31T00:00:00Z`,
    });
    t.equal(tooLong.statusCode, 400);
  });

  t.test('a provider sees only its own sessions', async (t) => {
    const other = await makeOrganization(c.testApp);
    const key = (await makeKey(c.testApp, 'provider', other.id)).secret;
    t.equal((await call(key, { method: 'GET', url: `/v1/activities/${small.id}` })).statusCode, 404);
    t.same((await call(key, { method: 'GET', url: '/v1/activities' })).json().items, []);
    const enrol = await call(key, {
      method: 'PUT',
      url: `/v1/activities/${small.id}/participants/${clients[0]}`,
      payload: { attendance: 'enrolled' },
    });
    t.equal(enrol.statusCode, 404);
  });
});

t.test('moving a session onto another of its clients’ sessions is a 409 unless allowOverlap', async (t) => {
  const c = await center(t);
  const { call } = c.testApp;
  const client = (await makeClient(c.testApp, c.organizationId)).id;
  const morning = await makeActivity(c.testApp, session(c, { startsAt: '2099-02-04T10:00:00+03:00' }));
  const noon = await makeActivity(c.testApp, session(c, { startsAt: '2099-02-04T12:00:00+03:00', responsibleStaff: [c.instructor] }));
  for (const { id } of [morning, noon]) {
    const enrolled = await call(ADMIN_KEY, {
      method: 'PUT',
      url: `/v1/activities/${id}/participants/${client}`,
      payload: { attendance: 'enrolled' },
    });
    t.equal(enrolled.statusCode, 200);
  }
  const url = `/v1/activities/${noon.id}`;
  const move = async (payload: Record<string, unknown>) => {
    const etag = (await call(ADMIN_KEY, { method: 'GET', url })).headers.etag as string;
    return call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': etag }, payload });
  };

  const refused = await move({ startsAt: '2099-02-04T10:30:00+03:00' });
  t.equal(refused.statusCode, 409);
  t.match(refused.json(), { type: '/problems/client-overlap', clientIds: [client] });
  const anyway = await move({ startsAt: '2099-02-04T10:30:00+03:00', allowOverlap: true });
  t.equal(anyway.statusCode, 200, 'booked anyway, for the staff and the clients');
  const cancelled = await call(ADMIN_KEY, {
    method: 'PATCH',
    url: `/v1/activities/${morning.id}`,
    headers: { 'if-match': (await call(ADMIN_KEY, { method: 'GET', url: `/v1/activities/${morning.id}` })).headers.etag as string },
    payload: { status: 'cancelled', cancelReason: 'Карантин' },
  });
  t.equal(cancelled.statusCode, 200);
  t.equal((await move({ startsAt: '2099-02-04T10:15:00+03:00' })).statusCode, 200, 'a cancelled session holds no slot');
});

t.test('the activity catalog', async (t) => {
  const c = await center(t);
  const { call } = c.testApp;
  const key = (await makeKey(c.testApp, 'provider', c.organizationId)).secret;
  const catalog = (await call(key, { method: 'GET', url: '/v1/activity-types?limit=200' })).json().items;
  const codes = catalog.map((item: { code: string }) => item.code);
  for (const code of [
    'board_games',
    'table_tennis',
    'darts',
    'exercise_therapy',
    'excursion',
    'holiday',
    'evening_of_rest',
    'games',
    'quiz',
    'art_therapy',
    'music_therapy',
    'thematic_talk',
    'reading',
    'watching_tv',
    'household_orientation',
    'concert',
    'labor_therapy',
  ]) {
    t.ok(codes.includes(code), `the seeded catalog has ${code}`);
  }
  t.match(
    catalog.find((item: { code: string }) => item.code === 'concert'),
    { participation: 'passive', direction: 'cultural_leisure' },
  );

  const own = await call(key, {
    method: 'POST',
    url: '/v1/activity-types',
    payload: {
      organizationId: c.organizationId,
      nameRu: 'Скандинавская ходьба',
      nameEn: 'Nordic walking',
      direction: 'physical_health',
      participation: 'active',
      defaultDurationMinutes: 45,
      components: ['physical'],
      maxGroup: 3,
    },
  });
  t.equal(own.statusCode, 201);
  const other = await makeOrganization(c.testApp);
  const otherKey = (await makeKey(c.testApp, 'provider', other.id)).secret;
  t.equal(
    (await call(otherKey, { method: 'GET', url: `/v1/activity-types/${own.json().id}` })).statusCode,
    404,
    'another organization does not see it',
  );

  const shared = catalog[0];
  const etag = (await call(key, { method: 'GET', url: `/v1/activity-types/${shared.id}` })).headers.etag as string;
  const edit = await call(key, {
    method: 'PATCH',
    url: `/v1/activity-types/${shared.id}`,
    headers: { 'if-match': etag },
    payload: { defaultDurationMinutes: 50 },
  });
  t.equal(edit.statusCode, 403, 'the shared catalog is the admins’');

  const retired = await call(key, { method: 'POST', url: `/v1/activity-types/${own.json().id}/retire` });
  t.ok(retired.json().retiredAt);
  const listed = (await call(key, { method: 'GET', url: '/v1/activity-types?limit=200' }))
    .json()
    .items.map((item: { id: string }) => item.id);
  t.notOk(listed.includes(own.json().id), 'retired types leave the catalog');
  const refused = await call(key, { method: 'POST', url: '/v1/activities', payload: session(c, { activityTypeId: own.json().id }) });
  t.equal(refused.statusCode, 422);
  t.match(refused.json().errors, [{ pointer: '/activityTypeId', message: 'is retired' }]);
});
