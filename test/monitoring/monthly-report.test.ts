import t from 'tap';
import { sql } from 'kysely';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ActivityStatus, Component, Direction, Position, ReportStatus } from '../../src/enums.js';
import { INDICATOR_NAMES } from '../../src/monitoring/indicators.js';
import {
  ACTIVITY_STATUS_LABELS,
  COMPONENT_LABELS,
  DIRECTION_LABELS,
  INDICATOR_LABELS,
  POSITION_LABELS,
  QUESTIONNAIRE_LABELS,
  REPORT_STATUS_LABELS,
} from '../../src/monitoring/labels.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { catalogType, makeActivity, makeClient, makeDepartment, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('the monthly monitoring report on a hand-computed month', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const organizationId = (await makeOrganization(testApp, { name: 'Центр «Забота»' })).id;
  const staff = (await makeStaff(testApp, organizationId, { position: 'psychologist' })).id;
  const home: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const music = (await catalogType(testApp, 'music_therapy')).id;
  const labor = (await catalogType(testApp, 'labor_therapy')).id;
  const art = (await catalogType(testApp, 'art_therapy')).id;
  const k1 = (await makeClient(testApp, organizationId)).id;
  const k2 = (await makeClient(testApp, organizationId)).id;
  const k3 = (await makeClient(testApp, organizationId)).id;
  await makeClient(testApp, organizationId, { status: 'discharged' });
  // discharged in the middle of February, after taking part in a session
  const k5 = (await makeClient(testApp, organizationId)).id;
  const post = async (url: string, payload: object, expected = 201) => {
    const response = await call(ADMIN_KEY, { method: 'POST', url, payload });
    if (response.statusCode !== expected) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const assess = (client: string, assessedOn: string, points: number) =>
    post(`/v1/clients/${client}/assessments`, {
      instrumentId: 'bfd-home-2019',
      assessedOn,
      answers: answersScoring(home, points),
      conductedBy: [staff],
    });
  await assess(k1, '2025-01-15', 8);
  await assess(k2, '2025-02-10', 4);

  const session = (activityTypeId: string, startsAt: string) =>
    makeActivity(testApp, { organizationId, activityTypeId, startsAt, responsibleStaff: [staff] });
  const setStatus = async (id: string, payload: Record<string, unknown>) => {
    const etag = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/activities/${id}` })).headers.etag as string;
    await call(ADMIN_KEY, { method: 'PATCH', url: `/v1/activities/${id}`, headers: { 'if-match': etag }, payload });
  };
  const attend = (id: string, participants: Array<[string, string]>) =>
    call(ADMIN_KEY, {
      method: 'PUT',
      url: `/v1/activities/${id}/participants`,
      payload: { participants: participants.map(([clientId, attendance]) => ({ clientId, attendance })) },
    });
  const a1 = await session(music, '2025-02-04T10:00:00+03:00');
  const a2 = await session(labor, '2025-02-05T14:00:00+03:00');
  const a3 = await session(art, '2025-02-06T10:00:00+03:00');
  await session(art, '2025-02-20T10:00:00+03:00');
  const a5 = await session(music, '2025-03-03T10:00:00+03:00');
  await attend(a1.id, [
    [k1, 'attended'],
    [k2, 'absent'],
  ]);
  await attend(a2.id, [
    [k1, 'attended'],
    [k2, 'attended'],
    [k5, 'attended'],
  ]);
  const k5read = await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${k5}` });
  await call(ADMIN_KEY, {
    method: 'PATCH',
    url: `/v1/clients/${k5}`,
    headers: { 'if-match': k5read.headers.etag as string },
    payload: { status: 'discharged' },
  });
  await attend(a5.id, [[k3, 'attended']]);
  for (const id of [a1.id, a2.id, a5.id]) await setStatus(id, { status: 'held' });
  await setStatus(a3.id, { status: 'cancelled', cancelReason: 'Болезнь специалиста' });

  await post(`/v1/clients/${k1}/support-programs`, {
    periodFrom: '2025-01-01',
    periodTo: '2025-06-30',
    goals: { social: 'Общение' },
    activities: [
      { activityTypeId: music, timesPerWeek: 1 },
      { activityTypeId: labor, timesPerMonth: 2 },
    ],
    draftedBy: [staff],
    status: 'active',
  });

  const questionnaire = (client: string, filledOn: string, [physical, psychological, social, spiritual, process, results]: number[]) =>
    post(`/v1/clients/${client}/questionnaires`, {
      filledOn,
      ratings: { physical, psychological, social, spiritual },
      satisfaction: { process, results },
    });
  await questionnaire(k1, '2025-01-20', [2, 3, 4, 3, 4, 4]);
  await questionnaire(k1, '2025-02-20', [3, 4, 4, 3, 5, 4]);
  await questionnaire(k2, '2025-02-21', [5, 2, 4, 3, 4, 4]);

  const observe = (
    client: string,
    observedOn: string,
    [selfCareSkills, rangeOfInterests, communication, emotionalStability, depressiveEpisodes, aggressiveness]: number[],
  ) =>
    post(`/v1/clients/${client}/observations`, {
      observedOn,
      staffId: staff,
      method: 'observation',
      indicators: { selfCareSkills, rangeOfInterests, communication, emotionalStability, depressiveEpisodes, aggressiveness },
    });
  await observe(k1, '2025-01-10', [2, 2, 3, 2, 2, 1]);
  await observe(k1, '2025-02-10', [0, 0, 0, 0, 4, 4]);
  await observe(k1, '2025-02-25', [3, 2, 2, 3, 1, 1]);
  await observe(k2, '2025-02-26', [2, 2, 2, 2, 2, 2]);

  const created = await post('/v1/monitoring-reports', { organizationId, month: '2025-02' });
  const report = created.json();

  t.test('every figure', async (t) => {
    t.match(report, { organizationId, month: '2025-02', status: 'draft', approvedAt: null });
    const { content } = report;
    t.same(content.sessions, {
      planned: 1,
      held: 2,
      cancelled: 1,
      byDirection: [
        { direction: 'physical_health', planned: 0, held: 0, cancelled: 0 },
        { direction: 'cultural_leisure', planned: 1, held: 1, cancelled: 1 },
        { direction: 'informational_educational', planned: 0, held: 0, cancelled: 0 },
        { direction: 'labor_therapy', planned: 0, held: 1, cancelled: 0 },
        { direction: 'psychological', planned: 0, held: 0, cancelled: 0 },
        { direction: 'medical', planned: 0, held: 0, cancelled: 0 },
      ],
    });
    t.same(
      content.participation,
      { participants: 3, attended: 4, records: 5, attendanceRate: 80, activeShare: 75, passiveShare: 25 },
      'the client discharged mid-month still counts for what it attended',
    );
    t.same(content.supportPrograms, { running: 1, planned: 6, attended: 2, fulfilment: 33.3 });
    t.same(content.questionnaires, {
      count: 2,
      previousCount: 1,
      averages: { physical: 4, psychological: 3, social: 4, spiritual: 3, satisfactionProcess: 4.5, satisfactionResults: 4 },
      previous: { physical: 2, psychological: 3, social: 4, spiritual: 3, satisfactionProcess: 4, satisfactionResults: 4 },
      change: { physical: 2, psychological: 0, social: 0, spiritual: 0, satisfactionProcess: 0.5, satisfactionResults: 0 },
    });
    t.same(content.indicators.aggregate, [
      { indicator: 'selfCareSkills', improved: 1, held: 0, worsened: 0 },
      { indicator: 'rangeOfInterests', improved: 0, held: 1, worsened: 0 },
      { indicator: 'communication', improved: 0, held: 0, worsened: 1 },
      { indicator: 'emotionalStability', improved: 1, held: 0, worsened: 0 },
      { indicator: 'depressiveEpisodes', improved: 1, held: 0, worsened: 0 },
      { indicator: 'aggressiveness', improved: 0, held: 1, worsened: 0 },
    ]);
    const byClient = Object.fromEntries(
      content.indicators.clients.map((entry: { clientId: string; changes: unknown }) => [entry.clientId, entry.changes]),
    );
    t.same(byClient[k1], {
      selfCareSkills: 1,
      rangeOfInterests: 0,
      communication: -1,
      emotionalStability: 1,
      depressiveEpisodes: -1,
      aggressiveness: 0,
    });
    t.same(Object.values(byClient[k2] as object), [null, null, null, null, null, null], 'no earlier observation');
    t.same(content.clientsWithoutActivity, [k3], 'k3 attended only in March; discharged clients are not counted');
    t.same(content.groups, { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0, 6: 0, neverAssessed: 1 });
  });

  t.test('a month with no data', async (t) => {
    const empty = (await post('/v1/monitoring-reports', { organizationId, month: '2024-06' })).json().content;
    t.match(empty.sessions, { planned: 0, held: 0, cancelled: 0 });
    t.same(empty.participation, { participants: 0, attended: 0, records: 0, attendanceRate: null, activeShare: null, passiveShare: null });
    t.match(empty.questionnaires, { count: 0, averages: { physical: null }, change: { physical: null } });
  });

  t.test('as CSV with the Russian-locale separator', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'GET',
      url: `/v1/monitoring-reports/${report.id}?separator=;`,
      headers: { accept: 'text/csv' },
    });
    t.match(response.headers['content-type'], /^text\/csv/);
    t.ok(response.body.startsWith('\uFEFF'));
    const lines = response.body.slice(1).split('\r\n');
    t.ok(lines.includes('participation;attendanceRate;80'));
    t.ok(lines.includes('participation;activeShare;75'));
    t.ok(lines.includes('sessions_held;labor_therapy;1'));
  });

  t.test('as a printable page with charts and nothing external', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/monitoring-reports/${report.id}?format=html` });
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^text\/html/);
    t.match(response.body, /Центр «Забота»/);
    t.equal((response.body.match(/<svg /g) ?? []).length, 2, 'two charts');
    t.match(response.body, /Культурно-досуговое/);
    t.notMatch(response.body, /(src|href)=/, 'no external asset');
    t.match(response.headers['content-security-policy'], /^default-src 'none'/, 'nothing the page could load or run');
  });

  t.test('the printable page speaks Russian throughout: no machine name, the technology’s own words', async (t) => {
    const html = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/monitoring-reports/${report.id}?format=html` })).body;
    const page = html.replace(/<style>[\s\S]*?<\/style>/, '');
    const visible = page.replace(/<[^>]*>/g, ' ');
    t.same(visible.match(/[A-Za-z_]+/g), null, 'no Latin word a reader would see');
    const machineNames = [
      ...Object.keys(QUESTIONNAIRE_LABELS),
      ...INDICATOR_NAMES,
      ...Direction.values,
      ...ActivityStatus.values,
      ...ReportStatus.values,
      'improved',
      'worsened',
      'neverAssessed',
    ];
    for (const name of machineNames) t.notMatch(page, new RegExp(`\\b${name}\\b`), `${name} is not on the page`);
    for (const label of [...Object.values(QUESTIONNAIRE_LABELS), ...Object.values(INDICATOR_LABELS), ...Object.values(DIRECTION_LABELS)]) {
      t.ok(page.includes(label), `shows «${label}»`);
    }
    t.match(page, /февраль 2025 г\./, 'the month by its Russian name');
    t.match(page, /01\.02\.2025–28\.02\.2025/, 'the period in dd.mm.yyyy');
    t.match(
      page,
      /<td>Удовлетворённость процессом занятий<\/td><td>4,5<\/td><td>4<\/td><td>\+0,5<\/td>/,
      'decimal commas, a signed change',
    );
    t.match(page, />фев 2025</, 'the chart’s months in Russian');
    t.match(page, /черновик/);
  });

  t.test('every value of the enumerations the page shows has a Russian label', async (t) => {
    const cyrillic = /^[А-ЯЁа-яё]/;
    const labelled: Array<[string, readonly string[], Record<string, string>]> = [
      ['Direction', Direction.values, DIRECTION_LABELS],
      ['Component', Component.values, COMPONENT_LABELS],
      ['ActivityStatus', ActivityStatus.values, ACTIVITY_STATUS_LABELS],
      ['ReportStatus', ReportStatus.values, REPORT_STATUS_LABELS],
      ['Position', Position.values, POSITION_LABELS],
      ['Indicator', INDICATOR_NAMES, INDICATOR_LABELS],
      ['questionnaire figure', Object.keys(report.content.questionnaires.averages), QUESTIONNAIRE_LABELS],
    ];
    for (const [name, values, labels] of labelled) {
      for (const value of values) t.match(labels[value], cyrillic, `${name} ${value}`);
      t.same(Object.keys(labels).sort(), [...values].sort(), `${name}: no label for a value that is not there`);
    }
  });

  t.test('an approved report never changes', async (t) => {
    const url = `/v1/monitoring-reports/${report.id}`;
    const approved = await call(ADMIN_KEY, {
      method: 'POST',
      url: `${url}/approve`,
      headers: { 'if-match': created.headers.etag as string },
    });
    t.equal(approved.statusCode, 200);
    t.equal(approved.json().status, 'approved');
    t.same(approved.json().content, report.content, 'the snapshot is what was built');
    const again = await call(ADMIN_KEY, {
      method: 'POST',
      url: `${url}/approve`,
      headers: { 'if-match': approved.headers.etag as string },
    });
    t.equal(again.statusCode, 409);
    await t.rejects(
      sql`UPDATE monitoring_reports SET content = '{}'::jsonb WHERE id = ${report.id}`.execute(database.db),
      /approved and cannot change/,
    );
    await attend(a2.id, [[k3, 'attended']]);
    const read = (await call(ADMIN_KEY, { method: 'GET', url })).json();
    t.same(read.content, report.content, 'new data does not reach an approved report');
    const list = (
      await call(ADMIN_KEY, {
        method: 'GET',
        url: `/v1/monitoring-reports?organizationId=${organizationId}&fromMonth=2025-01&toMonth=2025-03`,
      })
    ).json();
    t.same(
      list.items.map((item: { id: string }) => item.id),
      [report.id],
    );
  });

  t.test('another organization’s provider sees none of it', async (t) => {
    const other = await makeOrganization(testApp);
    const key = (await makeKey(testApp, 'provider', other.id)).secret;
    t.equal((await call(key, { method: 'GET', url: `/v1/monitoring-reports/${report.id}` })).statusCode, 404);
    t.same((await call(key, { method: 'GET', url: '/v1/monitoring-reports' })).json().items, []);
    t.equal(
      (await call(key, { method: 'POST', url: '/v1/monitoring-reports', payload: { organizationId, month: '2025-02' } })).statusCode,
      403,
    );
    t.equal((await call(key, { method: 'GET', url: `/v1/clients/${k1}/observations` })).statusCode, 404);
  });

  t.test('the printable page shows the specialists’ short reports of its month, organization and department', async (t) => {
    const department = (await makeDepartment(testApp, organizationId)).id;
    const psychologist = (await makeStaff(testApp, organizationId, { fullName: 'Андреева Мария Петровна', position: 'psychologist' })).id;
    const instructor = (
      await makeStaff(testApp, organizationId, {
        fullName: 'Белова Ольга Ивановна',
        position: 'labor_instructor',
        departmentId: department,
      })
    ).id;
    const other = (await makeOrganization(testApp)).id;
    const otherStaff = (await makeStaff(testApp, other, { fullName: 'Волкова Анна Сергеевна', position: 'librarian' })).id;
    const specialistReport = (fields: Record<string, unknown>) => post('/v1/specialist-reports', { counts: { sessions: 7 }, ...fields });
    await specialistReport({
      organizationId,
      staffId: psychologist,
      month: '2025-02',
      text: 'Занятия «Сказкотерапия» & чаепития <по пятницам>\nНастроение группы улучшилось.',
    });
    await specialistReport({
      organizationId,
      departmentId: department,
      staffId: instructor,
      month: '2025-02',
      text: 'Мастерская по дереву: все участники освоили выжигание.',
      counts: { sessions: 12, clients: 5 },
    });
    await specialistReport({ organizationId, staffId: psychologist, month: '2025-01', text: 'Январский отчёт психолога.' });
    await specialistReport({ organizationId: other, staffId: otherStaff, month: '2025-02', text: 'Отчёт библиотекаря другого центра.' });
    const page = async (id: string) => {
      const html = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/monitoring-reports/${id}?format=html` })).body;
      return html.slice(html.indexOf('<h2>Краткие отчёты специалистов</h2>'), html.indexOf('<h2>Анкетирование'));
    };

    const organizationWide = await page(report.id);
    t.equal((organizationWide.match(/<article>/g) ?? []).length, 2, 'the organization’s two reports of February, a department’s too');
    t.match(organizationWide, /<h3>Андреева Мария Петровна<\/h3>\s*<p>Психолог; проведено занятий: 7<\/p>/);
    t.match(organizationWide, /<h3>Белова Ольга Ивановна<\/h3>\s*<p>Инструктор по труду; проведено занятий: 12<\/p>/);
    t.ok(
      organizationWide.includes('Занятия «Сказкотерапия» &amp; чаепития &lt;по пятницам&gt;\nНастроение группы улучшилось.'),
      'the text escaped, its line break kept',
    );
    t.notOk(organizationWide.includes('<по пятницам>'), 'no markup from a report’s text');
    t.notOk(organizationWide.includes('Январский'), 'not another month’s');
    t.notOk(organizationWide.includes('другого центра'), 'not another organization’s');
    const visible = organizationWide.replace(/<[^>]*>/g, ' ').replace(/&(amp|lt|gt|quot|#39);/g, ' ');
    t.same(visible.match(/[A-Za-z_]+/g), null, 'no Latin word: positions in Russian, the counts’ names not shown');

    const departmentReport = (await post('/v1/monitoring-reports', { organizationId, departmentId: department, month: '2025-02' })).json();
    const departmentPage = await page(departmentReport.id);
    t.equal((departmentPage.match(/<article>/g) ?? []).length, 1, 'a department’s page: that department’s reports only');
    t.match(departmentPage, /Белова Ольга Ивановна/);

    const march = (await post('/v1/monitoring-reports', { organizationId, month: '2025-03' })).json();
    t.match(await page(march.id), /<p>За месяц краткие отчёты специалистов не представлены\.<\/p>/, 'a month without any says so');
  });
});
