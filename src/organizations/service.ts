import type { Context, UnitOfWork } from '../context/request-context.js';
import { onUniqueViolation } from '../db/errors.js';
import type { OrganizationRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, withFields } from '../http/problems.js';
import { isValidInn } from './inn.js';
import { InnCheckDigits, OrganizationInnTaken, TimeZoneUnknown } from './problems.js';
import * as repository from './repository.js';
import type { CreateOrganization, Organization, UpdateOrganization } from './schemas.js';

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    shortName: row.short_name,
    kind: row.kind,
    regionCode: row.region_code,
    inn: row.inn,
    address: row.address,
    timeZone: row.time_zone,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function check({ inn, timeZone }: { inn?: string | null; timeZone?: string }): void {
  if (inn && !isValidInn(inn)) throw withFields(new InnCheckDigits(), [{ pointer: '/inn', message: 'has wrong check digits' }]);
  if (timeZone && !isTimeZone(timeZone)) {
    throw withFields(new TimeZoneUnknown(), [{ pointer: '/timeZone', message: 'is not an IANA time zone such as Europe/Moscow' }]);
  }
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Runs a write that may give the organization an INN another one holds, naming that one. */
function guardInn<T>(tx: UnitOfWork, inn: string | null | undefined, write: () => Promise<T>): Promise<T> {
  return onUniqueViolation(tx.db, write, 'organizations_inn_key', async () => {
    const existing = inn ? await repository.findOrganizationByInn(tx, inn) : undefined;
    return new OrganizationInnTaken(String(inn), existing ? ` (${existing.id})` : '');
  });
}

export async function createOrganization(tx: UnitOfWork, input: CreateOrganization): Promise<OrganizationRow> {
  check(input);
  return guardInn(tx, input.inn, () =>
    repository.insertOrganization(tx, {
      name: input.name,
      short_name: input.shortName ?? null,
      kind: input.kind,
      region_code: input.regionCode,
      inn: input.inn ?? null,
      address: input.address ?? null,
      time_zone: input.timeZone,
    }),
  );
}

/** The organization, when the caller may see it (a provider its own only); a 404 otherwise. */
export async function getOrganization(ctx: Context, id: string): Promise<OrganizationRow> {
  const row = await repository.findOrganization(ctx, id);
  if (!row) throw new NotFound('Organization', id);
  return row;
}

export async function updateOrganization(
  tx: UnitOfWork,
  id: string,
  ifMatch: IfMatch,
  input: UpdateOrganization,
): Promise<OrganizationRow> {
  check(input);
  const current = await getOrganization(tx, id);
  const updated = await guardInn(tx, input.inn, () =>
    repository.updateOrganization(tx, id, expectedVersion(ifMatch, current), {
      name: input.name,
      short_name: input.shortName,
      region_code: input.regionCode,
      inn: input.inn,
      address: input.address,
      time_zone: input.timeZone,
    }),
  );
  if (updated) return updated;
  throw failedUpdate(await repository.findOrganization(tx, id), ifMatch, () => new NotFound('Organization', id));
}
