/*
 * The commission's decision beside the computed group (issue 17): kept next to the score's group,
 * never replacing it; the hours follow the decided group's row of the tables, and the client's
 * figures, dynamics, the reassessment list and the regional report use the decided group.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { sql } from 'kysely';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { addMonths, today } from '../../src/calendar/dates.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';
import { behindLock } from '../helpers/locks.js';

interface World {
  testApp: TestApp;
  organizationId: string;
  /** Three staff members of the organization: a commission takes two of them. */
  staff: [string, string, string];
  forms: Record<string, FormItem[]>;
}

async function world(t: Parameters<typeof buildTestApp>[0], options: { poolSize?: number } = {}): Promise<World> {
  const testApp = await buildTestApp(t, {}, options);
  const organizationId = (await makeOrganization(testApp, { name: 'А центр' })).id;
  const staff: [string, string, string] = [
    (await makeStaff(testApp, organizationId)).id,
    (await makeStaff(testApp, organizationId)).id,
    (await makeStaff(testApp, organizationId)).id,
  ];
  const forms: Record<string, FormItem[]> = {};
  for (const id of ['bfd-home-2019', 'bfd-inpatient-2019']) {
    forms[id] = (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/instruments/${id}` })).json().items;
  }
  return { testApp, organizationId, staff, forms };
}

async function assess(w: World, clientId: string, assessedOn: string, points: number, fields: Record<string, unknown> = {}) {
  const instrumentId = (fields.instrumentId as string | undefined) ?? 'bfd-home-2019';
  const response = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/assessments`,
    payload: { instrumentId, assessedOn, answers: answersScoring(w.forms[instrumentId]!, points), conductedBy: [w.staff[0]], ...fields },
  });
  if (response.statusCode !== 201) throw new Error(`assess: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string; result: { group: number } }>();
}

function decisionBody(w: World, fields: Record<string, unknown> = {}) {
  return {
    decidedGroup: 5,
    reason: 'Деменция: нуждается в постоянном присмотре, чего бланк не отражает',
    decidedBy: [w.staff[0], w.staff[1]],
    decidedOn: '2025-04-01',
    ...fields,
  };
}

const decide = (w: World, assessmentId: string, payload: Record<string, unknown>, key = ADMIN_KEY) =>
  w.testApp.call(key, { method: 'POST', url: `/v1/assessments/${assessmentId}/decision`, payload });

const get = (w: World, url: string, key = ADMIN_KEY) => w.testApp.call(key, { method: 'GET', url });

const pointers = (response: { json(): { errors?: Array<{ pointer: string }> } }) =>
  (response.json().errors ?? []).map((error) => error.pointer).sort();

t.test('a commission deciding group 5 for an assessment scored in group 4', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId, { livingSituation: 'lonely' })).id;
  await assess(w, client, '2025-01-10', 5); // group 3
  const assessment = await assess(w, client, '2025-03-01', 8); // group 4: 16 / 12 hours, 16 for a lonely client
  t.equal(assessment.result.group, 4);
  const before = await get(w, `/v1/assessments/${assessment.id}`);

  const response = await decide(w, assessment.id, decisionBody(w));
  t.equal(response.statusCode, 201, response.body);
  const decision = response.json();

  t.test('answers the decision with the decided group’s self-care reduction and hours', async (t) => {
    t.match(decision, {
      assessmentId: assessment.id,
      clientId: client,
      organizationId: w.organizationId,
      decidedGroup: 5,
      computedGroup: 4,
      selfCareReduction: 'very_severe',
      hours: { optimal: 20, minimal: 18, byLivingSituation: 20 },
      decidedBy: [w.staff[0], w.staff[1]],
      decidedOn: '2025-04-01',
      supersedes: null,
      supersededBy: null,
    });
  });

  t.test('the assessment keeps its computed result beside the decision, and the effective figures are the decision’s', async (t) => {
    const read = await get(w, `/v1/assessments/${assessment.id}`);
    const body = read.json();
    t.match(body.result, { group: 4, selfCareReduction: 'severe', hours: { optimal: 16, minimal: 12, byLivingSituation: 16 } });
    t.equal(body.decision.id, decision.id);
    t.same(body.effective, {
      group: 5,
      selfCareReduction: 'very_severe',
      hours: { optimal: 20, minimal: 18, byLivingSituation: 20 },
      decided: true,
    });
    t.not(read.headers.etag, before.headers.etag, 'the assessment’s version moved');
    t.same(
      before.json().effective,
      { group: 4, selfCareReduction: 'severe', hours: { optimal: 16, minimal: 12, byLivingSituation: 16 }, decided: false },
      'before the decision the figures were the computed ones',
    );
  });

  t.test('the client’s current figures are the decided group’s', async (t) => {
    const summary = (await get(w, `/v1/clients/${client}`)).json().latestAssessment;
    t.match(summary, { id: assessment.id, group: 5, computedGroup: 4, decisionId: decision.id, selfCareReduction: 'very_severe' });
    const inGroup5 = (await get(w, `/v1/clients?group=5&organizationId=${w.organizationId}`)).json().items;
    t.same(
      inGroup5.map((item: { id: string }) => item.id),
      [client],
      'the group filter reads the decided group',
    );
    const due = (await get(w, `/v1/reassessments?dueBefore=2100-01-01&organizationId=${w.organizationId}`)).json().items;
    t.equal(due.find((item: { clientId: string }) => item.clientId === client).group, 5, 'the reassessment list shows it');
  });

  t.test('dynamics compare the decided group: up two groups within six months is rapid deterioration', async (t) => {
    const dynamics = (await get(w, `/v1/clients/${client}/dynamics`)).json();
    const latest = dynamics.assessments.at(-1);
    t.match(latest, { assessmentId: assessment.id, group: 5, computedGroup: 4, decisionId: decision.id, groupChange: 2 });
    t.equal(dynamics.rapidDeterioration, true);
    t.match(dynamics.assessments[0], { group: 3, computedGroup: 3, decisionId: null });
  });

  t.test('the assessment enters the change feed as updated, and the decision is audited', async (t) => {
    const changes = (await get(w, '/v1/changes?limit=500')).json().items;
    const updated = await get(w, `/v1/assessments/${assessment.id}`);
    t.ok(
      changes.some(
        (change: { type: string; id: string; operation: string; version: number }) =>
          change.type === 'assessment' &&
          change.id === assessment.id &&
          change.operation === 'update' &&
          `"${change.version}"` === updated.headers.etag,
      ),
      'an update with the assessment’s new version',
    );
    const events = await w.testApp.database.db
      .selectFrom('audit_events')
      .select(['action', 'resource_id', 'client_id'])
      .where('resource_type', '=', 'assessment_decision')
      .execute();
    t.same(events, [{ action: 'create', resource_id: decision.id, client_id: client }]);
  });
});

t.test('an inpatient decision has no family-status hours', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId, { careForm: 'inpatient' })).id;
  const assessment = await assess(w, client, '2025-02-01', 6.5, { instrumentId: 'bfd-inpatient-2019' }); // group 4
  const response = await decide(w, assessment.id, decisionBody(w, { decidedGroup: 6 }));
  t.equal(response.statusCode, 201, response.body);
  t.same(response.json().hours, { optimal: 28, minimal: 25, byLivingSituation: null });
  t.match((await get(w, `/v1/clients/${client}`)).json().latestAssessment, { group: 6, computedGroup: 4 });
});

t.test('a later decision supersedes the current one, naming it, with a reason', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId, { livingSituation: 'lives_alone' })).id;
  const assessment = await assess(w, client, '2025-03-01', 8);
  const first = (await decide(w, assessment.id, decisionBody(w))).json();

  await t.test('without supersedes it is a 409 naming the current decision', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { decidedGroup: 3 }));
    t.equal(response.statusCode, 409);
    t.match(response.json(), { type: '/problems/decision-exists' });
    t.match(response.json().detail, first.id);
  });

  await t.test('naming no decision of the assessment is a 422 naming /supersedes', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { supersedes: randomUUID() }));
    t.equal(response.statusCode, 422);
    t.equal(response.json().type, '/problems/decision-rule-violated');
    t.same(pointers(response), ['/supersedes']);
  });

  await t.test('a day before the decision it supersedes names /decidedOn', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { supersedes: first.id, decidedOn: '2025-03-20' }));
    t.equal(response.statusCode, 422);
    t.same(pointers(response), ['/decidedOn']);
  });

  const later = await decide(
    w,
    assessment.id,
    decisionBody(w, {
      decidedGroup: 3,
      decidedBy: [w.staff[1], w.staff[2]],
      decidedOn: '2025-05-01',
      supersedes: first.id,
      reason: 'Повторная комиссия: присмотр не нужен, диагноз снят',
    }),
  );
  t.equal(later.statusCode, 201, later.body);
  const second = later.json();

  t.test('the history keeps both, the earlier one marked', async (t) => {
    t.match(second, { supersedes: first.id, supersededBy: null, decidedGroup: 3, hours: { optimal: 8, minimal: 6, byLivingSituation: 6 } });
    const history = (await get(w, `/v1/assessments/${assessment.id}/decisions`)).json().items;
    t.same(
      history.map((item: { id: string; supersededBy: string | null }) => [item.id, item.supersededBy]),
      [
        [first.id, second.id],
        [second.id, null],
      ],
    );
    t.equal((await get(w, `/v1/assessments/${assessment.id}`)).json().decision.id, second.id, 'the assessment shows the current one');
    t.match((await get(w, `/v1/clients/${client}`)).json().latestAssessment, { group: 3, computedGroup: 4, decisionId: second.id });
  });

  t.test('superseding the earlier one again is a 409: it is no longer current', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { supersedes: first.id, decidedOn: '2025-06-01' }));
    t.equal(response.statusCode, 409);
    t.equal(response.json().type, '/problems/decision-not-current');
  });

  t.test('the supersede is audited as such', async (t) => {
    const events = await w.testApp.database.db
      .selectFrom('audit_events')
      .select(['action', 'resource_id'])
      .where('resource_type', '=', 'assessment_decision')
      .orderBy('id')
      .execute();
    t.same(
      events.map((event) => event.action),
      ['create', 'supersede'],
    );
    t.equal(events[1]!.resource_id, second.id);
  });
});

t.test('POST /v1/assessments/:id/decision refuses a commission it cannot record, naming the field', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const assessment = await assess(w, client, '2025-03-01', 8);
  const other = await makeOrganization(w.testApp);
  const stranger = (await makeStaff(w.testApp, other.id)).id;

  t.test('one member is a 400 naming /decidedBy', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { decidedBy: [w.staff[0]] }));
    t.equal(response.statusCode, 400);
    t.same(pointers(response), ['/decidedBy']);
  });

  t.test('the same member twice is a 400 naming /decidedBy', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { decidedBy: [w.staff[0], w.staff[0]] }));
    t.equal(response.statusCode, 400);
    t.same(pointers(response), ['/decidedBy']);
  });

  t.test('an unknown staff member and one of another organization, each by its index', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { decidedBy: [stranger, w.staff[0], randomUUID()] }));
    t.equal(response.statusCode, 422);
    t.equal(response.json().type, '/problems/decision-rule-violated');
    t.same(pointers(response), ['/decidedBy/0', '/decidedBy/2']);
  });

  t.test('a day before the assessment, or after today', async (t) => {
    const early = await decide(w, assessment.id, decisionBody(w, { decidedOn: '2025-02-28' }));
    t.equal(early.statusCode, 422);
    t.same(pointers(early), ['/decidedOn']);
    const future = await decide(w, assessment.id, decisionBody(w, { decidedOn: addMonths(today(), 1) }));
    t.equal(future.statusCode, 422);
    t.same(pointers(future), ['/decidedOn']);
  });

  t.test('every broken rule at once', async (t) => {
    const response = await decide(w, assessment.id, decisionBody(w, { decidedBy: [w.staff[0], stranger], decidedOn: '2025-01-01' }));
    t.same(pointers(response), ['/decidedBy/1', '/decidedOn']);
  });

  t.test('a group outside 1-6 and a missing reason are 400s', async (t) => {
    const { reason: _reason, ...noReason } = decisionBody(w);
    t.same(pointers(await decide(w, assessment.id, noReason)), ['/reason']);
    t.same(pointers(await decide(w, assessment.id, decisionBody(w, { decidedGroup: 7 }))), ['/decidedGroup']);
  });

  t.test('a draft is refused with 409 decision-on-draft', async (t) => {
    const draft = await assess(w, client, '2025-06-01', 8, { status: 'draft' });
    const response = await decide(w, draft.id, decisionBody(w, { decidedOn: '2025-06-02' }));
    t.equal(response.statusCode, 409);
    t.equal(response.json().type, '/problems/decision-on-draft');
  });

  t.test('another organization’s provider does not see the assessment', async (t) => {
    const key = (await makeKey(w.testApp, 'provider', other.id)).secret;
    t.equal((await decide(w, assessment.id, decisionBody(w), key)).statusCode, 404);
  });

  t.test('nothing was recorded by the refusals', async (t) => {
    t.same((await get(w, `/v1/assessments/${assessment.id}/decisions`)).json().items, []);
    t.equal((await get(w, `/v1/assessments/${assessment.id}`)).json().decision, null);
  });
});

t.test('a correction of a decided assessment: the decision stays on the original, the client’s figures are the correction’s', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const original = await assess(w, client, '2025-03-01', 8);
  const decision = (await decide(w, original.id, decisionBody(w))).json();
  const correction = await assess(w, client, '2025-03-01', 5, { supersedes: original.id, reason: 'ошибка в п. 2' }); // group 3

  t.match((await get(w, `/v1/clients/${client}`)).json().latestAssessment, { id: correction.id, group: 3, decisionId: null });
  t.equal((await get(w, `/v1/assessments/${original.id}`)).json().decision.id, decision.id, 'the original keeps its decision');
  const response = await decide(w, original.id, decisionBody(w, { supersedes: decision.id, decidedOn: '2025-04-02' }));
  t.equal(response.statusCode, 409);
  t.equal(response.json().type, '/problems/decision-on-superseded-assessment');
});

t.test('the regional report counts the decided groups and hours, and the overrides', async (t) => {
  const w = await world(t);
  const { call } = w.testApp;
  const b = (await makeOrganization(w.testApp, { name: 'Б центр' })).id;
  const staffB = [(await makeStaff(w.testApp, b)).id, (await makeStaff(w.testApp, b)).id];

  // A: group 4 (16 / 12, lonely 16) decided 5 (20 / 18, lonely 20) on 1 April, then 6 (28 / 25 / 28) on 1 June.
  const raised = (await makeClient(w.testApp, w.organizationId, { livingSituation: 'lonely' })).id;
  const raisedAssessment = await assess(w, raised, '2025-03-01', 8);
  const toFive = (await decide(w, raisedAssessment.id, decisionBody(w))).json();
  const toSix = await decide(
    w,
    raisedAssessment.id,
    decisionBody(w, { decidedGroup: 6, decidedOn: '2025-06-01', supersedes: toFive.id, reason: 'Состояние ухудшилось' }),
  );
  t.equal(toSix.statusCode, 201, toSix.body);
  // A: group 3 (8 / 6, lives_alone 6) confirmed by the commission: a decision, but no override.
  const confirmed = (await makeClient(w.testApp, w.organizationId, { livingSituation: 'lives_alone' })).id;
  const confirmedAssessment = await assess(w, confirmed, '2025-03-01', 5);
  t.equal((await decide(w, confirmedAssessment.id, decisionBody(w, { decidedGroup: 3 }))).statusCode, 201);
  // B: group 4 lowered to 2 (4 / 3, lives_with_family 0).
  const lowered = (await makeClient(w.testApp, b, { livingSituation: 'lives_with_family' })).id;
  const loweredAssessment = await assess(w, lowered, '2025-03-01', 8, { conductedBy: [staffB[0]] });
  t.equal((await decide(w, loweredAssessment.id, decisionBody(w, { decidedGroup: 2, decidedBy: staffB }))).statusCode, 201);

  const report = async (query: string) => (await call(ADMIN_KEY, { method: 'GET', url: `/v1/reports/long-term-care?${query}` })).json();
  const figures = (organization: { groups: unknown; hours: unknown; overrides: number }) => ({
    groups: organization.groups,
    hours: organization.hours,
    overrides: organization.overrides,
  });

  t.test('before the commissions sat, the computed groups', async (t) => {
    const { organizations, total } = await report('asOf=2025-03-15');
    t.same(figures(organizations[0]), {
      groups: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 0, 6: 0 },
      hours: { optimal: 24, minimal: 18, byLivingSituation: 22 },
      overrides: 0,
    });
    t.equal(total.overrides, 0);
  });

  t.test('in May, the decisions in force then: group 5 for one, the confirmation, group 2 in B', async (t) => {
    const { organizations, total } = await report('asOf=2025-05-01');
    t.same(figures(organizations[0]), {
      groups: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1, 6: 0 },
      hours: { optimal: 28, minimal: 24, byLivingSituation: 26 },
      overrides: 1,
    });
    t.same(figures(organizations[1]), {
      groups: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0 },
      hours: { optimal: 4, minimal: 3, byLivingSituation: 0 },
      overrides: 1,
    });
    t.equal(total.overrides, 2);
    t.same(total.hours, { optimal: 32, minimal: 27, byLivingSituation: 26 });
  });

  t.test('today, from the client rows: the later decision, group 6', async (t) => {
    const { organizations, total } = await report('');
    t.same(figures(organizations[0]), {
      groups: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 1 },
      hours: { optimal: 36, minimal: 31, byLivingSituation: 34 },
      overrides: 1,
    });
    t.equal(total.overrides, 2);
    t.same(total.groups, { 1: 0, 2: 1, 3: 1, 4: 0, 5: 0, 6: 1 });
  });

  t.test('the CSV has an overrides column', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'GET',
      url: '/v1/reports/long-term-care?asOf=2025-05-01',
      headers: { accept: 'text/csv' },
    });
    const [header, first, second, totalLine] = response.body
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    const column = header!.indexOf('overrides');
    t.ok(column > 0, 'a column named overrides');
    t.same([first![column], second![column], totalLine![column]], ['1', '1', '2']);
  });
});

t.test('two commissions deciding at once: one decision lands, the other is 409 decision-exists', async (t) => {
  const w = await world(t, { poolSize: 16 });
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const assessment = await assess(w, client, '2025-03-01', 8);

  const responses = await behindLock(w.testApp.database.url, { sql: 'LOCK TABLE assessment_decisions IN ACCESS EXCLUSIVE MODE' }, 2, () =>
    Promise.all([
      decide(w, assessment.id, decisionBody(w, { decidedGroup: 5 })),
      decide(w, assessment.id, decisionBody(w, { decidedGroup: 3, decidedBy: [w.staff[1], w.staff[2]] })),
    ]),
  );
  t.same(responses.map((response) => response.statusCode).sort(), [201, 409]);
  const refused = responses.find((response) => response.statusCode === 409)!;
  const landed = responses.find((response) => response.statusCode === 201)!;
  t.equal(refused.json().type, '/problems/decision-exists');
  t.match(refused.json().detail, landed.json().id, 'naming the decision that landed');
  const rows = await w.testApp.database.db
    .selectFrom('assessment_decisions')
    .select('id')
    .where('assessment_id', '=', assessment.id)
    .execute();
  t.equal(rows.length, 1, 'one decision recorded');
  t.match((await get(w, `/v1/clients/${client}`)).json().latestAssessment, { group: landed.json().decidedGroup });

  t.test('the database itself keeps one current decision an assessment, and refuses to delete or change one', async (t) => {
    const { db } = w.testApp.database;
    const second = sql`
      INSERT INTO assessment_decisions (assessment_id, client_id, organization_id, decided_group, self_care_reduction,
        hours_optimal, hours_minimal, reason, decided_by, decided_on)
      VALUES (${assessment.id}, ${client}, ${w.organizationId}, 2, 'mild', 4, 3, 'в обход сервиса',
        ${[w.staff[0], w.staff[1]]}::uuid[], '2025-04-01')`;
    await t.rejects(second.execute(db), { code: '23505', constraint: 'assessment_decisions_one_current' });
    await t.rejects(sql`DELETE FROM assessment_decisions`.execute(db), /never deleted/);
    await t.rejects(sql`UPDATE assessment_decisions SET decided_group = 1`.execute(db), /does not change/);
  });
});

t.test('the bulk import keeps the decided figures: an identical line is unchanged, a differing one corrects the assessment', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId, { externalId: 'IVS-1' })).id;
  const answers = answersScoring(w.forms['bfd-home-2019']!, 8);
  const line = { clientExternalId: 'IVS-1', instrumentId: 'bfd-home-2019', assessedOn: '2025-03-01', answers, conductedBy: [w.staff[0]] };
  const importLines = (lines: unknown[]) =>
    w.testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/bulk/assessments?organizationId=${w.organizationId}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: lines.map((entry) => JSON.stringify(entry)).join('\n') + '\n',
    });
  const created = (await importLines([line])).json().results[0];
  t.equal(created.outcome, 'created');
  const decision = (await decide(w, created.id, decisionBody(w))).json();

  const again = (await importLines([line])).json().results[0];
  t.equal(again.outcome, 'unchanged');
  t.match((await get(w, `/v1/clients/${client}`)).json().latestAssessment, { group: 5, computedGroup: 4, decisionId: decision.id });

  const corrected = (await importLines([{ ...line, answers: answersScoring(w.forms['bfd-home-2019']!, 5) }])).json().results[0];
  t.equal(corrected.outcome, 'updated');
  t.match((await get(w, `/v1/clients/${client}`)).json().latestAssessment, { group: 3, computedGroup: 3, decisionId: null });
});
