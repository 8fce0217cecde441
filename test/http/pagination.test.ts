import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('cursor pagination', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organization = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const created: string[] = [];
  for (let i = 0; i < 7; i++) created.push((await makeStaff(testApp, organization.id, { position: 'nurse' })).id);
  await makeStaff(testApp, other.id, { position: 'nurse' });

  async function walk(url: string, between?: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let next: string | null = url;
    while (next) {
      const response = await call(ADMIN_KEY, { method: 'GET', url: next });
      t.equal(response.statusCode, 200, next);
      const page = response.json<{ items: Array<{ id: string }>; next: string | null }>();
      t.ok(page.items.length <= 3);
      seen.push(...page.items.map((item) => item.id));
      next = page.next;
      if (next) await between?.();
    }
    return seen;
  }

  t.test('following next visits every item once, in creation order, keeping the filters', async (t) => {
    const seen = await walk(`/v1/staff?organizationId=${organization.id}&limit=3`);
    t.same(seen, created);
    const first = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff?organizationId=${organization.id}&limit=3` })).json();
    t.match(first.next, new RegExp(`organizationId=${organization.id}`));
    t.match(first.next, /limit=3/);
  });

  t.test('rows inserted while paging neither repeat nor hide the rows already there', async (t) => {
    const added: string[] = [];
    const seen = await walk(`/v1/staff?organizationId=${organization.id}&limit=3`, async () => {
      added.push((await makeStaff(testApp, organization.id)).id);
    });
    t.equal(new Set(seen).size, seen.length, 'no duplicates');
    t.same(seen.slice(0, created.length), created, 'every original row, in order');
    t.same(seen.slice(created.length), added, 'rows added meanwhile come after, in order');
  });

  t.test('a cursor the service did not issue is a 400 naming /cursor', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?cursor=not-a-cursor' });
    t.equal(response.statusCode, 400);
    t.match(response.json().errors, [{ in: 'querystring', pointer: '/cursor' }]);
  });

  t.test('a cursor that is not exactly what the service issued is a 400 naming /cursor', async (t) => {
    const issued = Buffer.from(created[2]!, 'utf8').toString('base64url');
    const forms = {
      'trailing characters base64url has not': `${issued}!!`,
      padding: `${issued}==`,
      'a stray character inside': `${issued.slice(0, 12)}.${issued.slice(12)}`,
      'a bare id': created[2]!,
      'an id in capitals': Buffer.from(created[2]!.toUpperCase(), 'utf8').toString('base64url'),
      empty: '',
    };
    for (const [form, cursor] of Object.entries(forms)) {
      const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff?cursor=${encodeURIComponent(cursor)}` });
      t.equal(response.statusCode, 400, form);
      t.match(response.json().errors, [{ in: 'querystring', pointer: '/cursor' }], form);
    }
  });

  t.test('a well-formed cursor naming no row of the list answers an empty last page', async (t) => {
    for (const id of [organization.id, '00000000-0000-4000-8000-000000000000']) {
      const cursor = Buffer.from(id, 'utf8').toString('base64url');
      const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff?organizationId=${organization.id}&cursor=${cursor}` });
      t.equal(response.statusCode, 200);
      t.same(response.json(), { items: [], next: null });
    }
  });

  t.test("a cursor naming a row outside the caller's view only marks the place: the items stay the caller's", async (t) => {
    const { secret } = await makeKey(testApp, 'provider', other.id);
    const later = await makeStaff(testApp, other.id);
    const cursor = Buffer.from(created[3]!, 'utf8').toString('base64url');
    const response = await call(secret, { method: 'GET', url: `/v1/staff?cursor=${cursor}` });
    t.equal(response.statusCode, 200);
    const items = response.json().items as Array<{ id: string; organizationId: string }>;
    t.ok(items.length > 0);
    t.ok(
      items.every((item) => item.organizationId === other.id),
      'none of the organization the cursor names',
    );
    t.equal(items.at(-1)?.id, later.id);
  });

  t.test('limit is bounded', async (t) => {
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=0' })).statusCode, 400);
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=201' })).statusCode, 400);
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=ten' })).statusCode, 400);
  });
});
