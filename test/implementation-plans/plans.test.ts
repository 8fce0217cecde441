import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeDepartment, makeKey, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('implementation plans of the technology', async (t) => {
  const testApp = await buildTestApp(t);
  const { call } = testApp;
  const organizationId = (await makeOrganization(testApp)).id;
  const department = (await makeDepartment(testApp, organizationId, { careForm: 'inpatient' })).id;
  const head = (await makeStaff(testApp, organizationId, { position: 'head_of_department' })).id;
  const base = `/v1/organizations/${organizationId}/implementation-plans`;

  const created = await call(ADMIN_KEY, {
    method: 'POST',
    url: base,
    payload: {
      departmentId: department,
      title: 'Внедрение технологии «Милиотерапия»',
      tasks: [
        { stage: 'III', title: 'Ежемесячный мониторинг', dueOn: '2099-12-31' },
        { stage: 'I', title: 'Анализ условий, документация', dueOn: '2025-02-28', responsibleStaffId: head },
        { stage: 'II', title: 'Направления работы', dueOn: '2025-04-30', status: 'done' },
      ],
      documents: [{ kind: 'plan_schedule', title: 'План-график внедрения', datedOn: '2025-02-01', link: 'https://example.org/plan.pdf' }],
    },
  });
  t.equal(created.statusCode, 201);
  const plan = created.json();
  t.same(
    plan.tasks.map((task: { stage: string }) => task.stage),
    ['I', 'II', 'III'],
    'tasks by stage',
  );
  t.same(
    plan.tasks.map((task: { overdue: boolean }) => task.overdue),
    [true, false, false],
    'past due and not done is overdue',
  );
  t.match(plan.documents, [{ kind: 'plan_schedule', title: 'План-график внедрения' }]);

  t.test('overdue tasks are listed', async (t) => {
    const overdue = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/organizations/${organizationId}/overdue-plan-tasks` })).json().items;
    t.equal(overdue.length, 1);
    t.match(overdue[0], { stage: 'I', planId: plan.id, departmentId: department });
    t.ok(overdue[0].daysOverdue > 0);
  });

  t.test('a task is updated with If-Match and leaves the overdue list when done', async (t) => {
    const added = await call(ADMIN_KEY, {
      method: 'POST',
      url: `${base}/${plan.id}/tasks`,
      payload: { stage: 'I', title: 'Должностные инструкции', dueOn: '2025-01-31' },
    });
    t.equal(added.statusCode, 201);
    const taskUrl = `${base}/${plan.id}/tasks/${added.json().id}`;
    const done = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: taskUrl,
      headers: { 'if-match': added.headers.etag as string },
      payload: { status: 'done' },
    });
    t.equal(done.statusCode, 200);
    t.equal(done.json().overdue, false);
    const stale = await call(ADMIN_KEY, {
      method: 'PATCH',
      url: taskUrl,
      headers: { 'if-match': added.headers.etag as string },
      payload: { status: 'planned' },
    });
    t.equal(stale.statusCode, 412);
  });

  t.test('staff of another organization cannot be responsible', async (t) => {
    const other = await makeOrganization(testApp);
    const stranger = (await makeStaff(testApp, other.id)).id;
    const response = await call(ADMIN_KEY, {
      method: 'POST',
      url: `${base}/${plan.id}/tasks`,
      payload: { stage: 'II', title: 'x', dueOn: '2025-05-01', responsibleStaffId: stranger },
    });
    t.equal(response.statusCode, 422);
    t.match(response.json().errors, [{ pointer: '/responsibleStaffId' }]);
  });

  t.test('another organization’s provider sees none of it', async (t) => {
    const other = await makeOrganization(testApp);
    const key = (await makeKey(testApp, 'provider', other.id)).secret;
    t.equal((await call(key, { method: 'GET', url: base })).statusCode, 404);
    t.equal((await call(key, { method: 'GET', url: `${base}/${plan.id}` })).statusCode, 404);
    const ownList = await call(key, { method: 'GET', url: `/v1/organizations/${other.id}/implementation-plans` });
    t.same(ownList.json().items, []);
  });
});
