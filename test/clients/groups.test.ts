/*
 * An organization's GET /v1/clients?group= reads client_groups, the narrow copy of each client's
 * group that triggers on clients keep (migrations/20261204T1000_client_groups.ts); a region-wide
 * one walks clients. These tests move clients
 * between groups through the API and through raw statements, and check both the pages and that
 * the copy equals clients after each.
 */
import t from 'tap';
import { sql } from 'kysely';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

/** Clients whose row in client_groups is missing, extra or says otherwise than clients does. */
async function disagreements({ database }: TestApp): Promise<unknown[]> {
  const { rows } = await sql`
    SELECT coalesce(c.id, g.client_id) AS client_id, c.current_group AS clients, g.current_group AS copy
    FROM (SELECT * FROM clients WHERE current_group IS NOT NULL) c
    FULL JOIN client_groups g ON g.client_id = c.id
      AND g.organization_id = c.organization_id AND g.created_at = c.created_at AND g.current_group = c.current_group
    WHERE c.id IS NULL OR g.client_id IS NULL
  `.execute(database.db);
  return rows;
}

t.test('a page by group follows each client’s group in effect', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organization = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const staff = (await makeStaff(testApp, organization.id)).id;
  const home: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  let day = 0;
  const assess = async (clientId: string, points: number, fields: Record<string, unknown> = {}) => {
    day += 1;
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: `/v1/clients/${clientId}/assessments`,
      payload: {
        instrumentId: 'bfd-home-2019',
        assessedOn: `2025-01-${String(day).padStart(2, '0')}`,
        answers: answersScoring(home, points),
        conductedBy: [staff],
        ...fields,
      },
    });
    t.equal(response.statusCode, 201, response.body);
    return response.json<{ id: string; result: { group: number } }>();
  };
  const clients: string[] = [];
  for (let n = 0; n < 4; n += 1) clients.push((await makeClient(testApp, organization.id)).id);
  const [first, second, third, fourth] = clients as [string, string, string, string];
  const low = (await assess(first, 2)).result.group;
  await assess(second, 2);
  await assess(third, 2);
  const high = (await assess(fourth, 8)).result.group;
  t.not(low, high, `two groups: ${low} and ${high}`);

  /** Every page of the list, one client a page, following the next links. */
  const pages = async (query: string, key = ADMIN_KEY) => {
    const ids: string[] = [];
    let url: string | null = `/v1/clients?${query}&limit=1`;
    while (url) {
      const response = await call(key, { method: 'GET', url });
      t.equal(response.statusCode, 200, response.body);
      const page = response.json<{ items: Array<{ id: string }>; next: string | null }>();
      ids.push(...page.items.map((item) => item.id));
      url = page.next;
    }
    return ids;
  };
  const inGroup = (group: number) => pages(`organizationId=${organization.id}&group=${group}`);

  t.same(await inGroup(low), [first, second, third], 'in creation order, a page at a time');
  t.same(await inGroup(high), [fourth]);
  t.same(await disagreements(testApp), []);

  t.test('a later assessment moves the client; one in the same group leaves it where it was', async (t) => {
    await assess(second, 8);
    await assess(third, 2);
    t.same(await inGroup(low), [first, third]);
    t.same(await inGroup(high), [second, fourth], 'still in creation order, not in order of the move');
    t.same(await disagreements(testApp), []);
  });

  t.test('a correction moves the client back', async (t) => {
    const current = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${second}/assessments` })).json().items.at(-1);
    await assess(second, 2, { supersedes: current.id, reason: 'Пункты перепутаны', assessedOn: current.assessedOn });
    t.same(await inGroup(low), [first, second, third]);
    t.same(await inGroup(high), [fourth]);
    t.same(await disagreements(testApp), []);
  });

  t.test('archived clients only with includeArchived; other organizations and keys see none of them', async (t) => {
    t.equal((await call(ADMIN_KEY, { method: 'POST', url: `/v1/clients/${third}/archive` })).statusCode, 200);
    t.same(await inGroup(low), [first, second]);
    t.same(await pages(`organizationId=${organization.id}&group=${low}&includeArchived=true`), [first, second, third]);
    t.same(await pages(`organizationId=${other.id}&group=${low}`), []);
    t.same(await pages(`group=${low}`), [first, second], 'across the region, where clients are walked instead');
    t.same(await pages(`group=${low}&includeArchived=true`), [first, second, third]);
    const theirs = await makeKey(testApp, 'provider', other.id);
    t.same(await pages(`group=${low}`, theirs.secret), [], 'a provider of another organization');
    const ours = await makeKey(testApp, 'provider', organization.id);
    t.same(await pages(`group=${low}`, ours.secret), [first, second], 'the organization’s own provider');
  });
});

t.test('client_groups follows every statement that writes clients, not only the service’s', async (t) => {
  const testApp = await buildTestApp(t);
  const { database } = testApp;
  const organization = await makeOrganization(testApp);
  const ids: string[] = [];
  for (let n = 0; n < 3; n += 1) ids.push((await makeClient(testApp, organization.id)).id);
  const [a, b, c] = ids as [string, string, string];
  const groupsOf = async () =>
    (await database.db.selectFrom('client_groups').select(['client_id', 'current_group']).where('client_id', 'in', ids).execute()).sort(
      (x, y) => ids.indexOf(x.client_id) - ids.indexOf(y.client_id),
    );

  await sql`UPDATE clients SET current_group = 3 WHERE id IN (${a}, ${b})`.execute(database.db);
  t.same(await groupsOf(), [
    { client_id: a, current_group: 3 },
    { client_id: b, current_group: 3 },
  ]);
  await sql`UPDATE clients SET current_group = CASE id WHEN ${a} THEN 5 WHEN ${b} THEN NULL ELSE 1 END WHERE id IN (${a}, ${b}, ${c})`.execute(
    database.db,
  );
  t.same(
    await groupsOf(),
    [
      { client_id: a, current_group: 5 },
      { client_id: c, current_group: 1 },
    ],
    'moved, left and entered in one statement',
  );
  await sql`UPDATE clients SET notes = 'без изменений группы' WHERE id IN (${a}, ${b}, ${c})`.execute(database.db);
  t.same((await groupsOf()).length, 2, 'an update that keeps the groups changes nothing');
  await sql`
    INSERT INTO clients (organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation,
      social_support, current_group)
    VALUES (${organization.id}, 'Петрова', 'Анна', 'петрова анна', '1940-01-01', 'female', '11223344595', 'home', 'lives_alone', 2, 6)
  `.execute(database.db);
  t.same(await disagreements(testApp), [], 'an inserted client with a group is copied too');
});
