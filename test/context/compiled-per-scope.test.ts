import t from 'tap';
import { compiledPerScope } from '../../src/context/compiled-per-scope.js';
import { createContext, type Context } from '../../src/context/request-context.js';
import type { Scope } from '../../src/context/scope.js';
import { buildTestApp } from '../helpers/app.js';
import { makeClient, makeOrganization } from '../helpers/factories.js';

/*
 * A read compiled once per scope (src/context/compiled-per-scope.ts) answers as the read built
 * on every call would: each scope keeps its own statement, the value is the call's, and it runs
 * on the caller's database.
 */
t.test('a read compiled per scope', async (t) => {
  const testApp = await buildTestApp(t);
  const { db } = testApp.database;
  const own = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const mine = await makeClient(testApp, own.id);
  const theirs = await makeClient(testApp, other.id);
  const context = (scope: Scope) =>
    createContext(db, { credential: { id: null, role: 'provider', organizationId: null }, scope, requestId: 'test' });
  let built = 0;
  const lastName = compiledPerScope((ctx: Context, id: string) => {
    built++;
    return ctx.scoped.selectFrom('clients').select(['clients.id', 'clients.last_name']).where('clients.id', '=', id);
  });
  const found = async (scope: Scope, id: string) => (await lastName(context(scope), id)).map((row) => row.id);

  t.test('each scope reads what it reaches, with the value of the call', async (t) => {
    const ownScope: Scope = { kind: 'organization', organizationId: own.id };
    const otherScope: Scope = { kind: 'organization', organizationId: other.id };
    t.same(await found(ownScope, mine.id), [mine.id]);
    t.same(await found(ownScope, theirs.id), [], 'the compiled statement keeps the organization’s condition');
    t.same(await found(otherScope, theirs.id), [theirs.id], 'another organization’s statement is its own');
    t.same(await found(otherScope, mine.id), []);
    t.same(await found({ kind: 'all' }, mine.id), [mine.id]);
    t.same(await found({ kind: 'all' }, theirs.id), [theirs.id]);
    t.equal(built, 3, 'built once for each scope, however many calls');
  });

  t.test('a partner’s read is built on every call: its grant holds today’s date', async (t) => {
    const before = built;
    const partner: Scope = { kind: 'partner', medicalOrganizationId: own.id };
    t.same(await found(partner, mine.id), [], 'no agreement, nothing shared');
    t.same(await found(partner, mine.id), []);
    t.equal(built - before, 2);
  });

  t.test('inside a unit of work it reads the transaction’s own writes', async (t) => {
    const renamed = await context({ kind: 'all' })
      .write(async (tx) => {
        await tx.scoped.updateTable('clients').set({ last_name: 'Сидорова' }).where('id', '=', mine.id).execute();
        const [row] = await lastName(tx, mine.id);
        throw Object.assign(new Error('roll back'), { row });
      })
      .catch((error: { row?: { last_name: string } }) => error.row);
    t.equal(renamed?.last_name, 'Сидорова', 'the uncommitted change is seen through the transaction');
    const [after] = await lastName(context({ kind: 'all' }), mine.id);
    t.equal(after?.last_name, mine.lastName, 'and rolled back with it');
  });

  t.test('a read that does not take its value exactly once is refused', async (t) => {
    const twice = compiledPerScope((ctx: Context, id: string) =>
      ctx.scoped.selectFrom('clients').select('clients.id').where('clients.id', '=', id).where('clients.department_id', '=', id),
    );
    const never = compiledPerScope((ctx: Context) => ctx.scoped.selectFrom('clients').select('clients.id'));
    await t.rejects(twice(context({ kind: 'all' }), mine.id), /exactly once/);
    await t.rejects(never(context({ kind: 'all' }), mine.id), /exactly once/);
  });
});
