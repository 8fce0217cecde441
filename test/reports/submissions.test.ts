/*
 * Monthly submissions of the long-term care report to the region (issue 18): a frozen snapshot
 * with its validation findings, corrections that supersede, and the diff between two months that
 * names exactly the changes made between them. Explicit past months: the report depends on today.
 */
import t from 'tap';
import { sql } from 'kysely';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { today } from '../../src/calendar/dates.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';
import { behindLock } from '../helpers/locks.js';

const SUBMISSIONS = '/v1/reports/long-term-care/submissions';

interface World {
  testApp: TestApp;
  forms: Record<string, FormItem[]>;
}

async function world(t: Parameters<typeof buildTestApp>[0], options: { poolSize?: number } = {}): Promise<World> {
  const testApp = await buildTestApp(t, {}, options);
  const forms: Record<string, FormItem[]> = {};
  forms['bfd-home-2019'] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  return { testApp, forms };
}

async function assess(w: World, clientId: string, staffId: string, assessedOn: string, points: number) {
  const response = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/assessments`,
    payload: {
      instrumentId: 'bfd-home-2019',
      assessedOn,
      answers: answersScoring(w.forms['bfd-home-2019']!, points),
      conductedBy: [staffId],
    },
  });
  if (response.statusCode !== 201) throw new Error(`assess: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

const submit = (w: World, payload: Record<string, unknown>, key = ADMIN_KEY) =>
  w.testApp.call(key, { method: 'POST', url: SUBMISSIONS, payload });

const get = (w: World, url: string, headers: Record<string, string> = {}, key = ADMIN_KEY) =>
  w.testApp.call(key, { method: 'GET', url, headers });

t.test('a month submitted, the data changed, the next month submitted: frozen snapshots and a diff of exactly the changes', async (t) => {
  const w = await world(t);
  const { testApp } = w;
  const x = (await makeOrganization(testApp, { name: 'А центр' })).id;
  const y = (await makeOrganization(testApp, { name: 'Б центр' })).id;
  const staffX = [(await makeStaff(testApp, x)).id, (await makeStaff(testApp, x)).id];
  const staffY = (await makeStaff(testApp, y)).id;

  // Month A, March 2025.
  const c1 = (await makeClient(testApp, x, { livingSituation: 'lonely' })).id;
  const c1Assessment = await assess(w, c1, staffX[0]!, '2025-01-10', 8); // group 4: 16 / 12 / 16, next check 2025-07-10
  const c2 = (await makeClient(testApp, x, { livingSituation: 'lives_with_family' })).id;
  const c2Assessment = await assess(w, c2, staffX[0]!, '2024-08-01', 13); // group 5: 20 / 18 / 8, due 2025-02-01
  const c3 = (await makeClient(testApp, x)).id; // never assessed (yet)
  const c5 = (await makeClient(testApp, y, { livingSituation: 'lives_alone' })).id;
  const c5Assessment = await assess(w, c5, staffY, '2025-02-01', 4); // group 2: 4 / 3 / 2
  // Hours that contradict the group, as an old import left them: the tables give 4 optimal hours.
  await sql`UPDATE assessments SET hours_optimal = 5 WHERE id = ${c5Assessment}`.execute(testApp.database.db);

  const a = await submit(w, { month: '2025-03', hourlyRate: 250 });
  t.equal(a.statusCode, 201, a.body);
  const submittedA = a.json();
  t.equal(a.headers.location, `${SUBMISSIONS}/${submittedA.id}`);
  t.match(submittedA, { month: '2025-03', asOf: '2025-03-31', weeklyHoursPerFte: 40, hourlyRate: 250, supersedes: null, current: true });
  t.same(
    submittedA.report.organizations.map((o: { name: string; activeClients: number; groups: object; hours: object; overdue: number }) => [
      o.name,
      o.activeClients,
      o.groups,
      o.hours,
      o.overdue,
    ]),
    [
      ['А центр', 3, { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 0 }, { optimal: 36, minimal: 30, byLivingSituation: 24 }, 1],
      ['Б центр', 1, { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0 }, { optimal: 5, minimal: 3, byLivingSituation: 2 }, 0],
    ],
  );

  t.test('the validation findings: one of each kind, ids only, counted per code', async (t) => {
    t.same(submittedA.findingCounts, { never_assessed: 1, overdue: 1, hours_contradict_group: 1 });
    t.same(
      submittedA.findings.map((f: { code: string; organizationId: string; clientId: string; assessmentId: string | null }) => [
        f.code,
        f.organizationId,
        f.clientId,
        f.assessmentId,
      ]),
      [
        ['never_assessed', x, c3, null],
        ['overdue', x, c2, c2Assessment],
        ['hours_contradict_group', y, c5, c5Assessment],
      ],
    );
    t.match(submittedA.findings[1].message, /2025-02-01/);
    t.match(submittedA.findings[2].message, /optimal 5.*group 2 \(optimal 4, minimal 3/);
    t.notMatch(JSON.stringify(submittedA.findings), /Иванова|Мария/, 'no personal data');
    const audit = await testApp.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('resource_type', '=', 'report_submission')
      .where('action', '=', 'create')
      .execute();
    t.same(
      audit.map((event) => event.resource_id),
      [submittedA.id],
      'the submission is in the audit trail',
    );
  });

  // Between the months: another client assessed, a group changed by a commission, a client added
  // to an organization, and an organization added with a client of its own.
  await assess(w, c3, staffX[0]!, '2025-04-10', 3.25); // group 2: 4 / 3 / 2 (lives alone)
  const decision = await testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/assessments/${c1Assessment}/decision`,
    payload: { decidedGroup: 5, reason: 'Деменция: нужен постоянный присмотр', decidedBy: staffX, decidedOn: '2025-04-15' },
  });
  t.equal(decision.statusCode, 201, decision.body); // group 5 for a lonely client: 20 / 18 / 20
  await makeClient(testApp, y);
  const z = (await makeOrganization(testApp, { name: 'В центр' })).id;
  await makeClient(testApp, z);

  t.test('the submitted month does not change with the data', async (t) => {
    const again = await get(w, `${SUBMISSIONS}/${submittedA.id}`);
    t.equal(again.statusCode, 200);
    t.same(again.json(), submittedA);
    const live = (await get(w, '/v1/reports/long-term-care?asOf=2025-03-31')).json();
    t.not(live.total.activeClients, submittedA.report.total.activeClients, 'while the live report of the same day moved on');
  });

  const b = await submit(w, { month: '2025-04' });
  t.equal(b.statusCode, 201, b.body);
  const submittedB = b.json();
  t.equal(submittedB.asOf, '2025-04-30');

  t.test('the diff of April against March names exactly those changes', async (t) => {
    const response = await get(w, `${SUBMISSIONS}/${submittedB.id}/diff?against=${submittedA.id}`);
    t.equal(response.statusCode, 200, response.body);
    const diff = response.json();
    t.match(diff.submission, { id: submittedB.id, month: '2025-04' });
    t.match(diff.against, { id: submittedA.id, month: '2025-03' });
    t.same(diff.organizations, [
      {
        organizationId: x,
        name: 'А центр',
        status: 'changed',
        changes: [
          { figure: 'groups.2', before: 0, after: 1, delta: 1 },
          { figure: 'groups.4', before: 1, after: 0, delta: -1 },
          { figure: 'groups.5', before: 1, after: 2, delta: 1 },
          { figure: 'neverAssessed', before: 1, after: 0, delta: -1 },
          { figure: 'hours.optimal', before: 36, after: 44, delta: 8 },
          { figure: 'hours.minimal', before: 30, after: 39, delta: 9 },
          { figure: 'hours.byLivingSituation', before: 24, after: 30, delta: 6 },
          { figure: 'fte.optimal', before: 0.9, after: 1.1, delta: 0.2 },
          { figure: 'fte.minimal', before: 0.75, after: 0.98, delta: 0.23 },
          { figure: 'overrides', before: 0, after: 1, delta: 1 },
          // No visits in either month: every assessed home client with minimal hours is below them.
          { figure: 'clientsBelowMinimal', before: 2, after: 3, delta: 1 },
        ],
      },
      {
        organizationId: y,
        name: 'Б центр',
        status: 'changed',
        changes: [
          { figure: 'activeClients', before: 1, after: 2, delta: 1 },
          { figure: 'neverAssessed', before: 0, after: 1, delta: 1 },
        ],
      },
      {
        organizationId: z,
        name: 'В центр',
        status: 'added',
        changes: [
          { figure: 'activeClients', before: null, after: 1, delta: 1 },
          { figure: 'neverAssessed', before: null, after: 1, delta: 1 },
        ],
      },
    ]);
    t.same(
      diff.total.map((change: { figure: string; delta: number }) => [change.figure, change.delta]),
      [
        ['activeClients', 2],
        ['groups.2', 1],
        ['groups.4', -1],
        ['groups.5', 1],
        ['neverAssessed', 1],
        ['hours.optimal', 8],
        ['hours.minimal', 9],
        ['hours.byLivingSituation', 6],
        ['fte.optimal', 0.2],
        ['fte.minimal', 0.22],
        ['overrides', 1],
        ['clientsBelowMinimal', 1],
      ],
    );

    const back = (await get(w, `${SUBMISSIONS}/${submittedA.id}/diff?against=${submittedB.id}`)).json();
    t.same(
      back.organizations.map((o: { name: string; status: string }) => [o.name, o.status]),
      [
        ['А центр', 'changed'],
        ['Б центр', 'changed'],
        ['В центр', 'removed'],
      ],
      'the other way round, the organization is gone',
    );
    const same = (await get(w, `${SUBMISSIONS}/${submittedA.id}/diff?against=${submittedA.id}`)).json();
    t.same([same.organizations, same.total], [[], []], 'a submission against itself: no change');
  });

  t.test('CSV: the submitted report, and the diff one row per organization and figure', async (t) => {
    const report = await get(w, `${SUBMISSIONS}/${submittedA.id}?separator=;`, { accept: 'text/csv' });
    t.equal(report.statusCode, 200);
    t.match(report.headers['content-type'], /^text\/csv/);
    const lines = report.body.slice(1).trimEnd().split('\r\n');
    t.equal(lines.length, 4, 'header, two organizations, total');
    t.same(lines[1]!.split(';').slice(1, 14), ['А центр', '3', '0', '0', '0', '1', '1', '0', '1', '1', '36', '30', '24']);
    t.match(lines[3], /^;Итого на 2025-03-31;4;/);

    const findings = await get(w, `${SUBMISSIONS}/${submittedA.id}?part=findings`, { accept: 'text/csv' });
    t.equal(findings.statusCode, 200);
    const findingRows = findings.body
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    t.same(findingRows[0], ['code', 'organization_id', 'organization', 'client_id', 'assessment_id', 'message']);
    t.same(findingRows[1], ['never_assessed', x, 'А центр', c3, '', 'no final assessment by 2025-03-31']);
    t.same(
      findingRows.slice(1).map((row) => row[0]),
      ['never_assessed', 'overdue', 'hours_contradict_group'],
    );

    const diff = await get(w, `${SUBMISSIONS}/${submittedB.id}/diff?against=${submittedA.id}`, { accept: 'text/csv' });
    t.equal(diff.statusCode, 200);
    const rows = diff.body
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    t.same(rows[0], ['organization_id', 'organization', 'status', 'figure', 'before', 'after', 'delta']);
    t.equal(rows.length, 1 + 11 + 2 + 2 + 12, 'a row per changed figure of each organization and of the total');
    t.same(rows[1], [x, 'А центр', 'changed', 'groups.2', '0', '1', '1']);
    t.same(rows[14], [z, 'В центр', 'added', 'activeClients', '', '1', '1']);
    t.same(rows.at(-1), ['', 'Итого', '', 'clientsBelowMinimal', '3', '4', '1']);
  });

  t.test('the list: by month, with summaries only', async (t) => {
    const page = (await get(w, `${SUBMISSIONS}?month=2025-04`)).json();
    t.same(
      page.items.map((item: { id: string }) => item.id),
      [submittedB.id],
    );
    t.notOk('report' in page.items[0], 'no report in a summary');
    const all = (await get(w, `${SUBMISSIONS}?limit=1`)).json();
    t.equal(all.items[0].id, submittedA.id, 'in the order they were made');
    t.ok(all.next);
    t.equal((await get(w, all.next)).json().items[0].id, submittedB.id);
  });
});

t.test('a correction supersedes the month’s submission; the rules of corrections', async (t) => {
  const w = await world(t);
  const organization = (await makeOrganization(w.testApp)).id;
  await makeClient(w.testApp, organization);
  const first = (await submit(w, { month: '2025-05' })).json();

  const twice = await submit(w, { month: '2025-05' });
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().type, '/problems/submission-exists');
  t.match(twice.json().detail, first.id, 'naming the current submission');

  const noReason = await submit(w, { month: '2025-05', supersedes: first.id });
  t.equal(noReason.statusCode, 422);
  t.match(noReason.json().errors, [{ pointer: '/reason' }]);
  const future = await submit(w, { month: '2100-01' });
  t.equal(future.statusCode, 422);
  t.match(future.json().errors, [{ pointer: '/month', message: 'is in the future' }]);
  const other = (await submit(w, { month: '2025-06' })).json();
  const wrongMonth = await submit(w, { month: '2025-05', supersedes: other.id, reason: 'исправление' });
  t.equal(wrongMonth.statusCode, 422);
  t.match(wrongMonth.json().errors, [{ pointer: '/supersedes', message: /of 2025-06/ }]);

  await makeClient(w.testApp, organization);
  const correction = await submit(w, { month: '2025-05', supersedes: first.id, reason: 'клиент не был учтён' });
  t.equal(correction.statusCode, 201, correction.body);
  t.match(correction.json(), { supersedes: first.id, reason: 'клиент не был учтён', current: true });
  t.equal(correction.json().report.total.activeClients, 2);
  t.match((await get(w, `${SUBMISSIONS}/${first.id}`)).json(), { current: false, supersededBy: correction.json().id });
  t.equal((await get(w, `${SUBMISSIONS}/${first.id}`)).json().report.total.activeClients, 1, 'the superseded one is kept as it was');

  const stale = await submit(w, { month: '2025-05', supersedes: first.id, reason: 'ещё раз' });
  t.equal(stale.statusCode, 409);
  t.equal(stale.json().type, '/problems/submission-not-current');
  t.match(stale.json().detail, correction.json().id);

  const current = (await get(w, `${SUBMISSIONS}?month=2025-05&current=true`)).json();
  t.same(
    current.items.map((item: { id: string }) => item.id),
    [correction.json().id],
  );
  const superseded = (await get(w, `${SUBMISSIONS}?month=2025-05&current=false`)).json();
  t.same(
    superseded.items.map((item: { id: string }) => item.id),
    [first.id],
  );

  const thisMonth = await submit(w, { month: today().slice(0, 7) });
  t.equal(thisMonth.statusCode, 201);
  t.equal(thisMonth.json().asOf, today(), 'the current month is submitted as of today');

  t.test('the database keeps submissions as they were and one current a month', async (t) => {
    const { db } = w.testApp.database;
    await t.rejects(sql`UPDATE report_submissions SET reason = 'подмена'`.execute(db), /never change/);
    await t.rejects(sql`DELETE FROM report_submissions`.execute(db), /never change/);
    const insert = (supersedes: string | null) => sql`
      INSERT INTO report_submissions (month, as_of, weekly_hours_per_fte, report, findings, finding_counts, supersedes, reason)
      VALUES ('2025-05', '2025-05-31', 40, '{}', '[]', '{}', ${supersedes}, 'в обход сервиса')`;
    await t.rejects(insert(null).execute(db), { code: '23505', constraint: 'report_submissions_first_of_month' });
    await t.rejects(insert(first.id).execute(db), { code: '23505', constraint: 'report_submissions_superseded_once' });
    await t.rejects(insert(other.id).execute(db), { code: '23503' }, 'a correction of another month');
  });
});

t.test('two submissions of a month at once: one lands, the other is 409; so do two corrections of it', async (t) => {
  const w = await world(t, { poolSize: 16 });
  await makeClient(w.testApp, (await makeOrganization(w.testApp)).id);
  const race = (payloads: Array<Record<string, unknown>>) =>
    behindLock(w.testApp.database.url, { sql: 'LOCK TABLE report_submissions IN ACCESS EXCLUSIVE MODE' }, payloads.length, () =>
      Promise.all(payloads.map((payload) => submit(w, payload))),
    );

  const firsts = await race([{ month: '2025-07' }, { month: '2025-07', hourlyRate: 300 }]);
  t.same(firsts.map((response) => response.statusCode).sort(), [201, 409]);
  const landed = firsts.find((response) => response.statusCode === 201)!.json();
  t.equal(firsts.find((response) => response.statusCode === 409)!.json().type, '/problems/submission-exists');

  const corrections = await race([
    { month: '2025-07', supersedes: landed.id, reason: 'первая правка' },
    { month: '2025-07', supersedes: landed.id, reason: 'вторая правка' },
  ]);
  t.same(corrections.map((response) => response.statusCode).sort(), [201, 409]);
  t.equal(corrections.find((response) => response.statusCode === 409)!.json().type, '/problems/submission-not-current');
  const month = (await get(w, `${SUBMISSIONS}?month=2025-07`)).json().items;
  t.equal(month.length, 2, 'the first and one correction');
  t.equal(month.filter((item: { current: boolean }) => item.current).length, 1, 'one current submission of the month');
});

t.test('the region submits and reads; a provider does neither', async (t) => {
  const w = await world(t);
  const organization = (await makeOrganization(w.testApp)).id;
  const provider = (await makeKey(w.testApp, 'provider', organization)).secret;
  const regional = (await makeKey(w.testApp, 'regional')).secret;
  t.equal((await submit(w, { month: '2025-08' }, provider)).statusCode, 403);
  const submitted = await submit(w, { month: '2025-08' }, regional);
  t.equal(submitted.statusCode, 201);
  t.equal((await get(w, `${SUBMISSIONS}/${submitted.json().id}`, {}, regional)).statusCode, 200);
  t.equal((await get(w, `${SUBMISSIONS}/${submitted.json().id}`, {}, provider)).statusCode, 403);
  t.equal((await get(w, SUBMISSIONS, {}, provider)).statusCode, 403);
  const missing = await get(w, `${SUBMISSIONS}/${submitted.json().id}/diff?against=00000000-0000-4000-8000-000000000000`);
  t.equal(missing.statusCode, 404);
});
