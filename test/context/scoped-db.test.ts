import t from 'tap';
import { createContext, systemContext } from '../../src/context/request-context.js';
import type { Scope } from '../../src/context/scope.js';
import { buildTestApp } from '../helpers/app.js';
import { makeClient, makeOrganization } from '../helpers/factories.js';

/*
 * The scope is applied by the context itself, whatever the repository asks: these statements
 * name no organization, and still see only the caller's rows.
 */
t.test('a scoped context', async (t) => {
  const testApp = await buildTestApp(t);
  const { db } = testApp.database;
  const own = await makeOrganization(testApp);
  const other = await makeOrganization(testApp);
  const mine = await makeClient(testApp, own.id);
  const theirs = await makeClient(testApp, other.id);
  const context = (scope: Scope) =>
    createContext(db, { credential: { id: null, role: 'provider', organizationId: own.id }, scope, requestId: 'test' });
  const provider = context({ kind: 'organization', organizationId: own.id });
  const ids = async (scope: Scope) =>
    (await context(scope).scoped.selectFrom('clients').select('clients.id').where('clients.id', 'in', [mine.id, theirs.id]).execute())
      .map((row) => row.id)
      .sort();

  t.test('reads only its organization’s rows', async (t) => {
    t.same(await ids({ kind: 'organization', organizationId: own.id }), [mine.id]);
    t.same(await ids({ kind: 'all' }), [mine.id, theirs.id].sort());
    t.same(await ids({ kind: 'partner', medicalOrganizationId: own.id }), [], 'a partner without an agreement sees nothing');
  });

  t.test('updates only its organization’s rows', async (t) => {
    const result = await provider.scoped.updateTable('clients').set({ notes: 'touched' }).where('id', 'in', [mine.id, theirs.id]).execute();
    t.equal(Number(result[0]?.numUpdatedRows), 1);
    const other = await db.selectFrom('clients').select('notes').where('id', '=', theirs.id).executeTakeFirstOrThrow();
    t.equal(other.notes, null, 'the other organization’s client is untouched');
  });

  t.test('reaches child rows only through its own parents', async (t) => {
    const consent = { kind: 'medical_data_sharing' as const, status: 'granted' as const, given_on: '2026-01-01', document: 'заявление' };
    await systemContext(db, 'test')
      .scoped.insertChildren('consents', { organization_id: other.id }, { client_id: theirs.id, ...consent })
      .execute();
    const seen = await provider.scoped.selectFrom('consents').select('consents.id').where('consents.client_id', '=', theirs.id).execute();
    t.same(seen, []);
  });

  t.test('refuses to insert a row of another organization', async (t) => {
    t.throws(
      () => provider.scoped.insertInto('staff', { organization_id: other.id, full_name: 'Петрова Анна', position: 'other', active: true }),
      { code: 'LTC_OTHER_ORGANIZATION', statusCode: 403 },
    );
    t.throws(
      () =>
        provider.scoped.insertChildren(
          'consents',
          { organization_id: other.id },
          { client_id: theirs.id, kind: 'medical_data_sharing', status: 'granted', given_on: '2026-01-01', document: 'x' },
        ),
      {
        code: 'LTC_OTHER_ORGANIZATION',
      },
    );
  });
});
