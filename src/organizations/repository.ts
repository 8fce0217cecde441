import type { Context, UnitOfWork } from '../context/request-context.js';
import type { NewOrganizationRow, OrganizationRow, OrganizationUpdate } from '../db/schema.js';
import type { OrganizationListFilter } from './schemas.js';

/**
 * The organizations a context reads. Organizations are shared, but a provider sees only its own:
 * the one place its scope applies to them.
 */
function visibleOrganizations(ctx: Context) {
  const query = ctx.db.selectFrom('organizations').selectAll();
  return ctx.scope.kind === 'organization' ? query.where('organizations.id', '=', ctx.scope.organizationId) : query;
}

export async function insertOrganization(tx: UnitOfWork, organization: NewOrganizationRow): Promise<OrganizationRow> {
  return tx.db.insertInto('organizations').values(organization).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganization(ctx: Context, id: string): Promise<OrganizationRow | undefined> {
  return visibleOrganizations(ctx).where('organizations.id', '=', id).executeTakeFirst();
}

export async function findOrganizationByInn(ctx: Context, inn: string): Promise<OrganizationRow | undefined> {
  return visibleOrganizations(ctx).where('organizations.inn', '=', inn).executeTakeFirst();
}

/** The organizations a list filter selects, for `paginate`. */
export function organizationsQuery(ctx: Context, filter: OrganizationListFilter) {
  let query = visibleOrganizations(ctx);
  if (filter.kind !== undefined) query = query.where('organizations.kind', '=', filter.kind);
  if (filter.regionCode !== undefined) query = query.where('organizations.region_code', '=', filter.regionCode);
  return query;
}

/** Applies `changes` if the row is still at `expectedVersion`; undefined when it is not. */
export async function updateOrganization(
  tx: UnitOfWork,
  id: string,
  expectedVersion: number,
  changes: OrganizationUpdate,
): Promise<OrganizationRow | undefined> {
  return tx.db
    .updateTable('organizations')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
