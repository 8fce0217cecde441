/*
 * Faults (issue 14, items 2 and 3): what must never happen twice, asked for by several requests at
 * once. Each test sends its requests together (`Promise.all` of `app.inject`) to an application
 * whose pool gives every one of them its own connection, so their transactions really overlap.
 * The database's constraints decide; the losers get the operation's documented answer, never a
 * duplicate or a 500.
 *
 * Bookings are quick enough that one request may finish before the next one reads, so there the
 * race is made real, not left to scheduling: a side connection holds the table the check reads
 * until every contender waits for it, and all of them then read "nothing booked yet" together.
 */
import t from 'tap';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { behindLock } from '../helpers/locks.js';
import { catalogType, clientBody, makeActivity, makeClient, makeOrganization, makeStaff } from '../helpers/factories.js';

/** Runs `start` while a side connection locks `table` against reads, until `waiting` backends of the service queue behind it. */
const behindTableLock = <T>(url: string, table: string, waiting: number, start: () => Promise<T>) =>
  behindLock(url, { sql: `LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE` }, waiting, start);

const together = <T>(count: number, request: (index: number) => Promise<T>) =>
  Promise.all(Array.from({ length: count }, (_, i) => request(i)));
const statuses = (responses: Array<{ statusCode: number }>) => responses.map((response) => response.statusCode).sort();

t.test('four concurrent sessions for one staff member at one time: one is booked, three are 409 staff-overlap', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: 16 });
  const organizationId = (await makeOrganization(testApp)).id;
  const psychologist = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
  const artTherapy = (await catalogType(testApp, 'art_therapy')).id;
  // Each starts a quarter of an hour after the one before: every pair of the hour-long sessions overlaps.
  const startsAt = (index: number) => new Date(Date.parse('2025-03-04T07:00:00Z') + index * 15 * 60_000).toISOString();

  const responses = await behindTableLock(testApp.database.url, 'activities', 4, () =>
    together(4, (index) =>
      testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: '/v1/activities',
        payload: { organizationId, activityTypeId: artTherapy, startsAt: startsAt(index), responsibleStaff: [psychologist] },
      }),
    ),
  );

  t.same(statuses(responses), [201, 409, 409, 409]);
  for (const refused of responses.filter((response) => response.statusCode === 409)) {
    t.match(refused.json(), { type: '/problems/staff-overlap', staffIds: [psychologist] }, 'naming the staff member');
  }
  const booked = await testApp.database.db.selectFrom('activities').select('id').where('organization_id', '=', organizationId).execute();
  t.equal(booked.length, 1, 'one session in the schedule');

  t.test('"book anyway" still books over it', async (t) => {
    const anyway = await together(2, () =>
      testApp.call(ADMIN_KEY, {
        method: 'POST',
        url: '/v1/activities',
        payload: {
          organizationId,
          activityTypeId: artTherapy,
          startsAt: startsAt(0),
          responsibleStaff: [psychologist],
          allowOverlap: true,
        },
      }),
    );
    t.same(statuses(anyway), [201, 201]);
  });
});

t.test('one client enrolled concurrently into four overlapping sessions: one enrolment, three 409 client-overlap', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: 16 });
  const organizationId = (await makeOrganization(testApp)).id;
  const client = (await makeClient(testApp, organizationId)).id;
  const artTherapy = (await catalogType(testApp, 'art_therapy')).id;
  const sessions: string[] = [];
  for (let index = 0; index < 4; index++) {
    // Four specialists, so that the sessions themselves may overlap.
    const staff = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
    const startsAt = new Date(Date.parse('2099-03-04T07:00:00Z') + index * 15 * 60_000).toISOString();
    sessions.push((await makeActivity(testApp, { organizationId, activityTypeId: artTherapy, startsAt, responsibleStaff: [staff] })).id);
  }

  const responses = await behindTableLock(testApp.database.url, 'activity_participants', 4, () =>
    together(4, (index) =>
      testApp.call(ADMIN_KEY, {
        method: 'PUT',
        url: `/v1/activities/${sessions[index]}/participants/${client}`,
        payload: { attendance: 'enrolled' },
      }),
    ),
  );

  t.same(statuses(responses), [200, 409, 409, 409]);
  for (const refused of responses.filter((response) => response.statusCode === 409)) {
    t.match(refused.json(), { type: '/problems/client-overlap', clientIds: [client] }, 'naming the client');
  }
  const enrolments = await testApp.database.db
    .selectFrom('activity_participants')
    .select('activity_id')
    .where('client_id', '=', client)
    .execute();
  t.equal(enrolments.length, 1, 'the client is in one of them');
});

t.test('six concurrent assessments of one client on one form get the interview numbers 1 to 6', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: 16 });
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId)).id;
  const client = (await makeClient(testApp, organizationId)).id;
  const home: FormItem[] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;

  const responses = await together(6, (index) =>
    testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/assessments`,
      payload: {
        instrumentId: 'bfd-home-2019',
        assessedOn: `2026-01-0${index + 1}`,
        answers: answersScoring(home, index + 3),
        conductedBy: [staffId],
      },
    }),
  );

  t.same(statuses(responses), [201, 201, 201, 201, 201, 201]);
  const numbers = responses.map((response) => response.json().interviewNo as number).sort((a, b) => a - b);
  t.same(numbers, [1, 2, 3, 4, 5, 6], 'each its own number');
});

t.test('three concurrent imports of one assessments file: one final assessment a client, the others unchanged', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: 16 });
  const { call, database } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId)).id;
  const home: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const count = 30;
  const externalIds = Array.from({ length: count }, (_, index) => `R-${index + 1}`);
  const send = (kind: string, lines: unknown[]) =>
    call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/bulk/${kind}?organizationId=${organizationId}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: lines.map((line) => JSON.stringify(line)).join('\n') + '\n',
    });
  t.equal(
    (
      await send(
        'clients',
        externalIds.map((externalId) => ({ externalId, ...clientBody() })),
      )
    ).statusCode,
    200,
  );
  const file = externalIds.map((clientExternalId, index) => ({
    clientExternalId,
    instrumentId: 'bfd-home-2019',
    assessedOn: '2026-02-02',
    answers: answersScoring(home, index % 12),
    conductedBy: [staffId],
  }));

  const responses = await together(3, () => send('assessments', file));

  t.same(statuses(responses), [200, 200, 200], 'no upload fails');
  const totals = responses.map((response) => response.json().totals).sort((a, b) => b.created - a.created);
  t.same(totals, [
    { lines: count, created: count, updated: 0, unchanged: 0, failed: 0 },
    { lines: count, created: 0, updated: 0, unchanged: count, failed: 0 },
    { lines: count, created: 0, updated: 0, unchanged: count, failed: 0 },
  ]);
  const finals = await database.db
    .selectFrom('assessments')
    .select(['client_id', (eb) => eb.fn.countAll<string>().as('count')])
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'final')
    .where('superseded_by', 'is', null)
    .groupBy('client_id')
    .execute();
  t.equal(finals.length, count);
  t.ok(
    finals.every((row) => Number(row.count) === 1),
    'each client has exactly one final, current assessment',
  );
});
