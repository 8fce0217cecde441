import t from 'tap';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('GET /v1/reports/long-term-care on a hand-computed region', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  // Named so that the report's order (by name) is A, then B.
  const a = (await makeOrganization(testApp, { name: 'А центр' })).id;
  const b = (await makeOrganization(testApp, { name: 'Б центр' })).id;
  await makeOrganization(testApp, { kind: 'medical', name: 'В больница' });
  const staffA = (await makeStaff(testApp, a)).id;
  const staffB = (await makeStaff(testApp, b)).id;
  const forms: Record<string, FormItem[]> = {};
  for (const id of ['bfd-home-2019', 'bfd-inpatient-2019']) {
    forms[id] = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/instruments/${id}` })).json().items;
  }
  const assess = async (client: string, staff: string, instrumentId: string, assessedOn: string, points: number, extra = {}) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/assessments`,
      payload: { instrumentId, assessedOn, answers: answersScoring(forms[instrumentId]!, points), conductedBy: [staff], ...extra },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    return response.json().id as string;
  };

  const c1 = (await makeClient(testApp, a, { livingSituation: 'lonely' })).id;
  await assess(c1, staffA, 'bfd-home-2019', '2025-01-10', 4);
  await assess(c1, staffA, 'bfd-home-2019', '2025-06-10', 8); // group 4, next check 2025-12-10
  await assess(c1, staffA, 'bfd-home-2019', '2025-12-01', 2); // after 1 November: group 1 today only
  const c2 = (await makeClient(testApp, a, { livingSituation: 'lives_with_family' })).id;
  const wrong = await assess(c2, staffA, 'bfd-home-2019', '2025-03-01', 16, { nextCheckOn: '2025-09-01' });
  await assess(c2, staffA, 'bfd-home-2019', '2025-03-01', 13, { nextCheckOn: '2025-09-01', supersedes: wrong, reason: 'ошибка в п. 5' });
  await assess(c2, staffA, 'bfd-home-2019', '2025-04-01', 2, { status: 'draft' }); // drafts never count
  const c3 = (await makeClient(testApp, a, { careForm: 'inpatient' })).id;
  await assess(c3, staffA, 'bfd-inpatient-2019', '2025-02-01', 6.5); // group 4, next check 2025-08-01
  await makeClient(testApp, a); // never assessed
  const gone = (await makeClient(testApp, a)).id;
  await assess(gone, staffA, 'bfd-home-2019', '2025-02-01', 16);
  const read = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${gone}` });
  await call(ADMIN_KEY, {
    method: 'PATCH',
    url: `/v1/clients/${gone}`,
    headers: { 'if-match': read.headers.etag as string },
    payload: { status: 'discharged' },
  });
  const c6 = (await makeClient(testApp, b, { livingSituation: 'lives_alone' })).id;
  await assess(c6, staffB, 'bfd-home-2019', '2025-10-01', 3.25); // group 2, next check 2026-04-01

  const report = async (query: string, key = ADMIN_KEY) => call(key, { method: 'GET', url: `/v1/reports/long-term-care?${query}` });

  t.test('as of 1 November 2025', async (t) => {
    const response = await report('asOf=2025-11-01&hourlyRate=250');
    t.equal(response.statusCode, 200);
    t.same(response.json(), {
      asOf: '2025-11-01',
      weeklyHoursPerFte: 40,
      organizations: [
        {
          organizationId: a,
          name: 'А центр',
          activeClients: 4,
          groups: { 1: 0, 2: 0, 3: 0, 4: 2, 5: 1, 6: 0 },
          neverAssessed: 1,
          overdue: 2,
          hours: { optimal: 52, minimal: 42, byLivingSituation: 24 },
          fte: { optimal: 1.3, minimal: 1.05 },
          monthlyCost: { optimal: 56333.33, minimal: 45500 },
          overrides: 0,
          trainedCarers: 0,
          // no visits: the two assessed home clients fall below their minimum (the inpatient one takes none)
          deliveredHours: 0,
          clientsBelowMinimal: 2,
        },
        {
          organizationId: b,
          name: 'Б центр',
          activeClients: 1,
          groups: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0 },
          neverAssessed: 0,
          overdue: 0,
          hours: { optimal: 4, minimal: 3, byLivingSituation: 2 },
          fte: { optimal: 0.1, minimal: 0.08 },
          monthlyCost: { optimal: 4333.33, minimal: 3250 },
          overrides: 0,
          trainedCarers: 0,
          deliveredHours: 0,
          clientsBelowMinimal: 1,
        },
      ],
      total: {
        activeClients: 5,
        groups: { 1: 0, 2: 1, 3: 0, 4: 2, 5: 1, 6: 0 },
        neverAssessed: 1,
        overdue: 2,
        hours: { optimal: 56, minimal: 45, byLivingSituation: 26 },
        fte: { optimal: 1.4, minimal: 1.13 },
        monthlyCost: { optimal: 60666.67, minimal: 48750 },
        overrides: 0,
        trainedCarers: 0,
        deliveredHours: 0,
        clientsBelowMinimal: 3,
      },
    });
  });

  t.test('today, from the maintained latest assessments', async (t) => {
    const { organizations, total } = (await report('weeklyHoursPerFte=36')).json();
    t.same(organizations[0].groups, { 1: 1, 2: 0, 3: 0, 4: 1, 5: 1, 6: 0 });
    t.same(organizations[0].hours, { optimal: 36, minimal: 30, byLivingSituation: 8 });
    t.same(organizations[0].fte, { optimal: 1, minimal: 0.83 });
    t.equal(total.overdue, 4, 'every next check date has passed by now');
    t.equal(total.monthlyCost, null);
  });

  t.test('filters: care form and organization', async (t) => {
    const inpatient = (await report('asOf=2025-11-01&careForm=inpatient')).json();
    t.same(inpatient.total.hours, { optimal: 16, minimal: 12, byLivingSituation: 0 }, 'inpatient clients add no family-status hours');
    const onlyB = (await report(`asOf=2025-11-01&organizationId=${b}`)).json();
    t.same(
      onlyB.organizations.map((o: { organizationId: string }) => o.organizationId),
      [b],
    );
  });

  t.test('a provider gets its own organization only', async (t) => {
    const key = (await makeKey(testApp, 'provider', b)).secret;
    const own = (await report('asOf=2025-11-01', key)).json();
    t.same(
      own.organizations.map((o: { organizationId: string }) => o.organizationId),
      [b],
    );
    t.equal(own.total.activeClients, 1);
  });

  t.test('as CSV, with the Russian-locale separator', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'GET',
      url: '/v1/reports/long-term-care?asOf=2025-11-01&separator=;',
      headers: { accept: 'text/csv' },
    });
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^text\/csv/);
    const text = response.body;
    t.ok(text.startsWith('\uFEFF'), 'UTF-8 byte-order mark for Excel');
    const lines = text.slice(1).trimEnd().split('\r\n');
    t.equal(lines.length, 4, 'header, two organizations, total');
    t.equal(lines[0]!.split(';')[1], 'organization');
    t.same(lines[1]!.split(';').slice(1, 14), ['А центр', '4', '0', '0', '0', '2', '1', '0', '1', '2', '52', '42', '24']);
    t.match(lines[3], /^;Итого на 2025-11-01;5;/);
    t.match(lines[1], /;1,3;1,05;/, 'decimal commas');
  });

  t.test('an Accept that refuses CSV with q=0 answers JSON (issue 14.10)', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'GET',
      url: '/v1/reports/long-term-care?asOf=2025-11-01',
      headers: { accept: 'text/csv;q=0, application/json' },
    });
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/json/);
    t.equal(response.json().asOf, '2025-11-01');
  });
});

t.test('CSV keeps a name that looks like a formula a text', async (t) => {
  const testApp = await buildTestApp(t);
  const names = ['=HYPERLINK("http://example.com")', '+7 центр', '-центр', '@центр'];
  for (const name of names) await makeOrganization(testApp, { name });
  const response = await testApp.call(ADMIN_KEY, {
    method: 'GET',
    url: '/v1/reports/long-term-care?separator=;',
    headers: { accept: 'text/csv' },
  });
  t.equal(response.statusCode, 200);
  const cells = response.body
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .slice(1, -1)
    .map((line) => line.split(';')[1]);
  t.same(cells.sort(), ["'+7 центр", "'-центр", "'@центр", '"\'=HYPERLINK(""http://example.com"")"'].sort());
  t.notOk(
    response.body.split(/[;\r\n]/).some((value) => /^"?[=+\-@]/.test(value)),
    'no cell starts a formula',
  );
});
