import t from 'tap';
import { sql } from 'kysely';
import { createTestDatabase } from '../helpers/database.js';

t.test('every connection of the pool carries the timeouts that bound a runaway query', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const setting = async (name: string) =>
    (await sql<Record<string, string>>`SELECT current_setting(${name}) AS value`.execute(database.db)).rows[0]?.value;
  t.equal(await setting('statement_timeout'), '30s', 'a statement is cancelled after 30 seconds');
  t.equal(await setting('idle_in_transaction_session_timeout'), '1min', 'a transaction left idle is ended after a minute');
  t.equal(await setting('application_name'), 'ltc-registry');
});
