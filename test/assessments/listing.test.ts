import { systemContext } from '../../src/context/request-context.js';
import t from 'tap';
import { sql } from 'kysely';
import { refreshCurrentAssessment } from '../../src/clients/repository.js';
import { answersScoring, type FormItem } from '../../src/demo/answers.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeDepartment, makeOrganization, makeStaff } from '../helpers/factories.js';

t.test('GET /v1/assessments filters, and the instruments stay as they were used', async (t) => {
  const testApp = await buildTestApp(t);
  const { call, database } = testApp;
  const organization = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const staff = (await makeStaff(testApp, organization.id)).id;
  const otherStaff = (await makeStaff(testApp, other.id)).id;
  const home: FormItem[] = (await call(ADMIN_KEY, { method: 'GET', url: '/v1/instruments/bfd-home-2019' })).json().items;
  const client = (await makeClient(testApp, organization.id)).id;
  const otherClient = (await makeClient(testApp, other.id)).id;
  const record = async (clientId: string, conductedBy: string, assessedOn: string, points: number, status = 'final') =>
    (
      await call(ADMIN_KEY, {
        method: 'POST',
        url: `/v1/clients/${clientId}/assessments`,
        payload: { instrumentId: 'bfd-home-2019', assessedOn, answers: answersScoring(home, points), conductedBy: [conductedBy], status },
      })
    ).json().id as string;
  const january = await record(client, staff, '2025-01-10', 2);
  const march = await record(client, staff, '2025-03-10', 8);
  const draft = await record(client, staff, '2025-05-10', 8, 'draft');
  const theirs = await record(otherClient, otherStaff, '2025-03-15', 8);
  const ids = async (query: string) =>
    (await call(ADMIN_KEY, { method: 'GET', url: `/v1/assessments?${query}` })).json().items.map((item: { id: string }) => item.id);

  t.same(await ids(`organizationId=${organization.id}`), [january, march, draft]);
  t.same(await ids('group=4'), [march, draft, theirs]);
  t.same(await ids('group=4&status=final'), [march, theirs]);
  t.same(await ids('assessedFrom=2025-03-01&assessedTo=2025-03-31'), [march, theirs]);
  t.same(await ids('instrumentId=bfd-inpatient-2019'), []);

  t.test('two corrections of one assessment at once: exactly one lands', async (t) => {
    const answers = answersScoring(home, 3);
    const attempts = await Promise.all(
      ['first', 'second', 'third'].map((reason) =>
        call(ADMIN_KEY, {
          method: 'POST',
          url: `/v1/clients/${client}/assessments`,
          payload: { instrumentId: 'bfd-home-2019', assessedOn: '2025-03-10', answers, conductedBy: [staff], supersedes: march, reason },
        }),
      ),
    );
    t.equal(attempts.filter((response) => response.statusCode === 201).length, 1);
    t.ok(attempts.every((response) => [201, 409, 422].includes(response.statusCode)));
    const corrections = await database.db.selectFrom('assessments').select('id').where('supersedes', '=', march).execute();
    t.equal(corrections.length, 1, 'no half-written correction is left behind');
  });

  t.test('an instrument in use cannot be changed or removed in the database', async (t) => {
    await t.rejects(
      sql`UPDATE instruments SET definition = definition || '{"maxScore": 99}' WHERE id = 'bfd-home-2019'`.execute(database.db),
      /in use and cannot change/,
    );
    await t.rejects(sql`DELETE FROM instruments WHERE id = 'bfd-home-2019'`.execute(database.db), /in use/);
  });

  t.test('a new assessment refreshes its client’s figures in place, without touching an index (HOT)', async (t) => {
    const rolledBack = new Error('rolled back');
    await t.rejects(
      database.db.transaction().execute(async (trx) => {
        await sql`
          INSERT INTO assessments (client_id, organization_id, instrument_id, status, assessed_on, interview_no, answers, score_quarters,
            dependency_group, self_care_reduction, hours_optimal, hours_minimal, hours_by_living_situation, near_boundary, living_situation,
            social_support, next_check_on, conducted_by, finalized_at)
          SELECT client_id, organization_id, instrument_id, status, '2025-04-10', (SELECT max(interview_no) + 1 FROM assessments), answers, score_quarters,
            dependency_group, self_care_reduction, hours_optimal, hours_minimal, hours_by_living_situation, near_boundary, living_situation,
            social_support, next_check_on, conducted_by, finalized_at
          FROM assessments WHERE id = ${march}
        `.execute(trx);
        await refreshCurrentAssessment(systemContext(trx, 'test'), client);
        const { rows } = await sql<{ updated: number; hot: number }>`
          SELECT pg_stat_get_xact_tuples_updated('clients'::regclass)::int AS updated,
                 pg_stat_get_xact_tuples_hot_updated('clients'::regclass)::int AS hot
        `.execute(trx);
        t.same(rows[0], { updated: 1, hot: 1 }, 'an index on a current_* column would make this a full update');
        throw rolledBack;
      }),
      rolledBack,
    );
  });

  t.test('an assessment is never deleted: a client’s current one stays where it points', async (t) => {
    const { current_assessment_id } = await database.db
      .selectFrom('clients')
      .select('current_assessment_id')
      .where('id', '=', client)
      .executeTakeFirstOrThrow();
    await t.rejects(
      sql`DELETE FROM assessments WHERE id = ${current_assessment_id}`.execute(database.db),
      /superseded by corrections, never deleted/,
    );
    await t.rejects(sql`TRUNCATE assessments CASCADE`.execute(database.db), /never deleted/);
    t.ok(await database.db.selectFrom('assessments').select('id').where('id', '=', current_assessment_id!).executeTakeFirst());
  });

  t.test('clients filtered by department', async (t) => {
    const department = await makeDepartment(testApp, organization.id);
    const placed = await makeClient(testApp, organization.id, { departmentId: department.id });
    const listed = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?departmentId=${department.id}` })).json().items;
    t.same(
      listed.map((item: { id: string }) => item.id),
      [placed.id],
    );
    const byGroup = (await call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?group=1&organizationId=${organization.id}` })).json().items;
    t.same(
      byGroup.map((item: { id: string }) => item.id),
      [client],
      'the current group is the latest final assessment’s',
    );
  });
});
