import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeOrganization, makeStaff } from '../helpers/factories.js';

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
      const page = response.json() as { items: Array<{ id: string }>; next: string | null };
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

  t.test('limit is bounded', async (t) => {
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=0' })).statusCode, 400);
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=201' })).statusCode, 400);
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=ten' })).statusCode, 400);
  });
});
