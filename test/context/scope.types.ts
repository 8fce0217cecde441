/*
 * Type-level test, checked by `tsc --noEmit` (npm run typecheck, CI): a request's context offers
 * the organization-owned tables only with the caller's scope applied. Each `@ts-expect-error`
 * fails the type check if the line below it ever compiles, i.e. if an unscoped read or write of an
 * owned table becomes possible. Nothing here runs.
 */
import type { Context, UnitOfWork } from '../../src/context/request-context.js';

export function unscopedReadsDoNotCompile(ctx: Context) {
  // The shared tables are there as they are.
  void ctx.db.selectFrom('organizations').selectAll();
  void ctx.db.selectFrom('instruments').selectAll();

  // @ts-expect-error clients belong to an organization: read them through ctx.scoped
  void ctx.db.selectFrom('clients').selectAll();
  // @ts-expect-error assessments too
  void ctx.db.selectFrom('assessments').selectAll();
  // @ts-expect-error and a child table reached through its parent
  void ctx.db.selectFrom('consents').selectAll();

  // The scoped way compiles.
  void ctx.scoped.selectFrom('clients').selectAll().where('clients.id', '=', 'x');
}

export function unscopedWritesDoNotCompile(tx: UnitOfWork) {
  // @ts-expect-error an update of an owned table without the scope
  void tx.db.updateTable('clients').set({ notes: null });
  // @ts-expect-error an insert without the scope's check of its organization
  void tx.db.insertInto('staff').values({ organization_id: 'x', full_name: 'x', position: 'other', active: true });
  // @ts-expect-error a delete of a child row without its parent's organization
  void tx.db.deleteFrom('activity_participants');

  void tx.scoped.updateTable('clients').set({ notes: null });
  // @ts-expect-error a child row is inserted with the parent row that places it in the scope
  void tx.scoped.insertInto('consents', {
    client_id: 'x',
    kind: 'medical_data_sharing',
    status: 'granted',
    given_on: '2026-01-01',
    document: 'x',
  });
}

export function aReadContextCannotWrite(ctx: Context) {
  const write = async (tx: UnitOfWork) => tx.requestId;
  // @ts-expect-error writes take a unit of work, which only `RequestContext.write` hands out
  void write(ctx);
}
