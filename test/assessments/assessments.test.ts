import t from 'tap';
import { addMonths, today } from '../../src/calendar/dates.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

interface World {
  testApp: TestApp;
  organizationId: string;
  staffId: string;
  home: FormItem[];
}

async function world(t: Parameters<typeof buildTestApp>[0]): Promise<World> {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId)).id;
  const home = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  return { testApp, organizationId, staffId, home };
}

function body(w: World, points: number, fields: Record<string, unknown> = {}) {
  return {
    instrumentId: 'bfd-home-2019',
    assessedOn: '2026-01-15',
    answers: answersScoring(w.home, points),
    conductedBy: [w.staffId],
    ...fields,
  };
}

async function post(w: World, clientId: string, payload: Record<string, unknown>, key = ADMIN_KEY) {
  return w.testApp.call(key, { method: 'POST', url: `/v1/clients/${clientId}/assessments`, payload });
}

const pointers = (response: { json(): { errors?: Array<{ pointer: string }> } }) =>
  (response.json().errors ?? []).map((error) => error.pointer).sort();

t.test('POST /v1/clients/:clientId/assessments refuses what breaks the form, naming the field', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const valid = body(w, 5);

  t.test('a missing item', async (t) => {
    const { '4': _dropped, ...answers } = valid.answers;
    const response = await post(w, client, { ...valid, answers });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/answers/4']);
  });

  t.test('an unknown item', async (t) => {
    const response = await post(w, client, { ...valid, answers: { ...valid.answers, '12': '12.1' } });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/answers/12']);
  });

  t.test('an option of another item', async (t) => {
    const response = await post(w, client, { ...valid, answers: { ...valid.answers, '8': '9.1' } });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/answers/8']);
    t.match(response.json().errors[0].message, /9\.1 is not an option of item 8/);
  });

  t.test('the inpatient form for a client cared for at home', async (t) => {
    const response = await post(w, client, { ...valid, instrumentId: 'bfd-inpatient-2019' });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/instrumentId']);
  });

  t.test('an unknown instrument', async (t) => {
    const response = await post(w, client, { ...valid, instrumentId: 'bfd-home-1999' });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/instrumentId']);
  });

  t.test('staff of another organization, pointing at the entry', async (t) => {
    const other = await makeOrganization(w.testApp);
    const stranger = (await makeStaff(w.testApp, other.id)).id;
    const response = await post(w, client, { ...valid, conductedBy: [w.staffId, stranger] });
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/conductedBy/1']);
  });

  t.test('impossible dates: in the future, before birth, not a calendar day, next check not after', async (t) => {
    const nextMonth = addMonths(today(), 1);
    t.same(pointers(await post(w, client, { ...valid, assessedOn: nextMonth })), ['/assessedOn']);
    t.same(pointers(await post(w, client, { ...valid, assessedOn: '1939-12-31' })), ['/assessedOn']);
    const notADay = await post(w, client, { ...valid, assessedOn: '2025-02-30' });
    t.equal(notADay.statusCode, 400, 'the schema knows the calendar');
    t.same(pointers(notADay), ['/assessedOn']);
    t.same(pointers(await post(w, client, { ...valid, nextCheckOn: '2026-01-15' })), ['/nextCheckOn']);
  });

  t.test('an archived client takes no assessment', async (t) => {
    const archived = (await makeClient(w.testApp, w.organizationId)).id;
    await w.testApp.call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${archived}/archive` });
    const response = await post(w, archived, valid);
    t.equal(response.statusCode, 422);
    t.match(response.json().detail, /archived/);
  });

  t.test('nothing of the refused requests was stored', async (t) => {
    const rows = await w.testApp.database.db.selectFrom('assessments').select('id').where('client_id', '=', client).execute();
    t.equal(rows.length, 0);
  });
});

t.test('defaults, drafts, immutability and corrections', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId, { livingSituation: 'lonely', socialSupport: 4 })).id;

  t.test('defaults: final, next interview number, the client’s family status and support, next check in 6 months', async (t) => {
    const first = (await post(w, client, body(w, 7.25, { assessedOn: '2025-08-31' }))).json();
    t.match(first, { status: 'final', interviewNo: 1, livingSituation: 'lonely', socialSupport: 4, nextCheckOn: '2026-02-28' });
    t.match(first.result, {
      score: 7.25,
      group: 4,
      selfCareReduction: 'severe',
      hours: { optimal: 16, minimal: 12, byLivingSituation: 16 },
    });
    const second = (await post(w, client, body(w, 7.25, { assessedOn: '2025-09-01' }))).json();
    t.equal(second.interviewNo, 2);
  });

  t.test('a final assessment cannot be edited', async (t) => {
    const final = await post(w, client, body(w, 3));
    const response = await w.testApp.call(ADMIN_KEY, {
      method: 'PATCH',
      url: `/v1/assessments/${final.json().id}`,
      headers: { 'if-match': final.headers.etag as string },
      payload: { notes: 'changed' },
    });
    t.equal(response.statusCode, 409);
    const stored = await w.testApp.database.db
      .selectFrom('assessments')
      .select('notes')
      .where('id', '=', final.json().id)
      .executeTakeFirstOrThrow();
    t.equal(stored.notes, null);
  });

  t.test('a draft is edited with If-Match, rescored, then finalized and immutable', async (t) => {
    const draft = await post(w, client, body(w, 3, { status: 'draft', assessedOn: '2026-02-01' }));
    t.equal(draft.json().status, 'draft');
    const url = `/v1/assessments/${draft.json().id}`;
    const edited = await w.testApp.call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': draft.headers.etag as string },
      payload: { answers: answersScoring(w.home, 12) },
    });
    t.equal(edited.statusCode, 200);
    t.equal(edited.json().result.group, 5);
    const stale = await w.testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `${url}/finalize`,
      headers: { 'if-match': draft.headers.etag as string },
    });
    t.equal(stale.statusCode, 412);
    const finalized = await w.testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `${url}/finalize`,
      headers: { 'if-match': edited.headers.etag as string },
    });
    t.equal(finalized.statusCode, 200);
    t.equal(finalized.json().status, 'final');
    t.ok(finalized.json().finalizedAt);
    const latest = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}` })).json().latestAssessment;
    t.match(latest, { id: draft.json().id, group: 5, score: 12 });
  });

  t.test('a correction supersedes a final assessment, which leaves every latest figure', async (t) => {
    const original = (await post(w, client, body(w, 16, { assessedOn: '2026-03-01' }))).json();
    let latest = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}` })).json().latestAssessment;
    t.equal(latest.id, original.id);

    const withoutReason = await post(w, client, body(w, 6, { assessedOn: '2026-03-01', supersedes: original.id }));
    t.same(pointers(withoutReason), ['/reason']);

    const correction = await post(w, client, body(w, 6, { assessedOn: '2026-03-01', supersedes: original.id, reason: 'item 5 misread' }));
    t.equal(correction.statusCode, 201);
    t.match(correction.json(), { supersedes: original.id, reason: 'item 5 misread', interviewNo: original.interviewNo });
    const replaced = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments/${original.id}` })).json();
    t.equal(replaced.supersededBy, correction.json().id);
    latest = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}` })).json().latestAssessment;
    t.match(latest, { id: correction.json().id, group: 3 });

    const again = await post(w, client, body(w, 5, { supersedes: original.id, reason: 'twice' }));
    t.equal(again.statusCode, 422, 'a superseded assessment cannot be corrected twice');
    t.same(pointers(again), ['/supersedes']);

    const history = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/dynamics` })).json();
    t.notOk(history.assessments.some((entry: { assessmentId: string }) => entry.assessmentId === original.id));
  });
});

t.test('a client has one final assessment a form and date, and each interview number once', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const first = (await post(w, client, body(w, 5))).json();

  const second = await post(w, client, body(w, 7));
  t.equal(second.statusCode, 409, 'a second final assessment of the day is refused');
  t.match(second.json(), { type: '/problems/final-assessment-on-date', errors: [{ in: 'body', pointer: '/assessedOn' }] });
  t.match(second.json().detail, first.id, 'naming the one to correct instead');

  const draft = await post(w, client, body(w, 7, { status: 'draft' }));
  t.equal(draft.statusCode, 201, 'a draft of that day may wait');
  const finalized = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/assessments/${draft.json().id}/finalize`,
    headers: { 'if-match': draft.headers.etag as string },
  });
  t.equal(finalized.statusCode, 409, 'but not become final beside the first');
  t.match(finalized.json(), { type: '/problems/final-assessment-on-date' });

  const taken = await post(w, client, body(w, 7, { assessedOn: '2026-01-20', interviewNo: first.interviewNo }));
  t.equal(taken.statusCode, 409, 'a given interview number another assessment holds is refused');
  t.match(taken.json(), { type: '/problems/interview-number-taken', errors: [{ in: 'body', pointer: '/interviewNo' }] });
  t.match(taken.json().detail, first.id);
  const next = await post(w, client, body(w, 7, { assessedOn: '2026-01-20' }));
  t.equal(next.json().interviewNo, 3, 'left out, the next free one is given: after the first and the draft');
});

t.test('GET /v1/clients/:clientId/dynamics', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  for (const [assessedOn, points] of [
    ['2025-01-10', 2], // group 1
    ['2025-04-10', 4], // group 2: deteriorating
    ['2025-06-10', 6.5], // group 4: up two groups from April within 6 months: rapid
    ['2026-01-10', 5], // group 3: improving
  ] as const) {
    t.equal((await post(w, client, body(w, points, { assessedOn }))).statusCode, 201);
  }
  const { assessments, ...latest } = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}/dynamics` })).json();
  t.same(
    assessments.map((entry: { group: number }) => entry.group),
    [1, 2, 4, 3],
  );
  t.same(
    assessments.map((entry: { scoreChange: number | null }) => entry.scoreChange),
    [null, 2, 2.5, -1.5],
  );
  t.same(
    assessments.map((entry: { deteriorating: boolean }) => entry.deteriorating),
    [false, true, true, false],
  );
  t.same(
    assessments.map((entry: { rapidDeterioration: boolean }) => entry.rapidDeterioration),
    [false, false, true, false],
  );
  t.same(
    assessments.map((entry: { improving: boolean }) => entry.improving),
    [false, false, false, true],
  );
  const worsened = assessments[1].worsenedItems;
  t.ok(worsened.length > 0 && worsened.every((change: { from: number; to: number }) => change.to > change.from));
  t.same(latest, { clientId: client, deteriorating: false, rapidDeterioration: false, improving: true });
});

t.test('GET /v1/reassessments', async (t) => {
  const w = await world(t);
  const overdue = (await makeClient(w.testApp, w.organizationId)).id;
  const upToDate = (await makeClient(w.testApp, w.organizationId)).id;
  const never = (await makeClient(w.testApp, w.organizationId)).id;
  const discharged = (await makeClient(w.testApp, w.organizationId, { status: 'discharged' })).id;
  await post(w, overdue, body(w, 4, { assessedOn: '2025-01-10', nextCheckOn: '2025-07-10' }));
  await post(w, upToDate, body(w, 4, { assessedOn: '2025-01-10', nextCheckOn: '2025-12-31' }));
  await post(w, discharged, body(w, 4, { assessedOn: '2025-01-10', nextCheckOn: '2025-02-10' }));

  const response = await w.testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/reassessments?dueBefore=2025-07-31' });
  t.equal(response.statusCode, 200);
  const items = response.json().items;
  t.same(items.map((item: { clientId: string }) => item.clientId).sort(), [overdue, never].sort());
  const late = items.find((item: { clientId: string }) => item.clientId === overdue);
  t.match(late, { neverAssessed: false, dueOn: '2025-07-10', group: 2 });
  t.equal(late.daysOverdue, Math.round((Date.parse(today()) - Date.parse('2025-07-10')) / 86_400_000));
  t.match(
    items.find((item: { clientId: string }) => item.clientId === never),
    { neverAssessed: true, dueOn: null },
  );

  const listed = await w.testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/clients?reassessmentOverdue=true' });
  t.same(
    listed
      .json()
      .items.map((item: { id: string }) => item.id)
      .sort(),
    [overdue, upToDate, discharged].sort(),
    'all three next checks are past today',
  );
});

t.test('a provider works only with its own organization’s clients and assessments', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const created = (await post(w, client, body(w, 4))).json();
  const other = await makeOrganization(w.testApp);
  const stranger = (await makeKey(w.testApp, 'provider', other.id)).secret;
  const own = (await makeKey(w.testApp, 'provider', w.organizationId)).secret;

  t.equal((await post(w, client, body(w, 4), stranger)).statusCode, 404);
  t.equal((await post(w, client, body(w, 4, { assessedOn: '2026-01-16' }), own)).statusCode, 201);
  for (const url of [`/v1/assessments/${created.id}`, `/v1/clients/${client}/assessments`, `/v1/clients/${client}/dynamics`]) {
    t.equal((await w.testApp.call(stranger, { method: 'GET', url })).statusCode, 404, url);
    t.equal((await w.testApp.call(own, { method: 'GET', url })).statusCode, 200, url);
  }
  const list = await w.testApp.call(stranger, { method: 'GET', url: '/v1/assessments' });
  t.same(list.json().items, []);
  const due = await w.testApp.call(stranger, { method: 'GET', url: '/v1/reassessments?dueBefore=2030-01-01' });
  t.same(due.json().items, []);
});
