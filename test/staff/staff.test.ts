import t from 'tap';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeDepartment, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const PROBLEM = 'application/problem+json; charset=utf-8';

interface Page {
  items: Array<{ id: string }>;
  next: string | null;
}

const ids = (page: Page) => page.items.map((item) => item.id);

function staffRow({ database }: TestApp, id: string) {
  return database.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

function staffRowsOf({ database }: TestApp, organizationId: string) {
  return database.db.selectFrom('staff').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').execute();
}

t.test('POST /v1/staff', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const hospital = await makeOrganization(testApp, { kind: 'medical' });
  const department = await makeDepartment(testApp, center.id, { careForm: 'inpatient' });
  const otherDepartment = await makeDepartment(testApp, other.id);

  t.test('creates a staff member and stores every field', async (t) => {
    const payload = {
      organizationId: center.id,
      departmentId: department.id,
      fullName: 'Смирнова Анна Петровна',
      position: 'psychologist',
      active: true,
    };
    const response = await call(ADMIN_KEY, { method: 'POST', url: '/v1/staff', payload });
    t.equal(response.statusCode, 201);
    const body = response.json();
    t.match(body, { ...payload, id: String, createdAt: String, updatedAt: String });
    t.equal(response.headers.location, `/v1/staff/${body.id}`);
    t.equal(response.headers.etag, '"1"');
    const row = await staffRow(testApp, body.id);
    t.match(row, {
      organization_id: center.id,
      department_id: department.id,
      full_name: 'Смирнова Анна Петровна',
      position: 'psychologist',
      active: true,
      version: 1,
    });
  });

  t.test('active defaults to true and the department to none', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: center.id, fullName: 'Кузнецов Игорь Владимирович', position: 'labor_instructor' },
    });
    t.equal(response.statusCode, 201);
    t.equal(response.json().active, true);
    t.equal(response.json().departmentId, null);
    const row = await staffRow(testApp, response.json().id);
    t.equal(row?.active, true);
    t.equal(row?.department_id, null);
  });

  t.test('a staff member may be registered as inactive', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: center.id, fullName: 'Павлова Ольга Сергеевна', position: 'nurse', active: false },
    });
    t.equal(response.statusCode, 201);
    t.equal(response.json().active, false);
    t.equal((await staffRow(testApp, response.json().id))?.active, false);
  });

  t.test('a department of another organization is a 422 naming /departmentId and stores nothing', async (t) => {
    const before = (await staffRowsOf(testApp, center.id)).length;
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: center.id, departmentId: otherDepartment.id, fullName: 'Орлов Пётр', position: 'nurse' },
    });
    t.equal(response.statusCode, 422);
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.json().errors, [{ in: 'body', pointer: '/departmentId' }]);
    t.equal(response.json().errors?.length, 1);
    t.equal((await staffRowsOf(testApp, center.id)).length, before);
  });

  t.test('a medical organization is a 422 naming /organizationId and stores nothing', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: hospital.id, fullName: 'Врачёв Иван', position: 'doctor' },
    });
    t.equal(response.statusCode, 422);
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.json().errors, [{ in: 'body', pointer: '/organizationId' }]);
    t.same(await staffRowsOf(testApp, hospital.id), []);
  });

  t.test('an unknown organization is a 422 naming /organizationId and stores nothing', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: UNKNOWN_ID, fullName: 'Никто Никтович', position: 'other' },
    });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ in: 'body', pointer: '/organizationId' }]);
    t.same(await staffRowsOf(testApp, UNKNOWN_ID), []);
  });

  t.test('an unknown position and a blank name are 400s naming the fields', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: center.id, fullName: '   ', position: 'janitor' },
    });
    t.equal(response.statusCode, 400);
    const pointers = response
      .json()
      .errors.map((error: { pointer: string }) => error.pointer)
      .sort();
    t.same(pointers, ['/fullName', '/position']);
  });
});

t.test('GET /v1/staff and /v1/staff/:id', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const homeCare = await makeDepartment(testApp, center.id, { careForm: 'home' });
  const mercy = await makeDepartment(testApp, center.id, { careForm: 'inpatient' });
  const homeNurse = await makeStaff(testApp, center.id, { departmentId: homeCare.id, position: 'nurse' });
  const psychologist = await makeStaff(testApp, center.id, { departmentId: mercy.id, position: 'psychologist' });
  const formerNurse = await makeStaff(testApp, center.id, { position: 'nurse', active: false });
  const otherNurse = await makeStaff(testApp, other.id, { position: 'nurse' });
  const list = async (query: string): Promise<Page> => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff${query}` });
    t.equal(response.statusCode, 200, query);
    return response.json();
  };

  t.test('without filters every staff member is listed, in creation order', async (t) => {
    const page = await list('');
    t.same(ids(page), [homeNurse.id, psychologist.id, formerNurse.id, otherNurse.id]);
    t.equal(page.next, null);
  });

  t.test('organizationId lists only that organization', async (t) => {
    t.same(ids(await list(`?organizationId=${center.id}`)), [homeNurse.id, psychologist.id, formerNurse.id]);
    t.same(ids(await list(`?organizationId=${other.id}`)), [otherNurse.id]);
  });

  t.test('departmentId lists only that department', async (t) => {
    t.same(ids(await list(`?departmentId=${homeCare.id}`)), [homeNurse.id]);
    t.same(ids(await list(`?departmentId=${mercy.id}`)), [psychologist.id]);
  });

  t.test('position lists only that position', async (t) => {
    t.same(ids(await list('?position=nurse')), [homeNurse.id, formerNurse.id, otherNurse.id]);
    t.same(ids(await list('?position=psychologist')), [psychologist.id]);
    t.same(ids(await list('?position=doctor')), []);
  });

  t.test('active=false lists only those who left; active=true only those who work', async (t) => {
    t.same(ids(await list('?active=false')), [formerNurse.id]);
    t.same(ids(await list('?active=true')), [homeNurse.id, psychologist.id, otherNurse.id]);
  });

  t.test('filters combine', async (t) => {
    t.same(ids(await list(`?organizationId=${center.id}&position=nurse&active=true`)), [homeNurse.id]);
  });

  t.test('an unknown position is a 400 naming it', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?position=janitor' });
    t.equal(response.statusCode, 400);
    t.match(response.json().errors, [{ in: 'querystring', pointer: '/position' }]);
  });

  t.test('one staff member is answered with its ETag', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff/${psychologist.id}` });
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"1"');
    t.match(response.json(), {
      id: psychologist.id,
      organizationId: center.id,
      departmentId: mercy.id,
      fullName: psychologist.fullName,
      position: 'psychologist',
      active: true,
    });
  });

  t.test('an unknown staff member is a 404', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff/${UNKNOWN_ID}` });
    t.equal(response.statusCode, 404);
    t.equal(response.json().type, '/problems/not-found');
  });

  t.test('a regional key reads staff of every organization', async (t) => {
    const { secret } = await makeKey(testApp, 'regional');
    const response = await call(secret, { method: 'GET', url: '/v1/staff' });
    t.equal(response.statusCode, 200);
    t.same(ids(response.json()), [homeNurse.id, psychologist.id, formerNurse.id, otherNurse.id]);
    t.equal((await call(secret, { method: 'GET', url: `/v1/staff/${otherNurse.id}` })).statusCode, 200);
  });
});

t.test('PATCH /v1/staff/:id', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const department = await makeDepartment(testApp, center.id);
  const otherDepartment = await makeDepartment(testApp, other.id);
  const member = await makeStaff(testApp, center.id, { position: 'care_assistant' });
  const url = `/v1/staff/${member.id}`;

  t.test('deactivation with the current ETag applies and answers a new ETag', async (t) => {
    const read = await call(ADMIN_KEY, { method: 'GET', url });
    t.equal(read.headers.etag, '"1"');
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': read.headers.etag as string },
      payload: { active: false },
    });
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"2"');
    t.match(response.json(), { id: member.id, active: false, position: 'care_assistant', fullName: member.fullName });
    const row = await staffRow(testApp, member.id);
    t.equal(row?.active, false);
    t.equal(row?.version, 2);
    t.equal(row?.full_name, member.fullName, 'fields not named are kept');
  });

  t.test('a stale If-Match is a 412 and changes nothing', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { active: true } });
    t.equal(response.statusCode, 412);
    t.equal(response.headers['content-type'], PROBLEM);
    const row = await staffRow(testApp, member.id);
    t.equal(row?.active, false);
    t.equal(row?.version, 2);
  });

  t.test('an update without If-Match is a 428 and changes nothing', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, payload: { active: true } });
    t.equal(response.statusCode, 428);
    t.equal((await staffRow(testApp, member.id))?.active, false);
  });

  t.test('a department of the own organization is assigned; another one is a 422 naming /departmentId', async (t) => {
    const assigned = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': '"2"' },
      payload: { departmentId: department.id },
    });
    t.equal(assigned.statusCode, 200);
    t.equal((await staffRow(testApp, member.id))?.department_id, department.id);
    const refused = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': '"3"' },
      payload: { departmentId: otherDepartment.id },
    });
    t.equal(refused.statusCode, 422);
    t.match(refused.json().errors, [{ in: 'body', pointer: '/departmentId' }]);
    const row = await staffRow(testApp, member.id);
    t.equal(row?.department_id, department.id);
    t.equal(row?.version, 3);
  });

  t.test('an unknown staff member is a 404', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: `/v1/staff/${UNKNOWN_ID}`,
      headers: { 'if-match': '"1"' },
      payload: { active: false },
    });
    t.equal(response.statusCode, 404);
  });

  t.test('the organization of a staff member cannot be changed (400)', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': '"3"' }, payload: { organizationId: other.id } });
    t.equal(response.statusCode, 400);
    t.match(response.json().errors, [{ pointer: '/organizationId' }]);
    t.equal((await staffRow(testApp, member.id))?.organization_id, center.id);
  });
});

t.test('staff and the organization of a provider key', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const own = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const ownMember = await makeStaff(testApp, own.id);
  const otherMember = await makeStaff(testApp, other.id, { fullName: 'Чужой Сотрудник' });
  const { secret } = await makeKey(testApp, 'provider', own.id);

  t.test('a provider lists only its own staff', async (t) => {
    const response = await call(secret, { method: 'GET', url: '/v1/staff' });
    t.equal(response.statusCode, 200);
    t.same(ids(response.json()), [ownMember.id]);
  });

  t.test("asking for another organization's staff answers an empty list", async (t) => {
    const response = await call(secret, { method: 'GET', url: `/v1/staff?organizationId=${other.id}` });
    t.equal(response.statusCode, 200);
    t.same(response.json(), { items: [], next: null });
  });

  t.test("reading another organization's staff member is a 404", async (t) => {
    const response = await call(secret, { method: 'GET', url: `/v1/staff/${otherMember.id}` });
    t.equal(response.statusCode, 404);
    t.equal(response.json().type, '/problems/not-found');
    t.equal((await call(secret, { method: 'GET', url: `/v1/staff/${ownMember.id}` })).statusCode, 200);
  });

  t.test("updating another organization's staff member is a 404 and changes nothing", async (t) => {
    const response = await call(secret, {
      method: 'PATCH',
      url: `/v1/staff/${otherMember.id}`,
      headers: { 'if-match': '"1"' },
      payload: { active: false, fullName: 'Уволен' },
    });
    t.equal(response.statusCode, 404);
    const row = await staffRow(testApp, otherMember.id);
    t.equal(row?.active, true);
    t.equal(row?.full_name, 'Чужой Сотрудник');
    t.equal(row?.version, 1);
  });

  t.test('a provider updates its own staff member', async (t) => {
    const response = await call(secret, {
      method: 'PATCH',
      url: `/v1/staff/${ownMember.id}`,
      headers: { 'if-match': '"1"' },
      payload: { position: 'nurse' },
    });
    t.equal(response.statusCode, 200);
    t.equal((await staffRow(testApp, ownMember.id))?.position, 'nurse');
  });

  t.test('creating staff for another organization is a 403 and stores nothing', async (t) => {
    const response = await call(secret, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: other.id, fullName: 'Подставной Сотрудник', position: 'nurse' },
    });
    t.equal(response.statusCode, 403);
    t.equal(response.headers['content-type'], PROBLEM);
    t.same(
      (await staffRowsOf(testApp, other.id)).map((row) => row.id),
      [otherMember.id],
    );
  });

  t.test('a provider creates staff for its own organization', async (t) => {
    const response = await call(secret, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: own.id, fullName: 'Свой Сотрудник', position: 'librarian' },
    });
    t.equal(response.statusCode, 201);
    t.equal((await staffRow(testApp, response.json().id))?.organization_id, own.id);
  });

  t.test('a regional key may not create or update staff (403)', async (t) => {
    const regional = await makeKey(testApp, 'regional');
    const created = await call(regional.secret, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: other.id, fullName: 'Региональный Сотрудник', position: 'other' },
    });
    t.equal(created.statusCode, 403);
    const updated = await call(regional.secret, {
      method: 'PATCH',
      url: `/v1/staff/${otherMember.id}`,
      headers: { 'if-match': '"1"' },
      payload: { active: false },
    });
    t.equal(updated.statusCode, 403);
    t.same(
      (await staffRowsOf(testApp, other.id)).map((row) => [row.id, row.active]),
      [[otherMember.id, true]],
    );
  });
});

t.test('cyrillic names', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const fullName = 'Ёлкина-Щербакова Жанна Эдуардовна «Й» ъь';

  t.test('round-trip unchanged through create, read, list and the database', async (t) => {
    const created = await call(ADMIN_KEY, {
      method: 'POST',
      url: '/v1/staff',
      payload: { organizationId: center.id, fullName, position: 'other' },
    });
    t.equal(created.statusCode, 201);
    const { id } = created.json();
    t.equal(created.json().fullName, fullName);
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff/${id}` })).json().fullName, fullName);
    const listed = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff?organizationId=${center.id}` })).json();
    t.same(
      listed.items.map((item: { fullName: string }) => item.fullName),
      [fullName],
    );
    t.equal((await staffRow(testApp, id))?.full_name, fullName);
  });
});

t.test('GET /v1/staff pagination', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const created: string[] = [];
  for (let i = 0; i < 7; i++) created.push((await makeStaff(testApp, center.id, { position: i % 2 === 0 ? 'nurse' : 'psychologist' })).id);
  const foreign = await makeStaff(testApp, other.id, { position: 'nurse' });

  async function walk(url: string, between?: () => Promise<void>): Promise<{ seen: string[]; pages: string[] }> {
    const seen: string[] = [];
    const pages: string[] = [];
    let next: string | null = url;
    while (next) {
      if (pages.length > 20) throw new Error('pagination does not end');
      pages.push(next);
      const response = await call(ADMIN_KEY, { method: 'GET', url: next });
      t.equal(response.statusCode, 200, next);
      const page = response.json<Page>();
      t.ok(page.items.length <= 3, 'no page is longer than the limit');
      seen.push(...ids(page));
      next = page.next;
      if (next) await between?.();
    }
    return { seen, pages };
  }

  t.test('limit=3 pages through all seven exactly once, in creation order', async (t) => {
    const { seen, pages } = await walk(`/v1/staff?organizationId=${center.id}&limit=3`);
    t.same(seen, created);
    t.equal(pages.length, 3, 'pages of 3, 3 and 1');
  });

  t.test('without filters the other organization comes last', async (t) => {
    const { seen } = await walk('/v1/staff?limit=3');
    t.same(seen, [...created, foreign.id]);
  });

  t.test('a next link keeps the filters', async (t) => {
    const first = await call(ADMIN_KEY, { method: 'GET', url: `/v1/staff?organizationId=${center.id}&position=nurse&active=true&limit=2` });
    t.equal(first.statusCode, 200);
    const { next } = first.json<Page>();
    t.type(next, 'string');
    const params = new URL(next!, 'http://local').searchParams;
    t.equal(params.get('organizationId'), center.id);
    t.equal(params.get('position'), 'nurse');
    t.equal(params.get('active'), 'true');
    t.equal(params.get('limit'), '2');
    t.ok(params.get('cursor'));
    const nurses = created.filter((_, i) => i % 2 === 0);
    const rest: string[] = [];
    let url: string | null = next;
    while (url) {
      const page = (await call(ADMIN_KEY, { method: 'GET', url })).json<Page>();
      rest.push(...ids(page));
      url = page.next;
    }
    t.same([...ids(first.json()), ...rest], nurses, 'following the links yields only the filtered rows');
  });

  t.test('a garbage cursor is a 400 naming /cursor', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: '/v1/staff?limit=3&cursor=%25%25garbage%25%25' });
    t.equal(response.statusCode, 400);
    t.equal(response.headers['content-type'], PROBLEM);
    t.match(response.json().errors, [{ in: 'querystring', pointer: '/cursor' }]);
  });

  t.test('rows inserted between page reads neither repeat nor hide the original rows', async (t) => {
    const added: string[] = [];
    const { seen } = await walk(`/v1/staff?organizationId=${center.id}&limit=3`, async () => {
      added.push((await makeStaff(testApp, center.id)).id);
    });
    t.equal(added.length, 2, 'a row was added before each later page');
    t.equal(new Set(seen).size, seen.length, 'no duplicates');
    t.same(seen.slice(0, created.length), created, 'every original row, in order');
    t.same(seen.slice(created.length), added, 'rows added meanwhile come after, in order');
  });
});
