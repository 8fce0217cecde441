import type { Context, UnitOfWork } from '../context/request-context.js';
import type { CarerRow, CarerTable, RepresentativeRow, RepresentativeTable } from '../db/schema.js';
import type { Insertable, Updateable } from 'kysely';

export async function insertCarer(tx: UnitOfWork, row: Insertable<CarerTable>): Promise<CarerRow> {
  return tx.scoped.insertInto('carers', row).returningAll().executeTakeFirstOrThrow();
}

/** A client's carers, for `paginate`. */
export function carersQuery(ctx: Context, clientId: string) {
  return ctx.scoped.selectFrom('carers').selectAll().where('carers.client_id', '=', clientId);
}

export async function findCarer(ctx: Context, clientId: string, id: string): Promise<CarerRow | undefined> {
  return carersQuery(ctx, clientId).where('carers.id', '=', id).executeTakeFirst();
}

/** Carers by id in the caller's scope, whoever their client is (session attendance). */
export async function carersById(ctx: Context, ids: string[]): Promise<CarerRow[]> {
  if (ids.length === 0) return [];
  return ctx.scoped.selectFrom('carers').selectAll().where('carers.id', 'in', ids).execute();
}

export async function updateCarer(tx: UnitOfWork, id: string, expectedVersion: number, changes: Updateable<CarerTable>) {
  return tx.scoped
    .updateTable('carers')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function insertRepresentative(tx: UnitOfWork, row: Insertable<RepresentativeTable>): Promise<RepresentativeRow> {
  return tx.scoped.insertInto('representatives', row).returningAll().executeTakeFirstOrThrow();
}

/** A client's representatives, for `paginate`. */
export function representativesQuery(ctx: Context, clientId: string) {
  return ctx.scoped.selectFrom('representatives').selectAll().where('representatives.client_id', '=', clientId);
}

export async function findRepresentative(ctx: Context, clientId: string, id: string): Promise<RepresentativeRow | undefined> {
  return representativesQuery(ctx, clientId).where('representatives.id', '=', id).executeTakeFirst();
}

export async function updateRepresentative(tx: UnitOfWork, id: string, expectedVersion: number, changes: Updateable<RepresentativeTable>) {
  return tx.scoped
    .updateTable('representatives')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
