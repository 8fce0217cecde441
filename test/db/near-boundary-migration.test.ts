/*
 * The migration that stores whether an assessment is near a group boundary computes it for the
 * assessments already there in SQL, from their answers and the instruments' JSONB. Here it runs on
 * a database holding assessments of both forms at every score they reach and many more answer sets,
 * and must agree with the service's own computation (src/instruments/explanation.ts) on each.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import data from '../../migrations/data/bfd-2019.json' with { type: 'json' };
import { answersScoring } from '../../src/demo/answers.js';
import { createDatabase } from '../../src/db/database.js';
import { createMigrator } from '../../src/db/migrate.js';
import { explain } from '../../src/instruments/explanation.js';
import type { Instrument } from '../../src/instruments/schemas.js';
import { classify, maxScore, scoreAnswers, type Answers } from '../../src/instruments/scoring.js';
import { testServerUrl } from '../helpers/database.js';
import { withDatabase } from '../helpers/server-url.js';

const MIGRATION = '20261203T1300_assessment_explanation';
const instruments = data.instruments as unknown as Instrument[];

/** A small deterministic generator: the same answer sets on every run. */
function lcg(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

/** Every score the form reaches (its edges among them), then random answer sets. */
function answerSets(instrument: Instrument, random: (below: number) => number, count: number): Answers[] {
  const sets: Answers[] = [];
  for (let quarters = 0; quarters <= maxScore(instrument) * 4; quarters += 1) {
    try {
      sets.push(answersScoring(instrument.items, quarters / 4));
    } catch {
      // a score the form cannot make
    }
  }
  for (let n = 0; n < count; n += 1) {
    sets.push(Object.fromEntries(instrument.items.map((item) => [item.code, item.options[random(item.options.length)]!.code])));
  }
  return sets;
}

t.test('existing assessments and their clients get the flag the service computes', async (t) => {
  const name = `ltc_near_boundary_${randomBytes(4).toString('hex')}`;
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
  const before = names[names.indexOf(MIGRATION) - 1]!;
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
  const random = lcg(17);
  const expected = new Map<string, boolean>();
  const clients = new Map<string, string>(); // client -> its latest assessment
  let number = 0;
  for (const instrument of instruments) {
    const sets = answerSets(instrument, random, 300);
    // Ten clients a form, each with a share of the answer sets on consecutive days.
    for (let c = 0; c < 10; c += 1) {
      number += 1;
      const snils = String(10_000_000_000 + number).slice(-11);
      const { id: person } = await one(
        `INSERT INTO clients (organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation, social_support)
         VALUES ($1, 'Петрова', 'Анна', 'петрова анна', '1940-01-01', 'female', $2, $3, 'lives_alone', 2) RETURNING id`,
        [organization, snils, instrument.careForm],
      );
      const mine = sets.filter((_, index) => index % 10 === c);
      for (const [index, answers] of mine.entries()) {
        const { quarters } = scoreAnswers(instrument, answers);
        const group = classify(instrument, quarters);
        const { id } = await one(
          `INSERT INTO assessments (client_id, organization_id, instrument_id, status, assessed_on, interview_no, answers, score_quarters,
             dependency_group, self_care_reduction, hours_optimal, hours_minimal, living_situation, social_support, next_check_on,
             conducted_by, finalized_at)
           VALUES ($1, $2, $3, 'final', DATE '2020-01-01' + $4::int, $4 + 1, $5, $6, $7, $8, 0, 0, 'lives_alone', 2, '2030-01-01',
             ARRAY[$9]::uuid[], now())
           RETURNING id`,
          [person, organization, instrument.id, index, JSON.stringify(answers), quarters, group.group, group.selfCareReduction, staff],
        );
        expected.set(id, explain(instrument, answers, quarters).nearBoundary);
        clients.set(person, id);
      }
      await client.query(`UPDATE clients SET current_assessment_id = $2 WHERE id = $1`, [person, clients.get(person)]);
    }
  }
  const { id: neverAssessed } = await one(
    `INSERT INTO clients (organization_id, last_name, first_name, search_name, birth_date, sex, snils, care_form, living_situation, social_support)
     VALUES ($1, 'Сидорова', 'Вера', 'сидорова вера', '1941-01-01', 'female', '00000000999', 'home', 'lives_alone', 2) RETURNING id`,
    [organization],
  );
  const changesBefore = Number((await one(`SELECT count(*) FROM changes`)).count);

  t.notOk((await migrator.migrateTo(MIGRATION)).error, 'the migration runs on them');

  const stored = new Map(
    (await client.query<{ id: string; near_boundary: boolean }>(`SELECT id, near_boundary FROM assessments`)).rows.map((row) => [
      row.id,
      row.near_boundary,
    ]),
  );
  const disagreements = [...expected].filter(([id, near]) => stored.get(id) !== near);
  t.equal(stored.size, expected.size, `${expected.size} assessments`);
  t.same(disagreements, [], 'the SQL backfill agrees with explain() on every assessment');
  const nearCount = [...expected.values()].filter(Boolean).length;
  t.ok(nearCount > 0 && nearCount < expected.size, `both kinds are there (${nearCount} near a boundary)`);

  const current = new Map(
    (await client.query<{ id: string; current_near_boundary: boolean | null }>(`SELECT id, current_near_boundary FROM clients`)).rows.map(
      (row) => [row.id, row.current_near_boundary],
    ),
  );
  t.same(
    [...clients].filter(([person, latest]) => current.get(person) !== expected.get(latest)),
    [],
    'each client carries its current assessment’s flag',
  );
  t.equal(current.get(neverAssessed), null, 'a client never assessed has none');
  t.equal(Number((await one(`SELECT count(*) FROM changes`)).count), changesBefore, 'no version moved, so nothing enters the change feed');
  t.equal(
    await client
      .query(
        `INSERT INTO assessments (client_id, organization_id, instrument_id, status, assessed_on, interview_no, answers, score_quarters,
               dependency_group, self_care_reduction, hours_optimal, hours_minimal, living_situation, social_support, next_check_on, conducted_by)
             SELECT client_id, organization_id, instrument_id, 'draft', assessed_on, 999, answers, score_quarters, dependency_group,
               self_care_reduction, 0, 0, living_situation, social_support, next_check_on, conducted_by FROM assessments LIMIT 1`,
      )
      .then(
        () => 'written',
        (error: { column?: string }) => error.column,
      ),
    'near_boundary',
    'from now on every write must say it',
  );
});
