import t from 'tap';
import { sql } from 'kysely';
import pg from 'pg';
import { findClient, findClientBy } from '../../src/clients/repository.js';
import { systemContext } from '../../src/context/request-context.js';
import { createDatabase } from '../../src/db/database.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';
import { makeClient, makeOrganization } from '../helpers/factories.js';

/*
 * The hot reads run as prepared statements (src/db/prepared.ts), and a migration that changes
 * what such a statement answers does not break the connections that prepared it.
 */
t.test('prepared statements', async (t) => {
  const testApp = await buildTestApp(t);
  const organization = await makeOrganization(testApp);
  const client = await makeClient(testApp, organization.id);
  // One connection, so that what it prepared can be read back on it.
  const db = createDatabase({ connectionString: testApp.database.url, poolSize: 1 });
  t.teardown(() => db.destroy());
  const ctx = systemContext(db, 'test');
  const prepared = async () =>
    (await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`.execute(db))
      .rows;

  t.test('a hot read is prepared once per connection, its rows described once; other statements are not', async (t) => {
    t.same(await prepared(), []);
    // pg builds a result's parsers in Result#addFields; the connection does it once per statement.
    const { addFields } = pg.Result.prototype as unknown as { addFields: (fields: unknown[]) => void };
    let described = 0;
    Object.assign(pg.Result.prototype, {
      addFields(this: unknown, fields: unknown[]) {
        described++;
        addFields.call(this, fields);
      },
    });
    t.teardown(() => void Object.assign(pg.Result.prototype, { addFields }));
    const rows = [];
    for (let read = 0; read < 3; read++) rows.push(await findClient(ctx, client.id));
    t.equal(described, 1, 'described on the first execution only');
    t.equal(rows[0]?.id, client.id);
    t.ok(rows[0]?.created_at instanceof Date, 'parsed by the connection’s parsers');
    t.same(rows[1], rows[0], 'later executions parse the row alike');
    t.same(rows[2], rows[0]);
    t.equal((await findClientBy(ctx, { snils: 'none' }))?.id, undefined);
    const statements = await prepared();
    t.equal(statements.length, 1, 'one statement, however many reads');
    t.match(statements[0], { name: /^hot_[0-9a-f]{24}$/, statement: /from "clients" where "clients"."id" = \$1/ });
  });

  t.test('a migration changing the result type: the statement is prepared again and the read answers', async (t) => {
    const [before] = await prepared();
    await sql`ALTER TABLE clients ADD COLUMN prepared_probe integer`.execute(testApp.database.db);
    t.teardown(() => sql`ALTER TABLE clients DROP COLUMN IF EXISTS prepared_probe`.execute(testApp.database.db));
    const row = await findClient(ctx, client.id);
    t.equal(row?.id, client.id);
    t.ok(row && 'prepared_probe' in row, 'the row as the table now is');
    const statements = await prepared();
    t.same(
      statements.map((statement) => statement.name),
      [`${before!.name}_1`],
      'the stale statement is dropped, its text prepared under the next name',
    );
    t.equal((await findClient(ctx, client.id))?.id, client.id, 'and read again under that name');
  });

  t.test('through the API, across a migration, on every connection of the pool', async (t) => {
    const read = () => testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients/${client.id}` });
    const list = () => testApp.call(ADMIN_KEY, { method: 'GET', url: `/v1/clients?organizationId=${organization.id}` });
    const concurrently = <T>(count: number, request: () => Promise<T>) => Promise.all(Array.from({ length: count }, request));
    for (const answer of [...(await concurrently(10, read)), ...(await concurrently(10, list))]) t.equal(answer.statusCode, 200);
    await sql`ALTER TABLE clients ADD COLUMN prepared_probe_2 text`.execute(testApp.database.db);
    t.teardown(() => sql`ALTER TABLE clients DROP COLUMN IF EXISTS prepared_probe_2`.execute(testApp.database.db));
    const reads = await concurrently(10, read);
    const lists = await concurrently(10, list);
    t.same(
      reads.map((answer) => answer.statusCode),
      Array(10).fill(200),
    );
    t.same(
      lists.map((answer) => answer.json<{ items: Array<{ id: string }> }>().items.map((item) => item.id)),
      Array(10).fill([client.id]),
    );
  });
});
