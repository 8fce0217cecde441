import type { Db } from '../db/database.js';
import { onUniqueViolation } from '../db/errors.js';
import type { NewOrganizationRow, OrganizationRow, OrganizationUpdate } from '../db/schema.js';
import { Conflict } from '../http/errors.js';
import { after } from '../http/pagination.js';

export interface OrganizationFilter {
  /** Confines the list to one organization (a provider's own). */
  scope?: string;
  kind?: OrganizationRow['kind'];
  regionCode?: string;
  cursor?: string;
  limit: number;
}

async function innTaken(db: Db, inn: string | null | undefined): Promise<Error> {
  const existing = await db.selectFrom('organizations').select('id').where('inn', '=', inn ?? '').executeTakeFirst();
  return new Conflict(`An organization with INN ${inn} already exists (${existing?.id}).`);
}

export async function insertOrganization(db: Db, organization: NewOrganizationRow): Promise<OrganizationRow> {
  return onUniqueViolation(
    db,
    () => db.insertInto('organizations').values(organization).returningAll().executeTakeFirstOrThrow(),
    'organizations_inn_key',
    () => innTaken(db, organization.inn),
  );
}

export async function findOrganization(db: Db, id: string, scope?: string): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== undefined, (query) => query.where('id', '=', scope!))
    .executeTakeFirst();
}

export async function listOrganizations(db: Db, filter: OrganizationFilter): Promise<OrganizationRow[]> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('id', '=', filter.scope!))
    .$if(filter.kind !== undefined, (query) => query.where('kind', '=', filter.kind!))
    .$if(filter.regionCode !== undefined, (query) => query.where('region_code', '=', filter.regionCode!))
    .$if(filter.cursor !== undefined, (query) => query.where(after('organizations', filter.cursor!)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** Applies `changes` if the row is still at `expectedVersion`; undefined when it is not. */
export async function updateOrganization(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: OrganizationUpdate,
): Promise<OrganizationRow | undefined> {
  return onUniqueViolation(
    db,
    () =>
      db
        .updateTable('organizations')
        .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst(),
    'organizations_inn_key',
    () => innTaken(db, changes.inn),
  );
}
