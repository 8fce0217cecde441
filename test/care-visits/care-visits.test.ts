/*
 * Home-care visits and care delivered against care entitled (issue 18): visits never change, a
 * correction supersedes them; the month's delivery is answered week by week against the
 * entitlement in force, and the regional report adds delivered hours and the clients below the
 * minimal entitlement.
 */
import t from 'tap';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';
import { behindLock } from '../helpers/locks.js';

interface World {
  testApp: TestApp;
  organizationId: string;
  staff: [string, string];
  form: FormItem[];
}

async function world(t: Parameters<typeof buildTestApp>[0], options: { poolSize?: number } = {}): Promise<World> {
  const testApp = await buildTestApp(t, {}, options);
  const organizationId = (await makeOrganization(testApp)).id;
  const staff: [string, string] = [(await makeStaff(testApp, organizationId)).id, (await makeStaff(testApp, organizationId)).id];
  const form = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  return { testApp, organizationId, staff, form };
}

async function assess(w: World, clientId: string, assessedOn: string, points: number): Promise<string> {
  const response = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/assessments`,
    payload: { instrumentId: 'bfd-home-2019', assessedOn, answers: answersScoring(w.form, points), conductedBy: [w.staff[0]] },
  });
  if (response.statusCode !== 201) throw new Error(`assess: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

const visitBody = (w: World, fields: Record<string, unknown> = {}) => ({
  careAssistantId: w.staff[0],
  startedAt: '2025-02-04T10:00:00+03:00',
  durationMinutes: 90,
  services: ['hygiene', 'cooking'],
  ...fields,
});

async function visit(w: World, clientId: string, startedAt: string, durationMinutes: number): Promise<string> {
  const response = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/care-visits`,
    payload: visitBody(w, { startedAt, durationMinutes }),
  });
  if (response.statusCode !== 201) throw new Error(`visit: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

const correct = (w: World, clientId: string, visitId: string, payload: Record<string, unknown>, key = ADMIN_KEY) =>
  w.testApp.call(key, { method: 'POST', url: `/v1/clients/${clientId}/care-visits/${visitId}/corrections`, payload });

const pointers = (response: { json(): { errors?: Array<{ pointer: string }> } }) =>
  (response.json().errors ?? []).map((error) => error.pointer).sort();

t.test('recording visits', async (t) => {
  const w = await world(t);
  const { call } = w.testApp;
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const url = `/v1/clients/${client}/care-visits`;

  t.test('the catalog of services is data, read by every register role', async (t) => {
    const response = await call((await makeKey(w.testApp, 'regional')).secret, { method: 'GET', url: '/v1/care-services' });
    t.equal(response.statusCode, 200);
    const codes = response.json().items.map((item: { code: string }) => item.code);
    for (const code of ['hygiene', 'feeding', 'cleaning', 'shopping', 'supervision', 'medication_reminder'])
      t.ok(codes.includes(code), code);
    t.match(
      response.json().items.find((item: { code: string }) => item.code === 'hygiene'),
      { titleRu: /Гигиенические/, titleEn: 'Personal hygiene' },
    );
  });

  t.test('a visit is recorded with its assistant, start, duration and services, and counts on its day in Moscow', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url,
      payload: visitBody(w, { startedAt: '2025-02-02T22:30:00Z', note: 'Всё хорошо' }),
    });
    t.equal(response.statusCode, 201, response.body);
    t.match(response.json(), {
      clientId: client,
      organizationId: w.organizationId,
      careAssistantId: w.staff[0],
      startedAt: '2025-02-02T22:30:00.000Z',
      visitedOn: '2025-02-03',
      durationMinutes: 90,
      services: ['hygiene', 'cooking'],
      note: 'Всё хорошо',
      voided: false,
      corrects: null,
      supersededBy: null,
      counted: true,
    });
    t.equal(response.headers.location, `${url}/${response.json().id}`);
    const read = await call(ADMIN_KEY, { method: 'GET', url: `${url}/${response.json().id}` });
    t.same(read.json(), response.json());
    const feed = await w.testApp.database.db
      .selectFrom('changes')
      .select(['operation'])
      .where('entity_type', '=', 'care_visit')
      .where('entity_id', '=', response.json().id)
      .execute();
    t.same(feed, [{ operation: 'create' }], 'the change feed follows visits');
    const audit = await w.testApp.database.db
      .selectFrom('audit_events')
      .select(['action', 'resource_type', 'client_id'])
      .where('resource_id', '=', response.json().id)
      .execute();
    t.same(audit, [{ action: 'create', resource_type: 'care_visit', client_id: client }]);
  });

  t.test('a field out of its schema is a 400 naming it', async (t) => {
    for (const [field, value] of [
      ['durationMinutes', 0],
      ['durationMinutes', 721],
      ['durationMinutes', 30.5],
      ['services', []],
      ['services', ['hygiene', 'hygiene']],
      ['startedAt', '2025-02-04'],
      ['careAssistantId', 'Петрова'],
    ] as const) {
      const response = await call(ADMIN_KEY, { method: 'POST', url, payload: visitBody(w, { [field]: value }) });
      t.equal(response.statusCode, 400, `${field}: ${JSON.stringify(value)}`);
      t.ok(
        response.json().errors.some((error: { pointer: string }) => error.pointer.startsWith(`/${field}`)),
        `${field} is named`,
      );
    }
  });

  t.test('a stranger as assistant, a future start or an unknown service is a 422 naming each field', async (t) => {
    const stranger = (await makeStaff(w.testApp, (await makeOrganization(w.testApp)).id)).id;
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url,
      payload: visitBody(w, { careAssistantId: stranger, startedAt: '2099-01-01T10:00:00+03:00', services: ['hygiene', 'massage'] }),
    });
    t.equal(response.statusCode, 422);
    t.equal(response.json().type, '/problems/care-visit-rule-violated');
    t.same(pointers(response), ['/careAssistantId', '/services/1', '/startedAt']);
  });

  t.test('only an active client served at home takes visits', async (t) => {
    const inpatient = (await makeClient(w.testApp, w.organizationId, { careForm: 'inpatient' })).id;
    const discharged = (await makeClient(w.testApp, w.organizationId, { status: 'discharged' })).id;
    for (const id of [inpatient, discharged]) {
      const response = await call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${id}/care-visits`, payload: visitBody(w) });
      t.equal(response.statusCode, 422);
      t.equal(response.json().type, '/problems/client-takes-no-visits');
    }
  });

  t.test('another organization’s provider sees no visit and records none; the region reads them', async (t) => {
    const otherProvider = (await makeKey(w.testApp, 'provider', (await makeOrganization(w.testApp)).id)).secret;
    t.equal((await call(otherProvider, { method: 'GET', url })).statusCode, 404);
    t.equal((await call(otherProvider, { method: 'POST', url, payload: visitBody(w) })).statusCode, 404);
    t.equal((await call(otherProvider, { method: 'GET', url: `/v1/clients/${client}/care-delivery?month=2025-02` })).statusCode, 404);
    const regional = (await makeKey(w.testApp, 'regional')).secret;
    t.equal((await call(regional, { method: 'GET', url })).statusCode, 200);
    t.equal((await call(regional, { method: 'POST', url, payload: visitBody(w) })).statusCode, 403);
    const ownProvider = (await makeKey(w.testApp, 'provider', w.organizationId)).secret;
    t.equal((await call(ownProvider, { method: 'POST', url, payload: visitBody(w) })).statusCode, 201);
  });
});

t.test('corrections: a new record that supersedes, never an edit', async (t) => {
  const w = await world(t, { poolSize: 16 });
  const { call } = w.testApp;
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const url = `/v1/clients/${client}/care-visits`;

  t.test('a correction replaces the fields it gives and keeps the others; a correction can be corrected', async (t) => {
    const original = await visit(w, client, '2025-03-03T09:00:00+03:00', 90);
    const first = await correct(w, client, original, { reason: 'Визит длился 60 минут', durationMinutes: 60 });
    t.equal(first.statusCode, 201, first.body);
    t.match(first.json(), {
      corrects: original,
      reason: 'Визит длился 60 минут',
      durationMinutes: 60,
      services: ['hygiene', 'cooking'],
      startedAt: '2025-03-03T06:00:00.000Z',
      counted: true,
    });
    const read = (await call(ADMIN_KEY, { method: 'GET', url: `${url}/${original}` })).json();
    t.match(read, { durationMinutes: 90, supersededBy: first.json().id, counted: false }, 'the corrected visit stays, uncounted');

    const again = await correct(w, client, original, { reason: 'Ещё раз', durationMinutes: 45 });
    t.equal(again.statusCode, 409);
    t.equal(again.json().type, '/problems/care-visit-already-corrected');
    t.match(again.json().detail, first.json().id, 'naming the correction to correct instead');

    const voided = await correct(w, client, first.json().id, { reason: 'Визита не было', voided: true });
    t.equal(voided.statusCode, 201);
    t.match(voided.json(), { voided: true, durationMinutes: null, services: [], counted: false, corrects: first.json().id });
    const restored = await correct(w, client, voided.json().id, { reason: 'Визит был', durationMinutes: 30 });
    t.equal(restored.statusCode, 422, 'a voided visit is corrected with its duration and services');
    t.same(pointers(restored), ['/services']);
    const listed = (await call(ADMIN_KEY, { method: 'GET', url: `${url}?month=2025-03` })).json().items;
    t.same(
      listed.map((item: { counted: boolean }) => item.counted),
      [false, false, false],
      'the whole chain is listed, none counts',
    );
  });

  t.test('voided takes no other field', async (t) => {
    const id = await visit(w, client, '2025-03-04T09:00:00+03:00', 90);
    const response = await correct(w, client, id, { reason: 'Не было', voided: true, durationMinutes: 10 });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/durationMinutes']);
  });

  t.test('two corrections of one visit at once: one lands, the other is a 409', async (t) => {
    const id = await visit(w, client, '2025-03-05T09:00:00+03:00', 90);
    const responses = await behindLock(w.testApp.database.url, { sql: 'LOCK TABLE care_visits IN ACCESS EXCLUSIVE MODE' }, 2, () =>
      Promise.all([
        correct(w, client, id, { reason: 'Первая', durationMinutes: 60 }),
        correct(w, client, id, { reason: 'Вторая', durationMinutes: 30 }),
      ]),
    );
    t.same(responses.map((response) => response.statusCode).sort(), [201, 409]);
    const landed = responses.find((response) => response.statusCode === 201)!;
    const refused = responses.find((response) => response.statusCode === 409)!;
    t.equal(refused.json().type, '/problems/care-visit-already-corrected');
    t.match(refused.json().detail, landed.json().id, 'naming the correction that landed');
    const rows = await w.testApp.database.db.selectFrom('care_visits').select('id').where('corrects', '=', id).execute();
    t.equal(rows.length, 1);
  });

  t.test('the database refuses to change or delete a visit', async (t) => {
    const id = await visit(w, client, '2025-03-06T09:00:00+03:00', 90);
    await t.rejects(w.testApp.database.db.updateTable('care_visits').set({ note: 'x' }).where('id', '=', id).execute());
    await t.rejects(w.testApp.database.db.deleteFrom('care_visits').where('id', '=', id).execute());
  });
});

t.test('a month of visits, week by week, against a hand computation', async (t) => {
  const w = await world(t);
  const { call } = w.testApp;
  const client = (await makeClient(w.testApp, w.organizationId, { livingSituation: 'lives_alone' })).id;
  // Group 3 from 10 January (weekly 8 optimal, 6 minimal, 6 living alone); group 4 from 12 February
  // (16, 12, 14); a commission decides group 5 on 20 February (20, 18, 16).
  await assess(w, client, '2025-01-10', 5);
  const second = await assess(w, client, '2025-02-12', 8);
  const decision = await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/assessments/${second}/decision`,
    payload: { decidedGroup: 5, reason: 'Деменция', decidedBy: w.staff, decidedOn: '2025-02-20' },
  });
  t.equal(decision.statusCode, 201, decision.body);

  // February 2025 starts on a Saturday and ends on a Friday: five ISO weeks, 2 + 7 + 7 + 7 + 5 days.
  await visit(w, client, '2025-01-31T10:00:00+03:00', 60); // January: not counted
  await visit(w, client, '2025-02-01T10:00:00+03:00', 90); // W05
  await visit(w, client, '2025-02-02T12:00:00+03:00', 45); // W05
  await visit(w, client, '2025-02-02T21:30:00Z', 120); // 3 February 00:30 in Moscow: W06
  await visit(w, client, '2025-02-05T09:00:00+03:00', 300); // W06
  const corrected = await visit(w, client, '2025-02-07T09:00:00+03:00', 240); // W06, corrected to 180
  t.equal((await correct(w, client, corrected, { reason: '180 минут', durationMinutes: 180 })).statusCode, 201);
  await visit(w, client, '2025-02-11T09:00:00+03:00', 90); // W07
  await visit(w, client, '2025-02-13T09:00:00+03:00', 45); // W07
  const voided = await visit(w, client, '2025-02-14T09:00:00+03:00', 120); // W07, voided
  t.equal((await correct(w, client, voided, { reason: 'Не было', voided: true })).statusCode, 201);
  // W08: no visit
  await visit(w, client, '2025-02-24T08:00:00+03:00', 720); // W09
  await visit(w, client, '2025-02-26T08:00:00+03:00', 720); // W09
  await visit(w, client, '2025-02-28T08:00:00+03:00', 600); // W09
  await visit(w, client, '2025-02-28T22:00:00Z', 60); // 1 March in Moscow: not counted

  const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/care-delivery?month=2025-02` });
  t.equal(response.statusCode, 200, response.body);
  const delivery = response.json();
  const weeks = delivery.weeks.map((week: Record<string, unknown> & { entitlement: Record<string, unknown> | null }) => ({
    week: week.week,
    from: week.from,
    to: week.to,
    daysInMonth: week.daysInMonth,
    visits: week.visits,
    deliveredHours: week.deliveredHours,
    group: week.entitlement?.group,
    weekly: week.entitlement?.weekly,
    prorated: week.entitlement?.prorated,
    belowMinimal: week.belowMinimal,
  }));
  t.same(weeks, [
    {
      // 90 + 45 = 135 min = 2.25 h; group 3 × 2/7: 8 → 2.29, 6 → 1.71
      week: '2025-W05',
      from: '2025-01-27',
      to: '2025-02-02',
      daysInMonth: 2,
      visits: 2,
      deliveredHours: 2.25,
      group: 3,
      weekly: { optimal: 8, minimal: 6, byLivingSituation: 6 },
      prorated: { optimal: 2.29, minimal: 1.71, byLivingSituation: 1.71 },
      belowMinimal: false,
    },
    {
      // 120 + 300 + 180 (the correction, not the 240 it corrects) = 600 min = 10 h ≥ 6
      week: '2025-W06',
      from: '2025-02-03',
      to: '2025-02-09',
      daysInMonth: 7,
      visits: 3,
      deliveredHours: 10,
      group: 3,
      weekly: { optimal: 8, minimal: 6, byLivingSituation: 6 },
      prorated: { optimal: 8, minimal: 6, byLivingSituation: 6 },
      belowMinimal: false,
    },
    {
      // 90 + 45 = 135 min (the voided one does not count) = 2.25 h < 12 of group 4 (assessed on the 12th)
      week: '2025-W07',
      from: '2025-02-10',
      to: '2025-02-16',
      daysInMonth: 7,
      visits: 2,
      deliveredHours: 2.25,
      group: 4,
      weekly: { optimal: 16, minimal: 12, byLivingSituation: 14 },
      prorated: { optimal: 16, minimal: 12, byLivingSituation: 14 },
      belowMinimal: true,
    },
    {
      // nothing delivered; the commission’s group 5 is in force from the 20th
      week: '2025-W08',
      from: '2025-02-17',
      to: '2025-02-23',
      daysInMonth: 7,
      visits: 0,
      deliveredHours: 0,
      group: 5,
      weekly: { optimal: 20, minimal: 18, byLivingSituation: 16 },
      prorated: { optimal: 20, minimal: 18, byLivingSituation: 16 },
      belowMinimal: true,
    },
    {
      // 720 + 720 + 600 = 2040 min = 34 h; group 5 × 5/7: 20 → 14.29, 18 → 12.86, 16 → 11.43
      week: '2025-W09',
      from: '2025-02-24',
      to: '2025-03-02',
      daysInMonth: 5,
      visits: 3,
      deliveredHours: 34,
      group: 5,
      weekly: { optimal: 20, minimal: 18, byLivingSituation: 16 },
      prorated: { optimal: 14.29, minimal: 12.86, byLivingSituation: 11.43 },
      belowMinimal: false,
    },
  ]);
  t.equal(delivery.weeks[3].entitlement.decisionId, decision.json().id, 'the decision in force is named');
  t.equal(delivery.weeks[3].entitlement.assessmentId, second);
  // 135 + 600 + 135 + 0 + 2040 = 2910 min = 48.5 h. Entitled: optimal 16/7 + 8 + 16 + 20 + 100/7 = 60.57;
  // minimal 12/7 + 6 + 12 + 18 + 90/7 = 50.57; living alone 12/7 + 6 + 14 + 16 + 80/7 = 49.14.
  t.same(delivery.total, {
    visits: 10,
    deliveredHours: 48.5,
    entitledHours: { optimal: 60.57, minimal: 50.57, byLivingSituation: 49.14 },
    belowMinimal: true,
  });

  t.test('a month before any assessment has no entitlement', async (t) => {
    const december = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/care-delivery?month=2024-12` })).json();
    t.equal(december.weeks.length, 6, 'December 2024: Sunday the 1st to Tuesday the 31st, six ISO weeks');
    t.same(december.total, { visits: 0, deliveredHours: 0, entitledHours: null, belowMinimal: null });
    t.equal(december.weeks[0].week, '2024-W48');
    t.equal(december.weeks[5].week, '2025-W01', 'the week of 30 December is the first of 2025');
  });

  t.test('a month that is not one is a 400 naming it', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/care-delivery?month=2025-13` });
    t.equal(response.statusCode, 400);
    t.same(pointers(response), ['/month']);
  });

  t.test('the regional report adds delivered hours and the clients below the minimum, in JSON and CSV', async (t) => {
    // A second client, group 2 (minimal 3 a week, 12 hours over February's 28 days), gets exactly 12 hours: not below.
    const enough = (await makeClient(w.testApp, w.organizationId)).id;
    await assess(w, enough, '2025-01-10', 4);
    await visit(w, enough, '2025-02-10T09:00:00+03:00', 720);
    // A client never assessed has no entitlement to fall below.
    const unassessed = (await makeClient(w.testApp, w.organizationId)).id;
    await visit(w, unassessed, '2025-02-10T09:00:00+03:00', 30);

    const url = `/v1/reports/long-term-care?asOf=2025-02-28&organizationId=${w.organizationId}`;
    const report = (await call(ADMIN_KEY, { method: 'GET', url })).json();
    // 2910 + 720 + 30 minutes = 61 h; the first client has 48.5 h against 18 × 28 / 7 = 72 h.
    t.match(report.organizations[0], { deliveredHours: 61, clientsBelowMinimal: 1 });
    t.match(report.total, { deliveredHours: 61, clientsBelowMinimal: 1 });

    // On 13 February: the month so far is 13 days; the first client had 135 + 600 + 90 + 45 = 870 min = 14.5 h
    // against group 4's 12 × 13 / 7 = 22.29 h: below; the second 12 h against 3 × 13 / 7 = 5.57 h.
    const midMonth = (await call(ADMIN_KEY, { method: 'GET', url: url.replace('2025-02-28', '2025-02-13') })).json();
    t.match(midMonth.total, { deliveredHours: 27, clientsBelowMinimal: 1 });

    const csv = await call(ADMIN_KEY, { method: 'GET', url, headers: { accept: 'text/csv' } });
    const [header, first] = csv.body
      .replace('\uFEFF', '')
      .split('\r\n')
      .map((line) => line.split(','));
    t.same([first![header!.indexOf('delivered_hours')], first![header!.indexOf('clients_below_minimal')]], ['61', '1']);
  });
});

t.test('importing visits in bulk, line by line', async (t) => {
  const w = await world(t);
  const { call } = w.testApp;
  const client = (await makeClient(w.testApp, w.organizationId, { externalId: 'IVS-1' })).id;
  await makeClient(w.testApp, w.organizationId, { externalId: 'IVS-2', careForm: 'inpatient' });
  const line = (fields: Record<string, unknown> = {}) => JSON.stringify({ clientExternalId: 'IVS-1', ...visitBody(w), ...fields });
  const send = (lines: string[]) =>
    call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/bulk/care-visits?organizationId=${w.organizationId}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: lines.join('\n'),
    });

  const file = [
    line({ startedAt: '2025-04-01T09:00:00+03:00' }),
    line({ startedAt: '2025-04-02T09:00:00+03:00', durationMinutes: 60 }),
    line({ clientExternalId: 'IVS-404' }),
    line({ startedAt: '2025-04-01T09:00:00+03:00' }),
    line({ clientExternalId: 'IVS-2' }),
    line({ services: ['massage'] }),
    line({ durationMinutes: 0 }),
  ];
  const first = await send(file);
  t.equal(first.statusCode, 200, first.body);
  const results = first.json().results;
  t.same(
    results.map((result: { line: number; outcome: string }) => [result.line, result.outcome]),
    [
      [1, 'created'],
      [2, 'created'],
      [3, 'failed'],
      [4, 'failed'],
      [5, 'failed'],
      [6, 'failed'],
      [7, 'failed'],
    ],
  );
  const failures = Object.fromEntries(
    results
      .filter((result: { outcome: string }) => result.outcome === 'failed')
      .map((result: { line: number; problem: { status: number; errors: Array<{ pointer: string }> } }) => [
        result.line,
        [result.problem.status, result.problem.errors[0]?.pointer],
      ]),
  );
  t.same(failures, {
    3: [422, '/clientExternalId'],
    4: [422, '/startedAt'],
    5: [422, '/clientExternalId'],
    6: [422, '/services/0'],
    7: [400, '/durationMinutes'],
  });
  t.same(first.json().totals, { lines: 7, created: 2, updated: 0, unchanged: 0, failed: 5 });

  const again = await send([
    line({ startedAt: '2025-04-01T09:00:00+03:00' }),
    line({ startedAt: '2025-04-02T09:00:00+03:00', durationMinutes: 75 }),
  ]);
  t.same(
    again.json().results.map((result: { outcome: string }) => result.outcome),
    ['unchanged', 'updated'],
    'the same line changes nothing; a changed one files a correction',
  );
  const correction = again.json().results[1].id;
  const read = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/care-visits/${correction}` })).json();
  t.match(read, { corrects: results[1].id, durationMinutes: 75, reason: /bulk import/ });
  const delivery = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/care-delivery?month=2025-04` })).json();
  t.equal(delivery.total.deliveredHours, 2.75, '90 + 75 minutes: the corrected 60 no longer counts');
});
