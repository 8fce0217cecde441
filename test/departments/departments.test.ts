import t from 'tap';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/app.js';
import { makeDepartment, makeKey, makeOrganization } from '../helpers/factories.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const departmentsUrl = (organizationId: string) => `/v1/organizations/${organizationId}/departments`;
const departmentUrl = (organizationId: string, departmentId: string) => `/v1/organizations/${organizationId}/departments/${departmentId}`;

function departmentRow({ database }: TestApp, id: string) {
  return database.db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

function departmentRowsOf({ database }: TestApp, organizationId: string) {
  return database.db.selectFrom('departments').selectAll().where('organization_id', '=', organizationId).execute();
}

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

t.test('POST /v1/organizations/:id/departments', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const hospital = await makeOrganization(testApp, { kind: 'medical' });

  t.test('creates a department and stores its fields', async (t) => {
    const payload = { name: 'Отделение «Милосердие»', careForm: 'inpatient' };
    const response = await call(ADMIN_KEY, { method: 'POST', url: departmentsUrl(center.id), payload });
    t.equal(response.statusCode, 201);
    const body = response.json();
    t.match(body, {
      id: String,
      organizationId: center.id,
      name: payload.name,
      careForm: 'inpatient',
      createdAt: String,
      updatedAt: String,
    });
    t.equal(response.headers.location, departmentUrl(center.id, body.id));
    t.equal(response.headers.etag, '"1"');
    const row = await departmentRow(testApp, body.id);
    t.ok(row, 'the row is stored');
    t.equal(row?.organization_id, center.id);
    t.equal(row?.name, payload.name);
    t.equal(row?.care_form, 'inpatient');
    t.equal(row?.version, 1);
  });

  t.test('a second department with the same name in the organization is a 409 and stores nothing', async (t) => {
    const payload = { name: 'Отделение социального обслуживания на дому № 1', careForm: 'home' };
    t.equal((await call(ADMIN_KEY, { method: 'POST', url: departmentsUrl(center.id), payload })).statusCode, 201);
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: departmentsUrl(center.id),
      payload: { ...payload, careForm: 'inpatient' },
    });
    t.equal(response.statusCode, 409);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(response.json(), { status: 409, detail: /Отделение социального обслуживания на дому № 1/ });
    const rows = (await departmentRowsOf(testApp, center.id)).filter((row) => row.name === payload.name);
    t.equal(rows.length, 1, 'only the first one is stored');
    t.equal(rows[0]?.care_form, 'home');
  });

  t.test('a name differing only in surrounding or repeated spaces is the same department: 409', async (t) => {
    const created = await call(ADMIN_KEY, {
      method: 'POST',
      url: departmentsUrl(center.id),
      payload: { name: ' Отделение  1 ', careForm: 'home' },
    });
    t.equal(created.statusCode, 201);
    t.equal(created.json().name, 'Отделение 1', 'stored trimmed, inner spaces made one');
    t.equal((await departmentRow(testApp, created.json().id))?.name, 'Отделение 1');
    for (const name of ['Отделение 1', '  Отделение 1', 'Отделение\u00a01\t']) {
      const response = await call(ADMIN_KEY, { method: 'POST', url: departmentsUrl(center.id), payload: { name, careForm: 'home' } });
      t.equal(response.statusCode, 409, JSON.stringify(name));
    }
    const rows = (await departmentRowsOf(testApp, center.id)).filter((row) => row.name.replace(/\s+/g, '') === 'Отделение1');
    t.equal(rows.length, 1, 'only the first one is stored');
  });

  t.test('the same name in another organization is allowed', async (t) => {
    const payload = { name: 'Отделение социального обслуживания на дому № 1', careForm: 'home' };
    const response = await call(ADMIN_KEY, { method: 'POST', url: departmentsUrl(other.id), payload });
    t.equal(response.statusCode, 201);
    t.equal(response.json().organizationId, other.id);
    const rows = (await departmentRowsOf(testApp, other.id)).filter((row) => row.name === payload.name);
    t.equal(rows.length, 1);
  });

  t.test('a department of a medical organization is a 422 and stores nothing', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: departmentsUrl(hospital.id),
      payload: { name: 'Терапевтическое отделение', careForm: 'inpatient' },
    });
    t.equal(response.statusCode, 422);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(response.json().status, 422);
    t.same(await departmentRowsOf(testApp, hospital.id), []);
  });

  t.test('an unknown organization is a 404', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: departmentsUrl(UNKNOWN_ID),
      payload: { name: 'Отделение', careForm: 'home' },
    });
    t.equal(response.statusCode, 404);
    t.equal(response.json().type, '/problems/not-found');
    t.same(await departmentRowsOf(testApp, UNKNOWN_ID), []);
  });

  t.test('a care form other than home or inpatient is a 400 naming /careForm', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: departmentsUrl(center.id),
      payload: { name: 'Отделение дневного пребывания', careForm: 'day_care' },
    });
    t.equal(response.statusCode, 400);
    t.match(response.json().errors, [{ in: 'body', pointer: '/careForm' }]);
    t.notOk((await departmentRowsOf(testApp, center.id)).some((row) => row.name === 'Отделение дневного пребывания'));
  });
});

t.test('GET /v1/organizations/:id/departments', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const home1 = await makeDepartment(testApp, center.id, { careForm: 'home' });
  const inpatient = await makeDepartment(testApp, center.id, { careForm: 'inpatient' });
  const home2 = await makeDepartment(testApp, center.id, { careForm: 'home' });
  const elsewhere = await makeDepartment(testApp, other.id, { careForm: 'home' });

  t.test("lists the organization's departments in creation order and none of another organization", async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: departmentsUrl(center.id) });
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.same(ids(body), [home1.id, inpatient.id, home2.id]);
    t.notOk(ids(body).includes(elsewhere.id));
    t.equal(body.next, null);
    t.match(body.items[1], { id: inpatient.id, organizationId: center.id, name: inpatient.name, careForm: 'inpatient' });
  });

  t.test('careForm=home lists only home departments', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `${departmentsUrl(center.id)}?careForm=home` });
    t.equal(response.statusCode, 200);
    t.same(ids(response.json()), [home1.id, home2.id]);
  });

  t.test('careForm=inpatient lists only inpatient departments', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `${departmentsUrl(center.id)}?careForm=inpatient` });
    t.equal(response.statusCode, 200);
    t.same(ids(response.json()), [inpatient.id]);
  });

  t.test('an unknown care form is a 400 naming careForm', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: `${departmentsUrl(center.id)}?careForm=day_care` });
    t.equal(response.statusCode, 400);
    t.match(response.json().errors, [{ in: 'querystring', pointer: '/careForm' }]);
  });

  t.test('an unknown organization is a 404', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: departmentsUrl(UNKNOWN_ID) });
    t.equal(response.statusCode, 404);
    t.equal(response.json().type, '/problems/not-found');
  });
});

t.test('GET /v1/organizations/:id/departments/:departmentId', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const department = await makeDepartment(testApp, center.id, { name: 'Отделение «Милосердие»', careForm: 'inpatient' });

  t.test('answers the department with its ETag', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: departmentUrl(center.id, department.id) });
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"1"');
    t.match(response.json(), { id: department.id, organizationId: center.id, name: 'Отделение «Милосердие»', careForm: 'inpatient' });
  });

  t.test('the department under another organization is a 404', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'GET', url: departmentUrl(other.id, department.id) });
    t.equal(response.statusCode, 404);
  });

  t.test('an unknown department is a 404; a malformed id a 400', async (t) => {
    t.equal((await call(ADMIN_KEY, { method: 'GET', url: departmentUrl(center.id, UNKNOWN_ID) })).statusCode, 404);
    const malformed = await call(ADMIN_KEY, { method: 'GET', url: departmentUrl(center.id, '42') });
    t.equal(malformed.statusCode, 400);
    t.match(malformed.json().errors, [{ in: 'params', pointer: '/departmentId' }]);
  });
});

t.test('PATCH /v1/organizations/:id/departments/:departmentId', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const center = await makeOrganization(testApp);
  const department = await makeDepartment(testApp, center.id, { name: 'Отделение № 1', careForm: 'home' });
  const neighbour = await makeDepartment(testApp, center.id, { name: 'Отделение № 2', careForm: 'home' });
  const url = departmentUrl(center.id, department.id);

  t.test('an update with the current ETag applies, answers 200 and a new ETag', async (t) => {
    const read = await call(ADMIN_KEY, { method: 'GET', url });
    const etag = read.headers.etag as string;
    t.equal(etag, '"1"');
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': etag },
      payload: { name: 'Отделение «Милосердие»', careForm: 'inpatient' },
    });
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"2"');
    t.match(response.json(), { id: department.id, name: 'Отделение «Милосердие»', careForm: 'inpatient' });
    const row = await departmentRow(testApp, department.id);
    t.equal(row?.name, 'Отделение «Милосердие»');
    t.equal(row?.care_form, 'inpatient');
    t.equal(row?.version, 2);
  });

  t.test('a partial update keeps the fields it does not name', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': '"2"' }, payload: { careForm: 'home' } });
    t.equal(response.statusCode, 200);
    t.equal(response.headers.etag, '"3"');
    const row = await departmentRow(testApp, department.id);
    t.equal(row?.name, 'Отделение «Милосердие»');
    t.equal(row?.care_form, 'home');
  });

  t.test('a stale If-Match is a 412 and changes nothing', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { name: 'Устаревшее' } });
    t.equal(response.statusCode, 412);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    const row = await departmentRow(testApp, department.id);
    t.equal(row?.name, 'Отделение «Милосердие»');
    t.equal(row?.version, 3);
  });

  t.test('an update without If-Match is a 428 and changes nothing', async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, payload: { name: 'Без If-Match' } });
    t.equal(response.statusCode, 428);
    const row = await departmentRow(testApp, department.id);
    t.equal(row?.name, 'Отделение «Милосердие»');
    t.equal(row?.version, 3);
  });

  t.test("renaming to another department's name is a 409 and changes nothing", async (t) => {
    const response = await call(ADMIN_KEY, { method: 'PATCH', url, headers: { 'if-match': '"3"' }, payload: { name: neighbour.name } });
    t.equal(response.statusCode, 409);
    const row = await departmentRow(testApp, department.id);
    t.equal(row?.name, 'Отделение «Милосердие»');
    t.equal(row?.version, 3);
  });

  t.test("renaming to another department's name with extra spaces is a 409 too", async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url,
      headers: { 'if-match': '"3"' },
      payload: { name: ` ${neighbour.name} ` },
    });
    t.equal(response.statusCode, 409);
    t.equal((await departmentRow(testApp, department.id))?.version, 3);
  });

  t.test('an unknown department is a 404', async (t) => {
    const response = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: departmentUrl(center.id, UNKNOWN_ID),
      headers: { 'if-match': '"1"' },
      payload: { name: 'Никакое' },
    });
    t.equal(response.statusCode, 404);
  });
});

t.test('departments and the organization of the key', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const ownOrganization = await makeOrganization(testApp);
  const otherOrganization = await makeOrganization(testApp);
  const otherDepartment = await makeDepartment(testApp, otherOrganization.id, { name: 'Чужое отделение' });
  const provider = await makeKey(testApp, 'provider', ownOrganization.id);
  const regional = await makeKey(testApp, 'regional');

  t.test('a provider creates, reads and updates the departments of its own organization', async (t) => {
    const created = await call(provider.secret, {
      method: 'POST',
      url: departmentsUrl(ownOrganization.id),
      payload: { name: 'Отделение на дому', careForm: 'home' },
    });
    t.equal(created.statusCode, 201);
    const { id } = created.json();
    t.equal((await departmentRow(testApp, id))?.organization_id, ownOrganization.id);

    const list = await call(provider.secret, { method: 'GET', url: departmentsUrl(ownOrganization.id) });
    t.equal(list.statusCode, 200);
    t.same(ids(list.json()), [id]);

    const read = await call(provider.secret, { method: 'GET', url: departmentUrl(ownOrganization.id, id) });
    t.equal(read.statusCode, 200);
    t.equal(read.json().name, 'Отделение на дому');

    const updated = await call(provider.secret, {
      method: 'PATCH',
      url: departmentUrl(ownOrganization.id, id),
      headers: { 'if-match': read.headers.etag as string },
      payload: { name: 'Отделение социального обслуживания на дому' },
    });
    t.equal(updated.statusCode, 200);
    t.equal((await departmentRow(testApp, id))?.name, 'Отделение социального обслуживания на дому');
  });

  t.test("another organization's departments are a 404 to a provider", async (t) => {
    const list = await call(provider.secret, { method: 'GET', url: departmentsUrl(otherOrganization.id) });
    t.equal(list.statusCode, 404);
    t.equal(list.json().type, '/problems/not-found');
    t.equal((await call(provider.secret, { method: 'GET', url: departmentUrl(otherOrganization.id, otherDepartment.id) })).statusCode, 404);
    t.equal(
      (await call(provider.secret, { method: 'GET', url: departmentUrl(ownOrganization.id, otherDepartment.id) })).statusCode,
      404,
      'nor through its own organization',
    );
  });

  t.test("a provider's update of another organization's department is a 404 and changes nothing", async (t) => {
    for (const organizationId of [otherOrganization.id, ownOrganization.id]) {
      const response = await call(provider.secret, {
        method: 'PATCH',
        url: departmentUrl(organizationId, otherDepartment.id),
        headers: { 'if-match': '"1"' },
        payload: { name: 'Захвачено' },
      });
      t.equal(response.statusCode, 404);
    }
    const row = await departmentRow(testApp, otherDepartment.id);
    t.equal(row?.name, 'Чужое отделение');
    t.equal(row?.version, 1);
  });

  t.test('a provider creating a department under another organization gets a 404 and stores nothing', async (t) => {
    const response = await call(provider.secret, {
      method: 'POST',
      url: departmentsUrl(otherOrganization.id),
      payload: { name: 'Подброшенное отделение', careForm: 'home' },
    });
    t.equal(response.statusCode, 404);
    t.same(
      (await departmentRowsOf(testApp, otherOrganization.id)).map((row) => row.id),
      [otherDepartment.id],
    );
  });

  t.test('a regional key reads the departments of any organization', async (t) => {
    const list = await call(regional.secret, { method: 'GET', url: departmentsUrl(otherOrganization.id) });
    t.equal(list.statusCode, 200);
    t.same(ids(list.json()), [otherDepartment.id]);
    const read = await call(regional.secret, { method: 'GET', url: departmentUrl(otherOrganization.id, otherDepartment.id) });
    t.equal(read.statusCode, 200);
    t.equal(read.json().id, otherDepartment.id);
  });

  t.test('a regional key may not create or update departments (403) and changes nothing', async (t) => {
    const created = await call(regional.secret, {
      method: 'POST',
      url: departmentsUrl(otherOrganization.id),
      payload: { name: 'Региональное отделение', careForm: 'home' },
    });
    t.equal(created.statusCode, 403);
    t.equal(created.headers['content-type'], 'application/problem+json; charset=utf-8');
    const updated = await call(regional.secret, {
      method: 'PATCH',
      url: departmentUrl(otherOrganization.id, otherDepartment.id),
      headers: { 'if-match': '"1"' },
      payload: { name: 'Региональное отделение' },
    });
    t.equal(updated.statusCode, 403);
    const rows = await departmentRowsOf(testApp, otherOrganization.id);
    t.same(
      rows.map((row) => row.name),
      ['Чужое отделение'],
    );
  });
});
