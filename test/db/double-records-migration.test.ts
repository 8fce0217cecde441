/*
 * The migrations that make the database refuse double records (issue 14, items 2 and 3) run on a
 * database that already holds what the races left, put it right, and refuse the next duplicate
 * themselves, whoever writes it.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js';
import { testServerUrl } from '../helpers/database.js';
import { withDatabase } from '../helpers/server-url.js';

const FIRST = '20261201T0850_resolve_duplicate_assessments';

t.test('duplicates written before the constraints are resolved, and the next ones refused', async (t) => {
  const name = `ltc_doubles_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const db = createDatabase({ connectionString: withDatabase(testServerUrl(), name), poolSize: 2 });
  const client = new pg.Client({ connectionString: withDatabase(testServerUrl(), name) });
  t.teardown(async () => {
    await client.end();
    await db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const migrator = createMigrator(db);
  const names = (await migrator.getMigrations()).map((migration) => migration.name).sort();
  const before = names[names.indexOf(FIRST) - 1]!;
  t.notOk((await migrator.migrateTo(before)).error, `migrated up to ${before}`);
  await client.connect();
  const one = async (text: string, values: unknown[] = []) => (await client.query(text, values)).rows[0];

  const { id: organization } = await one(
    `INSERT INTO organizations (name, kind, region_code) VALUES ('ЦСО', 'social_service', '37') RETURNING id`,
  );
  const { id: staff } = await one(
    `INSERT INTO staff (organization_id, full_name, position) VALUES ($1, 'Иванова', 'psychologist') RETURNING id`,
    [organization],
  );
  const { id: person } = await one(
    `INSERT INTO clients (organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation, social_support)
     VALUES ($1, 'Петрова', 'Анна', 'петрова анна', '1940-01-01', 'female', '11223344595', 'home', 'lives_alone', 2) RETURNING id`,
    [organization],
  );
  // `migrated`: the row as the latest schema wants it (the near-boundary flag came after these migrations).
  const assess = async (assessedOn: string, interviewNo: number, createdAt: string, migrated = false) =>
    (
      await one(
        `INSERT INTO assessments (client_id, organization_id, instrument_id, status, assessed_on, interview_no, answers, score_quarters,
           dependency_group, self_care_reduction, hours_optimal, hours_minimal, living_situation, social_support, next_check_on,
           conducted_by, finalized_at, created_at${migrated ? ', near_boundary' : ''})
         VALUES ($1, $2, 'bfd-home-2019', 'final', $3, $4, '{}', 0, 1, 'none', 0, 0, 'lives_alone', 2, '2027-01-01', ARRAY[$5]::uuid[], now(), $6${migrated ? ', false' : ''})
         RETURNING id`,
        [person, organization, assessedOn, interviewNo, staff, createdAt],
      )
    ).id as string;
  // Three copies of one import line, then two creates that both took number 2.
  const copies = [
    await assess('2026-02-02', 1, '2026-02-02T10:00:00Z'),
    await assess('2026-02-02', 1, '2026-02-02T10:00:01Z'),
    await assess('2026-02-02', 1, '2026-02-02T10:00:02Z'),
  ];
  const second = await assess('2026-03-03', 2, '2026-03-03T10:00:00Z');
  const twin = await assess('2026-03-04', 2, '2026-03-04T10:00:00Z');
  const { id: type } = await one(`SELECT id FROM activity_types WHERE code = 'art_therapy'`);
  const session = async (startsAt: string) =>
    (
      await one(
        `INSERT INTO activities (organization_id, activity_type_id, starts_at, duration_minutes, responsible_staff)
         VALUES ($1, $2, $3, 60, ARRAY[$4]::uuid[]) RETURNING id`,
        [organization, type, startsAt, staff],
      )
    ).id as string;
  const sessions = [await session('2026-04-01T10:00:00Z'), await session('2026-04-01T10:30:00Z')];
  for (const activity of sessions) {
    await client.query(`INSERT INTO activity_participants (activity_id, client_id, attendance) VALUES ($1, $2, 'enrolled')`, [
      activity,
      person,
    ]);
  }
  const changesBefore = Number((await one(`SELECT count(*) FROM changes`)).count);

  t.ok((await migrateToLatest(db)).includes(FIRST), 'the migrations run on them');

  const rows = await db
    .selectFrom('assessments')
    .select(['id', 'interview_no', 'superseded_by', 'version'])
    .where('client_id', '=', person)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  t.same(
    copies.map((id) => byId.get(id)!.superseded_by),
    [copies[2], copies[2], null],
    'the latest copy stays current, the earlier ones are superseded by it',
  );
  t.same([byId.get(second)!.interview_no, byId.get(twin)!.interview_no], [2, 3], 'the later twin takes the next free number');
  t.equal(
    Number((await one(`SELECT count(*) FROM changes`)).count) - changesBefore,
    3,
    'the three changed assessments are in the change feed',
  );
  const flags = await db.selectFrom('activities').select(['id', 'overlap_allowed']).where('organization_id', '=', organization).execute();
  t.same(
    new Map(flags.map((row) => [row.id, row.overlap_allowed])),
    new Map([
      [sessions[0], false],
      [sessions[1], true],
    ]),
    'the later session is booked anyway',
  );

  const refused = async (text: string, values: unknown[]) => {
    try {
      await client.query(text, values);
      return 'written';
    } catch (error) {
      return (error as { constraint?: string }).constraint;
    }
  };
  t.equal(
    await assess('2026-02-02', 4, '2026-05-05T10:00:00Z', true).catch((error: { constraint?: string }) => error.constraint),
    'assessments_one_current_final',
    'a fourth copy is refused by the database itself',
  );
  t.equal(
    await refused(`UPDATE assessments SET interview_no = 2 WHERE id = $1`, [twin]),
    'assessments_interview_no_once',
    'as is a second holder of an interview number',
  );
  t.equal(
    await refused(`UPDATE activities SET overlap_allowed = false WHERE id = $1`, [sessions[1]]),
    'staff_bookings_no_overlap',
    'and a second booking of the staff member at that time',
  );
  t.equal(
    await refused(`UPDATE activity_participants SET overlap_allowed = false WHERE activity_id = $1`, [sessions[1]]),
    'activity_participants_no_overlap',
    'and of the client',
  );
  const third = await session('2026-04-01T10:15:00Z').catch((error: { constraint?: string }) => error.constraint);
  t.equal(third, 'staff_bookings_no_overlap', 'a new session over the staff member’s booking too');
});
