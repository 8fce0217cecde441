import t from 'tap';
import { sql } from 'kysely';
import { today } from '../../src/calendar/dates.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { catalogType, makeActivity, makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';
import { behindLock } from '../helpers/locks.js';

type Indicators = [number, number, number, number, number, number];
interface Signal {
  id: string;
  clientId: string;
  organizationId: string;
  kind: string;
  date: string;
  measure: string;
  before: number;
  after: number;
  threshold: number;
  records?: { before: number; after: number };
  basis: Array<{ type: string; id: string; date: string }>;
  status: string;
  resolution: null | { outcome: string; scheduledOn: string | null; reason: string | null; resolvedBy: string; resolvedOn: string };
}

/** Records of everyday work, made through the routes staff use. */
async function workBench(testApp: TestApp) {
  const { call } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
  const home: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const music = (await catalogType(testApp, 'music_therapy')).id;
  const post = async (url: string, payload: object) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  const client = async (fields: Record<string, unknown> = {}) => (await makeClient(testApp, organizationId, fields)).id;
  const observe = (clientId: string, observedOn: string, [a, b, c, d, e, f]: Indicators) =>
    post(`/v1/clients/${clientId}/observations`, {
      observedOn,
      staffId,
      method: 'observation',
      indicators: {
        selfCareSkills: a,
        rangeOfInterests: b,
        communication: c,
        emotionalStability: d,
        depressiveEpisodes: e,
        aggressiveness: f,
      },
    });
  const questionnaire = (clientId: string, filledOn: string, [physical, psychological, social, spiritual, process, results]: number[]) =>
    post(`/v1/clients/${clientId}/questionnaires`, {
      filledOn,
      ratings: { physical, psychological, social, spiritual },
      satisfaction: { process, results },
    });
  const assess = (clientId: string, assessedOn: string, points: number, fields: Record<string, unknown> = {}) =>
    post(`/v1/clients/${clientId}/assessments`, {
      instrumentId: 'bfd-home-2019',
      assessedOn,
      answers: answersScoring(home, points),
      conductedBy: [staffId],
      ...fields,
    });
  /** A held session with the clients' attendance. */
  const session = async (startsAt: string, attendance: Array<[string, string]>) => {
    const activity = await makeActivity(testApp, { organizationId, activityTypeId: music, startsAt, responsibleStaff: [staffId] });
    const recorded = await call(ADMIN_KEY, {
      method: 'PUT',
      url: `/v1/activities/${activity.id}/participants`,
      payload: { participants: attendance.map(([clientId, value]) => ({ clientId, attendance: value })) },
    });
    if (recorded.statusCode !== 200) throw new Error(`attendance: ${recorded.statusCode} ${recorded.body}`);
    const held = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: `/v1/activities/${activity.id}`,
      headers: { 'if-match': recorded.headers.etag as string },
      payload: { status: 'held' },
    });
    if (held.statusCode !== 200) throw new Error(`held: ${held.statusCode} ${held.body}`);
    return activity.id;
  };
  const signals = async (query: string, key = ADMIN_KEY): Promise<Signal[]> => {
    const response = await call(key, { method: 'GET', url: `/v1/reassessment-signals?limit=200&${query}` });
    if (response.statusCode !== 200) throw new Error(`signals: ${response.statusCode} ${response.body}`);
    return response.json().items;
  };
  const resolve = (id: string, payload: Record<string, unknown>, key = ADMIN_KEY) =>
    call(key, { method: 'POST', url: `/v1/reassessment-signals/${id}/resolve`, payload: { staffId, ...payload } });
  return { organizationId, staffId, client, observe, questionnaire, assess, session, signals, resolve, post };
}

/** The day `offset` days from today. */
function shift(offset: number): string {
  const [y, m, d] = today().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
}

t.test('reassessment signals', async (t) => {
  const testApp = await buildTestApp(t);
  const bench = await workBench(testApp);
  const { client, observe, questionnaire, assess, session, signals } = bench;

  t.test('an outcome indicator two steps the worse way between consecutive observations is a signal; one step is not', async (t) => {
    const twoSteps = await client();
    const first = await observe(twoSteps, '2025-01-10', [3, 2, 2, 2, 1, 0]);
    const second = await observe(twoSteps, '2025-02-10', [1, 2, 2, 2, 1, 0]);
    const oneStep = await client();
    await observe(oneStep, '2025-01-10', [3, 2, 2, 2, 1, 0]);
    await observe(oneStep, '2025-02-10', [2, 1, 1, 1, 2, 1]);

    const [signal, ...others] = await signals(`clientId=${twoSteps}`);
    t.same(others, []);
    t.match(signal, {
      clientId: twoSteps,
      organizationId: bench.organizationId,
      kind: 'outcomeIndicatorWorsened',
      date: '2025-02-10',
      measure: 'selfCareSkills',
      before: 3,
      after: 1,
      threshold: 2,
      status: 'open',
      resolution: null,
    });
    t.same(signal?.basis, [
      { type: 'observation', id: first.id, date: '2025-01-10' },
      { type: 'observation', id: second.id, date: '2025-02-10' },
    ]);
    t.same(await signals(`clientId=${oneStep}`), [], 'every indicator one step worse: no signal');
  });

  t.test('for depressive episodes and aggressiveness the worse way is up; two steps better is no signal', async (t) => {
    const id = await client();
    await observe(id, '2025-01-10', [1, 1, 1, 1, 1, 3]);
    await observe(id, '2025-02-10', [3, 3, 3, 3, 3, 1]);
    const found = await signals(`clientId=${id}`);
    t.same(
      found.map((signal) => [signal.measure, signal.before, signal.after]),
      [['depressiveEpisodes', 1, 3]],
    );
  });

  t.test('only consecutive observations compare', async (t) => {
    const id = await client();
    await observe(id, '2025-01-10', [3, 2, 2, 2, 1, 0]);
    await observe(id, '2025-01-20', [2, 2, 2, 2, 1, 0]);
    await observe(id, '2025-02-10', [1, 2, 2, 2, 1, 0]);
    t.same(await signals(`clientId=${id}`), [], 'one step at a time: no signal, though three to one is two');
  });

  t.test('a questionnaire average one point below the one before is a signal; five sixths of a point is not', async (t) => {
    const onePoint = await client();
    const before = await questionnaire(onePoint, '2025-01-20', [4, 4, 4, 4, 4, 4]);
    const after = await questionnaire(onePoint, '2025-02-20', [3, 3, 3, 3, 3, 3]);
    const almost = await client();
    await questionnaire(almost, '2025-01-20', [4, 4, 4, 4, 4, 4]);
    await questionnaire(almost, '2025-02-20', [4, 3, 3, 3, 3, 3]);
    const [signal, ...others] = await signals(`clientId=${onePoint}`);
    t.same(others, []);
    t.match(signal, {
      kind: 'questionnaireAverageDropped',
      measure: 'questionnaireAverage',
      date: '2025-02-20',
      before: 4,
      after: 3,
      threshold: 1,
    });
    t.same(
      signal?.basis.map((record) => record.id),
      [before.id, after.id],
    );
    t.same(await signals(`clientId=${almost}`), [], 'an average of 3.17 after 4: no signal');
  });

  t.test('attendance at half the previous month’s rate, four records in each month, is a signal', async (t) => {
    const half = await client();
    const sixTenths = await client();
    const fewThisMonth = await client();
    const fewLastMonth = await client();
    const january: string[] = [];
    for (const [index, date] of ['2025-01-07', '2025-01-14', '2025-01-21', '2025-01-28'].entries()) {
      const attendance: Array<[string, string]> = [
        [half, 'attended'],
        [sixTenths, 'attended'],
        [fewThisMonth, 'attended'],
      ];
      if (index < 3) attendance.push([fewLastMonth, 'attended']);
      january.push(await session(`${date}T10:00:00+03:00`, attendance));
    }
    const february: string[] = [];
    for (const [index, date] of ['2025-02-04', '2025-02-11', '2025-02-18', '2025-02-25', '2025-02-27'].entries()) {
      const attendance: Array<[string, string]> = [[sixTenths, index < 3 ? 'attended' : 'absent']];
      if (index < 4) attendance.push([half, index < 2 ? 'attended' : index === 2 ? 'refused' : 'excused'], [fewLastMonth, 'absent']);
      if (index < 3) attendance.push([fewThisMonth, 'absent']);
      february.push(await session(`${date}T10:00:00+03:00`, attendance));
    }
    const [signal, ...others] = await signals(`clientId=${half}`);
    t.same(others, []);
    t.match(signal, {
      kind: 'attendanceDropped',
      measure: 'attendanceRate',
      date: '2025-02-25',
      before: 1,
      after: 0.5,
      threshold: 0.5,
      records: { before: 4, after: 4 },
    });
    t.same(
      signal?.basis.map((record) => [record.type, record.id]),
      [...january, ...february.slice(0, 4)].map((id) => ['participation', id]),
    );
    t.same(await signals(`clientId=${sixTenths}`), [], 'three of five after four of four: 0.6, no signal');
    t.same(await signals(`clientId=${fewThisMonth}`), [], 'three records in the month: no signal');
    t.same(await signals(`clientId=${fewLastMonth}`), [], 'three records in the month before: no signal');
  });

  t.test('attendance not yet marked in a held session is no record', async (t) => {
    const id = await client();
    for (const date of ['2025-03-04', '2025-03-11', '2025-03-18', '2025-03-25'])
      await session(`${date}T12:00:00+03:00`, [[id, 'attended']]);
    await session('2025-04-01T12:00:00+03:00', [[id, 'attended']]);
    for (const date of ['2025-04-08', '2025-04-15', '2025-04-22']) await session(`${date}T12:00:00+03:00`, [[id, 'enrolled']]);
    t.same(await signals(`clientId=${id}`), [], 'one record in April: no rate to compare');
  });

  t.test('two groups up within six months is rapid deterioration, as the dynamics say; one group is not', async (t) => {
    const twoGroups = await client();
    const earlier = await assess(twoGroups, '2025-01-15', 4);
    const current = await assess(twoGroups, '2025-06-15', 8);
    const oneGroup = await client();
    await assess(oneGroup, '2025-01-15', 4);
    await assess(oneGroup, '2025-06-15', 5);
    const slowly = await client();
    await assess(slowly, '2025-01-15', 4);
    await assess(slowly, '2025-07-16', 8);

    const [signal, ...others] = await signals(`clientId=${twoGroups}`);
    t.same(others, []);
    t.match(signal, { kind: 'rapidDeterioration', measure: 'dependencyGroup', date: '2025-06-15', before: 2, after: 4, threshold: 2 });
    t.same(signal?.basis, [
      { type: 'assessment', id: earlier.id, date: '2025-01-15' },
      { type: 'assessment', id: current.id, date: '2025-06-15' },
    ]);
    for (const [id, expected] of [
      [twoGroups, true],
      [oneGroup, false],
      [slowly, false],
    ] as const) {
      const dynamics = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${id}/dynamics` })).json();
      t.equal(dynamics.rapidDeterioration, expected, 'the dynamics agree');
      t.equal((await signals(`clientId=${id}`)).length, expected ? 1 : 0);
    }
  });

  t.test('records the current assessment already saw raise no signal', async (t) => {
    const id = await client();
    await observe(id, '2025-01-10', [4, 2, 2, 2, 1, 0]);
    await observe(id, '2025-02-10', [1, 2, 2, 2, 1, 0]);
    t.equal((await signals(`clientId=${id}`)).length, 1);
    await assess(id, '2025-02-10', 4);
    t.same(await signals(`clientId=${id}`), [], 'assessed on the day of the later observation');
  });

  t.test('clients no longer served have no signals', async (t) => {
    for (const status of ['discharged', 'deceased']) {
      const id = await client();
      await observe(id, '2025-01-10', [4, 2, 2, 2, 1, 0]);
      await observe(id, '2025-02-10', [1, 2, 2, 2, 1, 0]);
      const read = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${id}` });
      const changed = await testApp.call(ADMIN_KEY, {
        method: 'PATCH',
        url: `/v1/clients/${id}`,
        headers: { 'if-match': read.headers.etag as string },
        payload: { status },
      });
      t.equal(changed.statusCode, 200);
      t.same(await signals(`clientId=${id}`), [], status);
    }
  });

  t.test('a signal keeps its id from read to read, and the list pages in date order', async (t) => {
    const all = await signals(`organizationId=${bench.organizationId}`);
    const again = await signals(`organizationId=${bench.organizationId}`);
    t.same(
      again.map((signal) => signal.id),
      all.map((signal) => signal.id),
    );
    t.ok(all.length >= 5);
    t.same(new Set(all.map((signal) => signal.id)).size, all.length, 'ids are unique');
    for (const signal of all) t.match(signal.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const dates = all.map((signal) => signal.date);
    t.same(dates, [...dates].sort());
    const paged: string[] = [];
    let url: string | null = `/v1/reassessment-signals?organizationId=${bench.organizationId}&limit=2`;
    while (url) {
      const page: { items: Signal[]; next: string | null } = (await testApp.call(ADMIN_KEY, { method: 'GET', url })).json();
      paged.push(...page.items.map((signal) => signal.id));
      url = page.next;
    }
    t.same(
      paged,
      all.map((signal) => signal.id),
    );
    const byKind = await signals(`organizationId=${bench.organizationId}&kind=questionnaireAverageDropped`);
    t.ok(byKind.length >= 1);
    t.ok(byKind.every((signal) => signal.kind === 'questionnaireAverageDropped'));
    const bad = await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/reassessment-signals?cursor=bm90LWEtY3Vyc29y' });
    t.equal(bad.statusCode, 400);
  });
});

t.test('resolving a signal', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: 4 });
  const bench = await workBench(testApp);
  const { client, observe, signals, resolve, assess } = bench;
  const worsened = async (fields: Record<string, unknown> = {}) => {
    const id = await client(fields);
    await assess(id, '2025-01-05', 4, { nextCheckOn: '2027-06-01' });
    await observe(id, '2025-01-10', [4, 2, 2, 2, 1, 0]);
    await observe(id, '2025-02-10', [1, 2, 2, 2, 1, 0]);
    const [signal] = await signals(`clientId=${id}`);
    if (!signal) throw new Error('no signal');
    return { clientId: id, signal };
  };
  const clientOf = async (id: string) => (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${id}` })).json();

  t.test('a scheduled reassessment becomes the client’s next check and the reassessment list’s due date', async (t) => {
    const { clientId, signal } = await worsened();
    const before = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${clientId}` });
    t.equal(before.json().latestAssessment.nextCheckOn, '2027-06-01');
    const scheduledOn = shift(10);
    const resolved = await resolve(signal.id, { scheduledOn, reason: 'Наблюдение психолога' });
    t.equal(resolved.statusCode, 200, resolved.body);
    t.match(resolved.json(), {
      id: signal.id,
      status: 'resolved',
      resolution: { outcome: 'scheduled', scheduledOn, reason: 'Наблюдение психолога', resolvedBy: bench.staffId, resolvedOn: today() },
    });
    const after = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${clientId}` });
    t.equal(after.json().latestAssessment.nextCheckOn, scheduledOn);
    t.not(after.headers.etag, before.headers.etag, 'the client’s version moved');
    const due = await testApp.call(ADMIN_KEY, {
      method: 'GET',
      url: `/v1/reassessments?organizationId=${bench.organizationId}&dueBefore=${scheduledOn}&limit=200`,
    });
    t.match(
      due.json().items.filter((item: { clientId: string }) => item.clientId === clientId),
      [{ clientId, dueOn: scheduledOn }],
    );

    t.same(await signals(`clientId=${clientId}`), [], 'no longer open');
    t.match(await signals(`clientId=${clientId}&status=resolved`), [{ id: signal.id, status: 'resolved', basis: signal.basis }]);
    t.equal((await signals(`clientId=${clientId}&status=all`)).length, 1);
    const one = await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/reassessment-signals/${signal.id}` });
    t.match(one.json(), { id: signal.id, status: 'resolved' });

    const again = await resolve(signal.id, { dismissed: true, reason: 'Повторно' });
    t.equal(again.statusCode, 409);
    t.equal(again.json().type, '/problems/signal-already-resolved');

    // A correction of an older record refreshes the client: the scheduled check stays.
    await assess(clientId, '2025-01-02', 4, { nextCheckOn: '2027-08-01' });
    t.equal((await clientOf(clientId)).latestAssessment.nextCheckOn, scheduledOn);
    // The reassessment itself, on or after the day of the resolution, sets the next check again.
    await assess(clientId, today(), 4, { nextCheckOn: '2027-09-01' });
    t.equal((await clientOf(clientId)).latestAssessment.nextCheckOn, '2027-09-01');
  });

  t.test('a scheduled date never postpones the check already due', async (t) => {
    const { clientId, signal } = await worsened();
    const resolved = await resolve(signal.id, { scheduledOn: '2027-12-01' });
    t.equal(resolved.statusCode, 200);
    t.equal((await clientOf(clientId)).latestAssessment.nextCheckOn, '2027-06-01');
  });

  t.test('a dismissal needs a reason; the resolution names its fields', async (t) => {
    const { signal } = await worsened();
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ dismissed: true }, ['/reason']],
      [{}, ['/scheduledOn']],
      [{ dismissed: true, reason: 'x', scheduledOn: shift(3) }, ['/dismissed']],
      [{ scheduledOn: shift(-1) }, ['/scheduledOn']],
      [{ scheduledOn: shift(3), staffId: (await makeStaff(testApp, (await makeOrganization(testApp)).id)).id }, ['/staffId']],
    ];
    for (const [payload, pointers] of cases) {
      const response = await resolve(signal.id, payload);
      t.equal(response.statusCode, 422, JSON.stringify(payload));
      t.equal(response.json().type, '/problems/signal-resolution-invalid');
      t.same(
        response.json().errors.map((error: { pointer: string }) => error.pointer),
        pointers,
      );
    }
    const dismissed = await resolve(signal.id, { dismissed: true, reason: 'Временное ухудшение после простуды' });
    t.equal(dismissed.statusCode, 200);
    t.match(dismissed.json().resolution, { outcome: 'dismissed', scheduledOn: null, reason: 'Временное ухудшение после простуды' });
  });

  t.test('an unknown signal is a 404', async (t) => {
    const response = await resolve('00000000-0000-8000-8000-000000000000', { dismissed: true, reason: 'x' });
    t.equal(response.statusCode, 404);
  });

  t.test('two resolutions at once: one is stored, the other is a 409', async (t) => {
    const { clientId, signal } = await worsened();
    const answers = await behindLock(
      testApp.database.url,
      { sql: 'SELECT 1 FROM clients WHERE id = $1 FOR UPDATE', parameters: [clientId] },
      2,
      () => Promise.all([resolve(signal.id, { scheduledOn: shift(5) }), resolve(signal.id, { dismissed: true, reason: 'Одновременно' })]),
    );
    t.same(answers.map((answer) => answer.statusCode).sort(), [200, 409]);
    const { rows } = await sql<{ count: number }>`
      SELECT count(*)::int AS count FROM reassessment_signal_resolutions WHERE signal_id = ${signal.id}
    `.execute(testApp.database.db);
    t.equal(rows[0]?.count, 1);
  });

  t.test('a provider sees and resolves its own organization’s signals; the region reads them all', async (t) => {
    const { signal } = await worsened();
    const own = await makeKey(testApp, 'provider', bench.organizationId);
    const other = await makeKey(testApp, 'provider', (await makeOrganization(testApp)).id);
    const regional = await makeKey(testApp, 'regional');
    t.ok((await signals('', own.secret)).some((item) => item.id === signal.id));
    t.same(await signals('', other.secret), []);
    t.ok((await signals('', regional.secret)).some((item) => item.id === signal.id));
    t.equal((await resolve(signal.id, { dismissed: true, reason: 'x' }, regional.secret)).statusCode, 403);
    t.equal((await resolve(signal.id, { dismissed: true, reason: 'x' }, other.secret)).statusCode, 404);
    t.equal((await resolve(signal.id, { dismissed: true, reason: 'Осмотрен врачом' }, own.secret)).statusCode, 200);
    const { rows } = await sql<{ action: string; resource_id: string; client_id: string }>`
      SELECT action, resource_id, client_id FROM audit_events WHERE resource_type = 'reassessment_signal_resolution' AND resource_id = ${signal.id}
    `.execute(testApp.database.db);
    t.same(rows, [{ action: 'create', resource_id: signal.id, client_id: signal.clientId }], 'audited');
  });
});

t.test('the thresholds are settings', async (t) => {
  const testApp = await buildTestApp(t, {
    SIGNAL_INDICATOR_STEPS: '1',
    SIGNAL_QUESTIONNAIRE_DROP: '0.5',
    SIGNAL_ATTENDANCE_RATIO: '0.75',
    SIGNAL_ATTENDANCE_MIN_RECORDS: '2',
  });
  const { client, observe, questionnaire, session, signals } = await workBench(testApp);
  const id = await client();
  await observe(id, '2025-01-10', [3, 2, 2, 2, 1, 0]);
  await observe(id, '2025-02-10', [2, 2, 2, 2, 1, 0]);
  await questionnaire(id, '2025-01-20', [4, 4, 4, 4, 4, 4]);
  await questionnaire(id, '2025-02-20', [4, 4, 4, 3, 3, 3]);
  for (const date of ['2025-01-07', '2025-01-14']) await session(`${date}T10:00:00+03:00`, [[id, 'attended']]);
  for (const [date, attendance] of [
    ['2025-02-04', 'attended'],
    ['2025-02-11', 'attended'],
    ['2025-02-18', 'absent'],
    ['2025-02-25', 'attended'],
  ]) {
    await session(`${date}T10:00:00+03:00`, [[id, attendance as string]]);
  }
  const found = await signals(`clientId=${id}`);
  t.same(
    found.map((signal) => [signal.kind, signal.threshold, signal.after]),
    [
      ['outcomeIndicatorWorsened', 1, 2],
      ['questionnaireAverageDropped', 0.5, 3.5],
      ['attendanceDropped', 0.75, 0.75],
    ],
  );
});
