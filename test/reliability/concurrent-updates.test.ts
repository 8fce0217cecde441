/*
 * Faults: concurrent updates of one record with the same If-Match. Exactly one wins, every other
 * one is a 412 problem, and nothing is lost: the stored record carries the winner's change, its
 * version went up by one, and one update is in the audit trail. (Organizations have their own
 * such test in test/organizations.)
 *
 * The race is made real, not left to scheduling: a side connection holds the record's row lock
 * while the ten updates start, so all ten read the same version, pass every check and wait at
 * their `UPDATE … WHERE version = $expected` together before the lock goes.
 */
import t from 'tap';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { behindLock } from '../helpers/locks.js';
import { makeClient, makeOrganization, makeStaff } from '../helpers/factories.js';

const CONTENDERS = 10;

/** Runs `start` while a side connection holds `table`'s row `id` FOR UPDATE, until `waiting` backends queue behind it. */
const behindRowLock = <T>(url: string, table: 'clients' | 'assessments', id: string, waiting: number, start: () => Promise<T>) =>
  behindLock(url, { sql: `SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, parameters: [id] }, waiting, start);

interface Race {
  /** The one answered 200: its index in the changes, its body and ETag. */
  winner: { index: number; body: unknown; etag: unknown };
  losers: Array<{ statusCode: number; contentType: unknown; body: unknown }>;
  statuses: number[];
}

async function race(
  { call, database }: TestApp,
  table: 'clients' | 'assessments',
  id: string,
  etag: string,
  changes: Array<Record<string, unknown>>,
): Promise<Race> {
  const url = `/v1/${table}/${id}`;
  const responses = await behindRowLock(database.url, table, id, changes.length, () =>
    Promise.all(changes.map((payload) => call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': etag }, payload }))),
  );
  const index = responses.findIndex((response) => response.statusCode === 200);
  return {
    winner: { index, body: responses[index]?.json(), etag: responses[index]?.headers.etag },
    losers: responses
      .filter((response) => response.statusCode !== 200)
      .map((response) => ({ statusCode: response.statusCode, contentType: response.headers['content-type'], body: response.json() })),
    statuses: responses.map((response) => response.statusCode).sort(),
  };
}

const preconditionFailed = {
  statusCode: 412,
  contentType: 'application/problem+json; charset=utf-8',
  body: { type: '/problems/stale-version', status: 412 },
};

t.test('ten concurrent updates of one client with the same ETag', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: CONTENDERS + 4 });
  const { call, database } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const client = await makeClient(testApp, organizationId);
  const url = `/v1/clients/${client.id}`;
  const before = await call(ADMIN_KEY, { method: 'GET', url });
  const etag = before.headers.etag as string;
  const version = Number(etag.replace(/"/g, ''));
  const changes = Array.from({ length: CONTENDERS }, (_, index) => ({
    address: `г. Иваново, ул. Лежневская, д. ${index + 1}`,
    notes: `изменение № ${index + 1}`,
  }));

  const { winner, losers, statuses } = await race(testApp, 'clients', client.id, etag, changes);

  t.same(statuses, [200, ...Array(CONTENDERS - 1).fill(412)], 'exactly one wins, the other nine are 412');
  t.match(losers, Array(CONTENDERS - 1).fill(preconditionFailed), 'each refusal is a precondition-failed problem');
  t.match(winner.body, changes[winner.index]!, 'the winner answers its own change');
  t.equal(winner.etag, `"${version + 1}"`, 'with the next version as its ETag');

  const after = await call(ADMIN_KEY, { method: 'GET', url });
  t.match(after.json(), changes[winner.index]!, 'the stored client has the winner’s change');
  t.equal(after.headers.etag, `"${version + 1}"`, 'and is one version on, not more');
  const row = await database.db
    .selectFrom('clients')
    .select(['version', 'address', 'notes'])
    .where('id', '=', client.id)
    .executeTakeFirstOrThrow();
  t.same(row, { version: version + 1, ...changes[winner.index]! }, 'in the database too');
  const updates = await database.db
    .selectFrom('audit_events')
    .select('resource_id')
    .where('resource_type', '=', 'client')
    .where('action', '=', 'update')
    .where('resource_id', '=', client.id)
    .execute();
  t.equal(updates.length, 1, 'one update in the audit trail: the refused ones left none');

  const loserChange = changes[(winner.index + 1) % CONTENDERS]!;
  const retried = await call(ADMIN_KEY, {
    method: 'PATCH',
    url,
    headers: { 'if-match': after.headers.etag as string },
    payload: loserChange,
  });
  t.equal(retried.statusCode, 200, 'a loser that reads again and retries gets its change in');
  t.match(retried.json(), loserChange);
  t.equal(retried.headers.etag, `"${version + 2}"`);
});

t.test('ten concurrent updates of one assessment draft with the same ETag', async (t) => {
  const testApp = await buildTestApp(t, {}, { poolSize: CONTENDERS + 4 });
  const { call, database } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const staffId = (await makeStaff(testApp, organizationId)).id;
  const client = await makeClient(testApp, organizationId);
  const home: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const draft = await call(ADMIN_KEY, {
    method: 'POST',
    url: `/v1/clients/${client.id}/assessments`,
    payload: {
      instrumentId: 'bfd-home-2019',
      assessedOn: '2026-02-01',
      answers: answersScoring(home, 3),
      conductedBy: [staffId],
      status: 'draft',
    },
  });
  t.equal(draft.statusCode, 201);
  const id = draft.json().id as string;
  const etag = draft.headers.etag as string;
  const version = Number(etag.replace(/"/g, ''));
  // Each contender rescores the draft differently: 4, 5, … 13 points.
  const changes = Array.from({ length: CONTENDERS }, (_, index) => ({
    answers: answersScoring(home, index + 4),
    notes: `повторный опрос № ${index + 1}`,
  }));

  const { winner, losers, statuses } = await race(testApp, 'assessments', id, etag, changes);

  t.same(statuses, [200, ...Array(CONTENDERS - 1).fill(412)], 'exactly one wins, the other nine are 412');
  t.match(losers, Array(CONTENDERS - 1).fill(preconditionFailed), 'each refusal is a precondition-failed problem');
  const winning = changes[winner.index]!;
  t.match(winner.body, { ...winning, status: 'draft', result: { score: winner.index + 4 } }, 'the winner answers its own change, rescored');
  t.equal(winner.etag, `"${version + 1}"`);

  const after = await call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments/${id}` });
  t.match(after.json(), { ...winning, result: { score: winner.index + 4 } }, 'the stored draft has the winner’s answers and its score');
  t.equal(after.headers.etag, `"${version + 1}"`, 'and is one version on, not more');
  const row = await database.db
    .selectFrom('assessments')
    .select(['version', 'notes', 'score_quarters'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  t.same(row, { version: version + 1, notes: winning.notes, score_quarters: (winner.index + 4) * 4 }, 'in the database too');
  const updates = await database.db
    .selectFrom('audit_events')
    .select('resource_id')
    .where('resource_type', '=', 'assessment')
    .where('action', '=', 'update')
    .where('resource_id', '=', id)
    .execute();
  t.equal(updates.length, 1, 'one update in the audit trail: the refused ones left none');
});
