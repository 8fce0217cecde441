/*
 * The explanation through the API: next to the score and group, the group's range, the points to
 * the groups around it and the answers one option away from another group; a second opinion
 * suggested when one specialist signed such a result; clients listed by their current one.
 */
import t from 'tap';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { freshDay, makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

interface World {
  testApp: TestApp;
  organizationId: string;
  staff: [string, string];
  forms: Record<'home' | 'inpatient', FormItem[]>;
}

async function world(t: Parameters<typeof buildTestApp>[0]): Promise<World> {
  const testApp = await buildTestApp(t);
  const organizationId = (await makeOrganization(testApp)).id;
  const staff: [string, string] = [(await makeStaff(testApp, organizationId)).id, (await makeStaff(testApp, organizationId)).id];
  const form = async (id: string) => (await testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/instruments/${id}` })).json().items;
  return { testApp, organizationId, staff, forms: { home: await form('bfd-home-2019'), inpatient: await form('bfd-inpatient-2019') } };
}

/** 3 points on the home form, group 1, with item 8 at 8.3: 8.4 (+0.5) would make it 3.5, group 2. */
const AT_THE_TOP_OF_GROUP_1 = (w: World) => ({ ...answersScoring(w.forms.home, 0), '1': '1.5', '8': '8.3' });
/** 8.5 points, the middle of group 4 (6.25-10.75): no single option moves a score by more than 2 points. */
const MID_GROUP_4 = (w: World) => answersScoring(w.forms.home, 8.5);

async function assess(w: World, clientId: string, answers: Record<string, string>, fields: Record<string, unknown> = {}) {
  const response = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${clientId}/assessments`,
    payload: { instrumentId: 'bfd-home-2019', assessedOn: freshDay(), answers, conductedBy: [w.staff[0]], ...fields },
  });
  if (response.statusCode !== 201) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json();
}

t.test('an assessment answers the explanation of its group next to the score', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;

  t.test('a home client at 3 points, one option of item 8 away from group 2', async (t) => {
    const created = await assess(w, client, AT_THE_TOP_OF_GROUP_1(w));
    t.equal(created.result.score, 3);
    t.equal(created.result.group, 1);
    const { explanation } = created.result;
    t.same(explanation.groupRange, { minPoints: 0, maxPoints: 3 }, 'the range of group 1 in the order’s table');
    t.equal(explanation.pointsToGroupUp, 0.25, 'group 2 starts at 3.25');
    t.equal(explanation.pointsToGroupDown, null, 'there is no group below group 1');
    t.equal(explanation.nearBoundary, true);
    t.same(
      explanation.boundaryItems.filter((entry: { item: string }) => entry.item === '8'),
      [{ item: '8', option: '8.3', alternative: '8.4', pointsChange: 0.5, group: 2 }],
    );
    t.ok(
      explanation.boundaryItems.every((entry: { pointsChange: number; group: number }) => entry.pointsChange > 0 && entry.group === 2),
      'only answers with more points leave group 1',
    );
    const read = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments/${created.id}` })).json();
    t.same(read.result.explanation, explanation, 'a read answers what the write did');
  });

  t.test('a score in the middle of group 4 is not near a boundary', async (t) => {
    const created = await assess(w, client, MID_GROUP_4(w));
    t.same(created.result.explanation, {
      groupRange: { minPoints: 6.25, maxPoints: 10.75 },
      pointsToGroupUp: 2.5,
      pointsToGroupDown: 2.5,
      nearBoundary: false,
      boundaryItems: [],
    });
    t.equal(created.secondOpinionSuggested, false);
  });

  t.test('on the inpatient form no step up is offered past the 9 points it can score', async (t) => {
    const resident = (await makeClient(w.testApp, w.organizationId, { careForm: 'inpatient' })).id;
    const created = await assess(w, resident, answersScoring(w.forms.inpatient, 9), { instrumentId: 'bfd-inpatient-2019' });
    t.equal(created.result.group, 4);
    t.equal(created.result.explanation.pointsToGroupUp, null, 'group 5 starts at 11 points');
    t.equal(created.result.explanation.pointsToGroupDown, 3, 'group 3 ends at 6 points');
  });
});

t.test('a near-boundary assessment conducted by one specialist suggests a second opinion', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const alone = await assess(w, client, AT_THE_TOP_OF_GROUP_1(w));
  t.equal(alone.secondOpinionSuggested, true, 'one specialist signed a result one answer from group 2');
  const together = await assess(w, client, AT_THE_TOP_OF_GROUP_1(w), { conductedBy: w.staff });
  t.equal(together.result.explanation.nearBoundary, true);
  t.equal(together.secondOpinionSuggested, false, 'two specialists signed it, as the form provides');

  t.test('a draft gets its second specialist and the suggestion goes', async (t) => {
    const draft = await w.testApp.call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client}/assessments`,
      payload: {
        instrumentId: 'bfd-home-2019',
        assessedOn: freshDay(),
        answers: AT_THE_TOP_OF_GROUP_1(w),
        conductedBy: [w.staff[0]],
        status: 'draft',
      },
    });
    t.equal(draft.json().secondOpinionSuggested, true);
    const signed = await w.testApp.call(ADMIN_KEY, {
      method: 'PATCH',
      url: `/v1/assessments/${draft.json().id}`,
      headers: { 'if-match': draft.headers.etag as string },
      payload: { conductedBy: w.staff },
    });
    t.equal(signed.statusCode, 200);
    t.equal(signed.json().secondOpinionSuggested, false);
  });
});

t.test('GET /v1/clients?nearBoundary= lists clients by their current assessment', async (t) => {
  const w = await world(t);
  const make = async () => (await makeClient(w.testApp, w.organizationId)).id;
  const [near, far, neverAssessed, movedAway, draftOnly, corrected, finalized] = [
    await make(),
    await make(),
    await make(),
    await make(),
    await make(),
    await make(),
    await make(),
  ];
  await assess(w, near, MID_GROUP_4(w), { assessedOn: '2025-01-10' });
  await assess(w, near, AT_THE_TOP_OF_GROUP_1(w), { assessedOn: '2025-06-10' });
  await assess(w, far, MID_GROUP_4(w));
  await assess(w, movedAway, AT_THE_TOP_OF_GROUP_1(w), { assessedOn: '2025-01-10' });
  await assess(w, movedAway, MID_GROUP_4(w), { assessedOn: '2025-06-10' });
  await assess(w, draftOnly, AT_THE_TOP_OF_GROUP_1(w), { status: 'draft' });
  const wrong = await assess(w, corrected, AT_THE_TOP_OF_GROUP_1(w));
  await assess(w, corrected, MID_GROUP_4(w), { supersedes: wrong.id, reason: 'Item 2 was misread', assessedOn: wrong.assessedOn });
  // A draft changed to a near-boundary score, then finalized: the stored flag follows the edit.
  const draft = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${finalized}/assessments`,
    payload: { instrumentId: 'bfd-home-2019', assessedOn: freshDay(), answers: MID_GROUP_4(w), conductedBy: [w.staff[0]], status: 'draft' },
  });
  const edited = await w.testApp.call(ADMIN_KEY, {
    method: 'PATCH',
    url: `/v1/assessments/${draft.json().id}`,
    headers: { 'if-match': draft.headers.etag as string },
    payload: { answers: AT_THE_TOP_OF_GROUP_1(w) },
  });
  await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/assessments/${draft.json().id}/finalize`,
    headers: { 'if-match': edited.headers.etag as string },
  });

  const list = async (query: string, key = ADMIN_KEY) => {
    const response = await w.testApp.call(key, { method: 'GET', url: `/v1/clients?organizationId=${w.organizationId}&limit=200&${query}` });
    t.equal(response.statusCode, 200);
    return response
      .json()
      .items.map((item: { id: string }) => item.id)
      .sort();
  };

  t.same(await list('nearBoundary=true'), [near, finalized].sort(), 'the clients whose current assessment is near a boundary');
  t.same(
    await list('nearBoundary=false'),
    [far, movedAway, corrected].sort(),
    'an earlier near-boundary assessment, a draft or a superseded one does not count; the never assessed are in neither list',
  );
  t.notOk((await list('nearBoundary=false')).includes(neverAssessed));
  t.notOk((await list('nearBoundary=true')).includes(draftOnly));

  t.test('the client shows it on its current summary', async (t) => {
    const read = async (id: string) => (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${id}` })).json();
    t.equal((await read(near)).latestAssessment.nearBoundary, true);
    t.equal((await read(movedAway)).latestAssessment.nearBoundary, false);
    t.equal((await read(neverAssessed)).latestAssessment, null);
  });

  t.test('with the other filters, and within a provider’s own organization', async (t) => {
    t.same(await list('nearBoundary=true&group=1'), [near, finalized].sort());
    t.same(await list('nearBoundary=true&group=4'), []);
    const provider = (await makeKey(w.testApp, 'provider', w.organizationId)).secret;
    t.same(await list('nearBoundary=true', provider), [near, finalized].sort());
    const stranger = (await makeKey(w.testApp, 'provider', (await makeOrganization(w.testApp)).id)).secret;
    const theirs = await w.testApp.call(stranger, { method: 'GET', url: '/v1/clients?nearBoundary=true' });
    t.same(theirs.json().items, [], 'another organization’s provider sees none of them');
  });

  t.test('a value other than true or false names the parameter', async (t) => {
    const response = await w.testApp.call(ADMIN_KEY, { method: 'GET', url: '/v1/clients?nearBoundary=maybe' });
    t.equal(response.statusCode, 400);
    t.match(JSON.stringify(response.json()), /nearBoundary/);
  });
});

t.test('concurrent assessments of one client leave the flag of the latest on the client', async (t) => {
  const w = await world(t);
  const client = (await makeClient(w.testApp, w.organizationId)).id;
  const days = ['2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01'];
  // The latest day is near a boundary; the others alternate, so a refresh that read a stale latest would show.
  const answersOn = (index: number) => (index % 2 === 1 ? AT_THE_TOP_OF_GROUP_1(w) : MID_GROUP_4(w));
  await Promise.all(days.map((assessedOn, index) => assess(w, client, answersOn(index), { assessedOn })));
  const read = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client}` })).json();
  t.equal(read.latestAssessment.assessedOn, '2025-07-01');
  t.equal(read.latestAssessment.nearBoundary, true);
});

t.test('the bulk import stores the flag as a single write does', async (t) => {
  const w = await world(t);
  const clients = [
    (await makeClient(w.testApp, w.organizationId, { externalId: 'NB-1' })).id,
    (await makeClient(w.testApp, w.organizationId, { externalId: 'NB-2' })).id,
  ];
  const line = (clientExternalId: string, answers: Record<string, string>) =>
    JSON.stringify({ clientExternalId, instrumentId: 'bfd-home-2019', assessedOn: '2025-09-01', answers, conductedBy: [w.staff[0]] });
  const response = await w.testApp.call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/bulk/assessments?organizationId=${w.organizationId}`,
    headers: { 'content-type': 'application/x-ndjson' },
    payload: `${line('NB-1', AT_THE_TOP_OF_GROUP_1(w))}\n${line('NB-2', MID_GROUP_4(w))}\n`,
  });
  t.equal(response.statusCode, 200);
  const stored = await w.testApp.database.db
    .selectFrom('assessments')
    .select(['client_id', 'near_boundary'])
    .where('client_id', 'in', clients)
    .execute();
  t.same(
    new Map(stored.map((row) => [row.client_id, row.near_boundary])),
    new Map([
      [clients[0], true],
      [clients[1], false],
    ]),
  );
  const listed = (
    await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?organizationId=${w.organizationId}&nearBoundary=true` })
  ).json();
  t.same(
    listed.items.map((item: { id: string }) => item.id),
    [clients[0]],
  );
  const [imported] = (await w.testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${clients[0]}/assessments` })).json().items;
  t.equal(imported.secondOpinionSuggested, true);
});
