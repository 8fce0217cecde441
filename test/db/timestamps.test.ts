/*
 * timestamptz values are read by src/db/timestamps.ts instead of pg's own parser: on PostgreSQL's
 * own text, under time zones of every offset format and for the values it hands back to pg's
 * parser, it must make the instant PostgreSQL means.
 */
import t from 'tap';
import pg from 'pg';
import '../../src/db/database.js';
import { testServerUrl } from '../helpers/database.js';
import { withDatabase } from '../helpers/server-url.js';

// The parser the service's connections use, as src/db/database.ts installs it.
const parse = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number;

t.test('timestamps read as the instant PostgreSQL means, in every time zone', async (t) => {
  const client = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  t.teardown(() => client.end());
  /** The rows whose text reads otherwise than PostgreSQL's own count of milliseconds since 1970. */
  const misread = async (values: string) => {
    const { rows } = await client.query<{ text: string; ms: number }>(
      `SELECT ts::text AS text, floor(extract(epoch FROM ts) * 1000)::float8 AS ms FROM (${values}) given (ts)`,
    );
    return { count: rows.length, example: rows[0]!.text, wrong: rows.filter(({ text, ms }) => Number(parse(text)) !== ms) };
  };
  // Moscow before 1919 wrote offsets with seconds (+02:30:17); Kolkata, St John's and Chatham have minutes.
  for (const zone of ['UTC', 'Europe/Moscow', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham']) {
    await client.query(`SET TIME ZONE '${zone}'`);
    const { count, example, wrong } = await misread(`
      SELECT timestamptz '1870-06-01 12:00:00+00' + random(0, 4000000000)::bigint * interval '1 minute'
        + random(0, 59999999) * interval '1 microsecond'
      FROM generate_series(1, 2000)
      UNION ALL VALUES (timestamptz '2026-12-04 21:33:29+00'), (timestamptz '2026-12-04 21:33:29.1+00'),
        (timestamptz '2026-12-04 21:33:29.999999+00'), (timestamptz '1917-01-01 00:00:00+00'), (now())`);
    t.same(wrong, [], `${count} timestamps in ${zone}, e.g. ${example}`);
  }
  // What it leaves to pg's parser: infinities, years before 1000 or after 9999, BC.
  const odd = await misread(`VALUES (timestamptz 'infinity'), (timestamptz '-infinity'), (timestamptz '0044-03-15 12:00:00+00'),
    (timestamptz '0044-03-15 12:00:00+00 BC'), (timestamptz '12026-01-01 00:00:00+00')`);
  t.same(odd.wrong, [], 'the values pg’s parser reads');
  t.equal(parse('infinity'), Infinity, 'infinity stays a number, as pg reads it');
});
