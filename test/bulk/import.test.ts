import t from 'tap';
import { IMPORT_CORRECTION_REASON } from '../../src/bulk/assessments.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { clientBody, makeDepartment, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

const ndjson = (records: unknown[]) =>
  records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n') + '\n';

function send(
  testApp: TestApp,
  kind: 'clients' | 'assessments',
  organizationId: string,
  body: string,
  options: { key?: string; atomic?: boolean } = {},
) {
  return testApp.call(options.key ?? ADMIN_KEY, {
    method: 'POST',
    url: `/v1/bulk/${kind}?organizationId=${organizationId}${options.atomic ? '&atomic=true' : ''}`,
    headers: { 'content-type': 'application/x-ndjson' },
    payload: body,
  });
}

function clientLine(externalId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { externalId, ...clientBody(fields) };
}

const outcomes = (response: { json(): { results: Array<{ outcome: string }> } }) => response.json().results.map((result) => result.outcome);

t.test('POST /v1/bulk/clients', async (t) => {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  const department = (await makeDepartment(testApp, organizationId, { careForm: 'home' })).id;
  const lines = [
    clientLine('R-1', { departmentId: department, lastName: "O'Brien'); DROP TABLE clients; --" }),
    clientLine('R-2', { lastName: 'Ёлкина <b>', notes: 'Живёт одна' }),
    clientLine('R-3', { careForm: 'inpatient' }),
  ];
  const count = async () =>
    (await testApp.database.db.selectFrom('clients').select('id').where('organization_id', '=', organizationId).execute()).length;

  t.test('the first import creates every client, text stored as sent', async (t) => {
    const response = await send(testApp, 'clients', organizationId, ndjson(lines));
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.same(body.totals, { lines: 3, created: 3, updated: 0, unchanged: 0, failed: 0 });
    t.same(
      body.results.map((result: { line: number }) => result.line),
      [1, 2, 3],
    );
    const first = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${body.results[0].id}` })).json();
    t.equal(first.lastName, "O'Brien'); DROP TABLE clients; --");
    t.equal(first.externalId, 'R-1');
    t.equal(first.departmentId, department);
    t.equal(first.snils, lines[0]!.snils);
    const second = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${body.results[1].id}` })).json();
    t.equal(second.lastName, 'Ёлкина <b>');
    const found = await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/clients?name=елкина' });
    t.equal(found.json().items.length, 1, 'found by name like a client made one by one');
  });

  t.test('sending the same file again changes nothing', async (t) => {
    const before = await testApp.database.db.selectFrom('clients').select(['id', 'version', 'updated_at']).orderBy('id').execute();
    const changes = await testApp.database.db.selectFrom('changes').select('seq').execute();
    const response = await send(testApp, 'clients', organizationId, ndjson(lines));
    t.same(outcomes(response), ['unchanged', 'unchanged', 'unchanged']);
    t.same(await testApp.database.db.selectFrom('clients').select(['id', 'version', 'updated_at']).orderBy('id').execute(), before);
    t.equal((await testApp.database.db.selectFrom('changes').select('seq').execute()).length, changes.length, 'nothing in the change feed');
  });

  t.test('a changed line updates its client; left-out optional fields keep their values', async (t) => {
    const { departmentId: _kept, ...withoutDepartment } = lines[0]!;
    const response = await send(
      testApp,
      'clients',
      organizationId,
      ndjson([{ ...withoutDepartment, socialSupport: 4 }, lines[1], lines[2]]),
    );
    t.same(outcomes(response), ['updated', 'unchanged', 'unchanged']);
    const client = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${response.json().results[0].id}` })).json();
    t.equal(client.socialSupport, 4);
    t.equal(client.departmentId, department);
    t.equal(client.updatedAt > client.createdAt, true);
    t.equal(await count(), 3);
  });

  t.test('each bad line is reported precisely and the good lines land', async (t) => {
    const taken = lines[1]!.snils;
    const file = [
      clientLine('R-10'),
      '{"externalId": "R-11", ',
      { ...clientLine('R-12'), lastName: undefined, age: 80 },
      clientLine('R-13', { snils: '112-233-445 96' }),
      '',
      clientLine('R-14', { snils: taken }),
      clientLine('R-10'),
      clientLine('R-15', { departmentId: department, careForm: 'inpatient' }),
      clientLine('R-16', { birthDate: '2099-01-01' }),
      '[1, 2]',
    ];
    const response = await send(testApp, 'clients', organizationId, ndjson(file));
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.same(body.totals, { lines: 9, created: 1, updated: 0, unchanged: 0, failed: 8 });
    const byLine = Object.fromEntries(body.results.map((result: { line: number }) => [result.line, result]));
    t.equal(byLine[1].outcome, 'created');
    t.match(byLine[2], { outcome: 'failed', problem: { status: 400, errors: [{ pointer: '', message: 'is not valid JSON' }] } });
    t.same(byLine[3].problem.errors.map((error: { pointer: string }) => error.pointer).sort(), ['/age', '/lastName']);
    t.match(byLine[4].problem, { status: 422, errors: [{ pointer: '/snils', message: 'has a wrong check number' }] });
    t.notOk(byLine[5], 'a blank line has no result but keeps the numbering');
    t.match(byLine[6].problem, { status: 409, errors: [{ pointer: '/snils' }] });
    t.match(byLine[7].problem, { status: 422, errors: [{ pointer: '/externalId', message: 'repeats line 1' }] });
    t.match(byLine[8].problem, { status: 422, errors: [{ pointer: '/careForm' }] });
    t.match(byLine[9].problem, { status: 422, errors: [{ pointer: '/birthDate', message: 'is in the future' }] });
    t.match(byLine[10].problem, { status: 400, errors: [{ pointer: '/' }] });
    t.equal(await count(), 4);
  });

  t.test('atomic=true: one bad line and nothing is written', async (t) => {
    const response = await send(
      testApp,
      'clients',
      organizationId,
      ndjson([clientLine('A-1'), clientLine('A-2', { sex: 'x' }), clientLine('A-3')]),
      { atomic: true },
    );
    t.equal(response.statusCode, 422);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = response.json();
    t.same(problem.totals, { lines: 3, created: 2, updated: 0, unchanged: 0, failed: 1 });
    t.match(problem.failures, [{ line: 2, outcome: 'failed', problem: { errors: [{ pointer: '/sex' }] } }]);
    t.equal(await count(), 4, 'the two good lines were rolled back');
    const good = await send(testApp, 'clients', organizationId, ndjson([clientLine('A-1'), clientLine('A-3')]), { atomic: true });
    t.same(good.json().totals, { lines: 2, created: 2, updated: 0, unchanged: 0, failed: 0 });
    t.equal(await count(), 6);
  });

  t.test('who may import, and what', async (t) => {
    const other = (await makeOrganization(testApp)).id;
    const provider = (await makeKey(testApp, 'provider', organizationId)).secret;
    const ownResponse = await send(testApp, 'clients', organizationId, ndjson([clientLine('P-1')]), { key: provider });
    t.equal(ownResponse.json().totals.created, 1, 'a provider imports into its own organization');
    t.equal((await send(testApp, 'clients', other, ndjson([clientLine('P-2')]), { key: provider })).statusCode, 403);
    const regional = (await makeKey(testApp, 'regional')).secret;
    t.equal((await send(testApp, 'clients', organizationId, ndjson([clientLine('P-3')]), { key: regional })).statusCode, 403);
    const medical = (await makeOrganization(testApp, { kind: 'medical' })).id;
    const response = await send(testApp, 'clients', medical, ndjson([clientLine('P-4')]));
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ in: 'querystring', pointer: '/organizationId' }]);
    const json = await testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/bulk/clients?organizationId=${organizationId}`,
      payload: [clientLine('P-5')],
    });
    t.equal(json.statusCode, 415, 'a JSON array is not NDJSON');
    t.equal(json.headers['content-type'], 'application/problem+json; charset=utf-8');
    const missing = await testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/bulk/clients',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '',
    });
    t.equal(missing.statusCode, 400);
    t.match(missing.json().errors, [{ in: 'querystring', pointer: '/organizationId' }]);
    const audited = await testApp.database.db
      .selectFrom('audit_events')
      .select(['action', 'resource_type'])
      .where('request_id', '=', ownResponse.headers['x-request-id'] as string)
      .execute();
    t.same(audited, [{ action: 'create', resource_type: 'client' }], 'the import is in the audit trail');
  });
});

t.test('POST /v1/bulk/assessments', async (t) => {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId)).id;
  const stranger = (await makeStaff(testApp, (await makeOrganization(testApp)).id)).id;
  const home: FormItem[] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  await send(testApp, 'clients', organizationId, ndjson([clientLine('C-1'), clientLine('C-2'), clientLine('C-3', { status: 'deceased' })]));
  const line = (clientExternalId: string, points: number, fields: Record<string, unknown> = {}) => ({
    clientExternalId,
    instrumentId: 'bfd-home-2019',
    assessedOn: '2026-03-10',
    answers: answersScoring(home, points),
    conductedBy: [staffId],
    ...fields,
  });
  const file = [
    line('C-1', 3),
    line('C-1', 12, { assessedOn: '2026-09-01' }),
    line('C-2', 16),
    line('C-2', 5, { status: 'draft', assessedOn: '2026-10-01' }),
  ];
  const client = async (externalId: string) => {
    const items = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?organizationId=${organizationId}&limit=200` })).json()
      .items;
    return items.find((item: { externalId: string }) => item.externalId === externalId);
  };

  t.test('creates scored assessments and moves each client’s latest', async (t) => {
    const response = await send(testApp, 'assessments', organizationId, ndjson(file));
    t.equal(response.statusCode, 200);
    t.same(outcomes(response), ['created', 'created', 'created', 'created']);
    const ids = response.json().results.map((result: { id: string }) => result.id);
    const second = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments/${ids[1]}` })).json();
    const single = await testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${second.clientId}/assessments`,
      payload: { ...line('C-1', 12, { assessedOn: '2026-09-02' }), clientExternalId: undefined },
    });
    t.same(second.result, single.json().result, 'scored exactly as one sent alone');
    t.same([second.interviewNo, single.json().interviewNo], [2, 3], 'interview numbers follow on');
    t.equal((await client('C-1')).latestAssessment.id, single.json().id);
    t.equal((await client('C-2')).latestAssessment.id, ids[2], 'a draft does not become the latest');
  });

  t.test('the same file again changes nothing', async (t) => {
    const count = (await testApp.database.db.selectFrom('assessments').select('id').execute()).length;
    const response = await send(testApp, 'assessments', organizationId, ndjson(file));
    t.same(outcomes(response), ['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    t.equal((await testApp.database.db.selectFrom('assessments').select('id').execute()).length, count);
  });

  t.test('a changed final assessment is corrected, a changed draft edited and finalized', async (t) => {
    const before = await send(testApp, 'assessments', organizationId, ndjson(file));
    const [finalId, , , draftId] = before.json().results.map((result: { id: string }) => result.id);
    const response = await send(
      testApp,
      'assessments',
      organizationId,
      ndjson([line('C-1', 4), file[3] && { ...file[3], status: 'final' }]),
    );
    t.same(outcomes(response), ['updated', 'updated']);
    const [correctionId, finalizedId] = response.json().results.map((result: { id: string }) => result.id);
    const correction = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments/${correctionId}` })).json();
    t.equal(correction.supersedes, finalId);
    t.equal(correction.reason, IMPORT_CORRECTION_REASON);
    t.equal(correction.result.score, 4);
    t.equal(finalizedId, draftId);
    t.equal((await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments/${draftId}` })).json().status, 'final');
    t.equal((await client('C-2')).latestAssessment.id, draftId, 'the finalized draft is the latest now');
  });

  t.test('each bad line is reported with its field', async (t) => {
    const answers = answersScoring(home, 5);
    const response = await send(
      testApp,
      'assessments',
      organizationId,
      ndjson([
        line('NOPE', 5),
        line('C-3', 5),
        line('C-2', 5, { instrumentId: 'bfd-inpatient-2019', assessedOn: '2026-01-01' }),
        line('C-2', 5, { assessedOn: '2026-01-02', answers: { ...answers, '8': '9.1' } }),
        line('C-2', 5, { assessedOn: '2026-01-03', conductedBy: [stranger] }),
        line('C-2', 5, { assessedOn: '2026-01-04', nextCheckOn: '2026-01-01' }),
        line('C-2', 5, { assessedOn: '2026-01-05' }),
        line('C-2', 5, { assessedOn: '2026-01-05' }),
      ]),
    );
    const results = response.json().results;
    t.same(outcomes(response), ['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'created', 'failed']);
    const pointersOf = (index: number) => results[index].problem.errors.map((error: { pointer: string }) => error.pointer);
    t.same(pointersOf(0), ['/clientExternalId']);
    t.same(pointersOf(1), ['/clientExternalId'], 'a deceased client takes no assessment');
    t.same(pointersOf(2), ['/instrumentId']);
    t.same(pointersOf(3), ['/answers/8']);
    t.same(pointersOf(4), ['/conductedBy/0']);
    t.same(pointersOf(5), ['/nextCheckOn']);
    t.match(results[7].problem, {
      status: 422,
      errors: [{ pointer: '/assessedOn', message: 'repeats line 7 (same client, instrument and date)' }],
    });
  });

  t.test('atomic=true rolls every line back', async (t) => {
    const count = (await testApp.database.db.selectFrom('assessments').select('id').execute()).length;
    const response = await send(
      testApp,
      'assessments',
      organizationId,
      ndjson([line('C-1', 6, { assessedOn: '2026-02-01' }), line('NOPE', 5)]),
      { atomic: true },
    );
    t.equal(response.statusCode, 422);
    t.equal((await testApp.database.db.selectFrom('assessments').select('id').execute()).length, count);
  });
});

t.test('NDJSON lines pass the JSON body guard', async (t) => {
  // A line over 1 MiB makes a body above BULK_ASYNC_ABOVE_BYTES' default: imported synchronously here.
  const testApp = await buildTestApp(t, { BULK_ASYNC_ABOVE_BYTES: String(4 * 1024 * 1024) });
  const organizationId = (await makeOrganization(testApp)).id;

  t.test('a client line with U+0000 or half a surrogate pair fails alone, with a 400 naming the field', async (t) => {
    const response = await send(
      testApp,
      'clients',
      organizationId,
      ndjson([clientLine('G-1'), clientLine('G-2', { lastName: 'Нуль\u0000' }), clientLine('G-3', { notes: 'половина \ud800' })]),
    );
    t.equal(response.statusCode, 200, 'the other lines of a non-atomic file land');
    const body = response.json();
    t.same(body.totals, { lines: 3, created: 1, updated: 0, unchanged: 0, failed: 2 });
    const message = 'has a lone surrogate or U+0000, which is not text';
    t.match(body.results[1], {
      line: 2,
      outcome: 'failed',
      problem: { status: 400, errors: [{ in: 'line', pointer: '/lastName', message }] },
    });
    t.match(body.results[2], { line: 3, outcome: 'failed', problem: { status: 400, errors: [{ pointer: '/notes', message }] } });
    t.notMatch(response.body, /PostgreSQL|invalid byte sequence|22P05|22021/);
    const stored = await testApp.database.db
      .selectFrom('clients')
      .select('external_id')
      .where('organization_id', '=', organizationId)
      .execute();
    t.same(stored, [{ external_id: 'G-1' }], 'nothing stored as U+FFFD');
  });

  t.test('an assessment line with U+0000 in its notes fails alone with a 400, not a 500', async (t) => {
    const staffId = (await makeStaff(testApp, organizationId)).id;
    const home: FormItem[] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
    const line = (assessedOn: string, notes: string) => ({
      clientExternalId: 'G-1',
      instrumentId: 'bfd-home-2019',
      assessedOn,
      answers: answersScoring(home, 5),
      conductedBy: [staffId],
      notes,
    });
    const response = await send(
      testApp,
      'assessments',
      organizationId,
      ndjson([line('2026-03-01', 'a\u0000b'), line('2026-03-02', 'fine')]),
    );
    t.equal(response.statusCode, 200);
    t.same(outcomes(response), ['failed', 'created']);
    t.match(response.json().results[0].problem, { status: 400, errors: [{ pointer: '/notes' }] });
  });

  t.test('a line longer than 1 MiB fails alone, without being kept', async (t) => {
    const long = JSON.stringify(clientLine('G-4', { notes: 'я'.repeat(600_000) }));
    const response = await send(testApp, 'clients', organizationId, `${long}\n${JSON.stringify(clientLine('G-5'))}\n`);
    t.same(outcomes(response), ['failed', 'created']);
    t.match(response.json().results[0].problem, { status: 400, errors: [{ pointer: '', message: 'is longer than 1048576 bytes' }] });
  });
});

t.test('a file of bad lines costs an answer of a thousand failures, whatever its length', async (t) => {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  const lines: unknown[] = Array.from({ length: 100_000 }, () => '{}');
  lines[49_999] = clientLine('B-1');
  lines[50_000] = '{"broken": ';

  t.test('the first 1000 failed lines are listed, the others counted; written lines all listed in file order', async (t) => {
    const response = await send(testApp, 'clients', organizationId, ndjson(lines));
    t.equal(response.statusCode, 200);
    t.ok(response.body.length < 1_000_000, `the answer is ${response.body.length} bytes, not tens of megabytes`);
    const body = response.json();
    t.same(body.totals, { lines: 100_000, created: 1, updated: 0, unchanged: 0, failed: 99_999 });
    t.equal(body.failuresOmitted, 98_999);
    t.equal(body.results.length, 1001);
    t.same(
      body.results.slice(0, 3).map((result: { line: number }) => result.line),
      [1, 2, 3],
    );
    t.match(body.results[999], { line: 1000, outcome: 'failed', problem: { status: 400, errors: [{ pointer: '/externalId' }] } });
    t.match(body.results[1000], { line: 50_000, outcome: 'created', id: String });
  });

  t.test('atomic=true lists the first 1000 failures too', async (t) => {
    const response = await send(testApp, 'clients', organizationId, ndjson(lines), { atomic: true });
    t.equal(response.statusCode, 422);
    const problem = response.json();
    t.equal(problem.failures.length, 1000);
    t.equal(problem.failuresOmitted, 98_999);
    t.same(problem.totals, { lines: 100_000, created: 0, updated: 0, unchanged: 1, failed: 99_999 });
  });
});
