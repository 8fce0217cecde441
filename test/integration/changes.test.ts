import t from 'tap';
import { sql } from 'kysely';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { makeClient, makeKey, makeOrganization, makeSnils, makeStaff } from '../helpers/factories.js';

t.test('GET /v1/changes', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const other = (await makeOrganization(testApp)).id;

  const read = async (since?: string, limit = 2, key = ADMIN_KEY) => {
    const response = await call(key, { method: 'GET', url: `/v1/changes?limit=${limit}${since ? `&since=${since}` : ''}` });
    t.equal(response.statusCode, 200);
    return response.json<{
      items: Array<{ type: string; id: string; operation: string; version: number }>;
      cursor: string;
      next: string | null;
    }>();
  };
  const drain = async (since?: string) => {
    const seen: Array<{ type: string; id: string; operation: string; version: number }> = [];
    let cursor = since;
    for (;;) {
      const page = await read(cursor);
      seen.push(...page.items);
      cursor = page.cursor;
      if (page.items.length === 0) return { seen, cursor };
    }
  };

  t.test('creations and updates in order, page by page', async (t) => {
    const first = await makeClient(testApp, organizationId);
    const url = `/v1/clients/${first.id}`;
    const etag = (await call(ADMIN_KEY, { method: 'GET', url })).headers.etag as string;
    await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': etag }, payload: { notes: 'изменение' } });
    const second = await makeClient(testApp, other);
    const { seen } = await drain();
    t.same(
      seen.map((change) => [change.id, change.operation, change.version]),
      [
        [first.id, 'create', 1],
        [first.id, 'update', 2],
        [second.id, 'create', 1],
      ],
    );
  });

  t.test('a transaction still running holds the feed back; nothing is missed or repeated', async (t) => {
    const start = (await drain()).cursor;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const slowId = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const slow = database.db.transaction().execute(async (trx) => {
      await sql`
        INSERT INTO clients (id, organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation, social_support)
        VALUES (${slowId}, ${organizationId}, 'Долгая', 'Вера', 'долгая вера', '1940-01-01', 'female', ${makeSnils()}, 'home', 'lonely', 1)
      `.execute(trx);
      inserted();
      await gate;
    });
    await insertedYet;
    const fast = await makeClient(testApp, organizationId);
    const during = await drain(start);
    t.notOk(
      during.seen.some((change) => change.id === fast.id),
      'a later commit waits behind the running transaction',
    );
    release();
    await slow;
    const after = await drain(during.cursor);
    const all = [...during.seen, ...after.seen].map((change) => change.id);
    t.same(all.sort(), [slowId, fast.id].sort(), 'both, once each');
  });

  t.test('an assessment enters the feed itself; its client, whose version it leaves alone, does not', async (t) => {
    const start = (await drain()).cursor;
    const client = await makeClient(testApp, organizationId);
    const staff = await makeStaff(testApp, organizationId);
    const items: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
    const created = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${client.id}/assessments`,
      payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-03-10', answers: answersScoring(items, 8), conductedBy: [staff.id] },
    });
    t.equal(created.statusCode, 201);
    const shown = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client.id}` })).json();
    t.equal(shown.latestAssessment.id, created.json().id, 'the client shows its new latest assessment');
    const { seen } = await drain(start);
    t.same(
      seen.map((change) => [change.type, change.id, change.operation, change.version]),
      [
        ['client', client.id, 'create', 1],
        ['assessment', created.json().id, 'create', 1],
      ],
    );
  });

  t.test('a provider sees its own organization only', async (t) => {
    const key = (await makeKey(testApp, 'provider', other)).secret;
    const page = await read(undefined, 100, key);
    t.ok(page.items.length > 0);
    const ids = new Set(page.items.map((change) => change.id));
    const theirs = await database.db.selectFrom('clients').select('id').where('organization_id', '=', other).execute();
    t.same([...ids].sort(), theirs.map((row) => row.id).sort());
  });

  t.test('a foreign cursor is a 400', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: '/v1/changes?since=nonsense' });
    t.equal(response.statusCode, 400);
  });

  t.test('a cursor out of range or not exactly as issued is a 400 naming /since, before any query', async (t) => {
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const since of [encode('99999999999999999999.1'), encode('1.9999999999999999'), encode('01.1'), `${encode('1.1')}!`]) {
      const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/changes?since=${encodeURIComponent(since)}` });
      t.equal(response.statusCode, 400, since);
      t.match(response.json(), { type: '/problems/invalid-request', errors: [{ in: 'querystring', pointer: '/since' }] }, since);
    }
    const highest = await call(ADMIN_KEY, { method: 'GET', url: `/v1/changes?since=${encode('18446744073709551615.1')}` });
    t.equal(highest.statusCode, 200, 'the highest transaction id is still a position');
  });
});
