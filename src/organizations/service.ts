import type { Db } from '../db/database.js';
import type { OrganizationRow } from '../db/schema.js';
import { expectedVersion, failedUpdate } from '../db/versioning.js';
import type { IfMatch } from '../http/etag.js';
import { NotFound, invalidFields } from '../http/errors.js';
import { isValidInn } from './inn.js';
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
  if (inn && !isValidInn(inn)) throw invalidFields('The INN check digits do not match.', [{ pointer: '/inn', message: 'has wrong check digits' }]);
  if (timeZone && !isTimeZone(timeZone)) {
    throw invalidFields('Unknown time zone.', [{ pointer: '/timeZone', message: 'is not an IANA time zone such as Europe/Moscow' }]);
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

export async function createOrganization(db: Db, input: CreateOrganization): Promise<OrganizationRow> {
  check(input);
  return repository.insertOrganization(db, {
    name: input.name,
    short_name: input.shortName ?? null,
    kind: input.kind,
    region_code: input.regionCode,
    inn: input.inn ?? null,
    address: input.address ?? null,
    time_zone: input.timeZone,
  });
}

export async function getOrganization(db: Db, id: string, scope?: string): Promise<OrganizationRow> {
  const row = await repository.findOrganization(db, id, scope);
  if (!row) throw new NotFound('Organization', id);
  return row;
}

export async function updateOrganization(
  db: Db,
  id: string,
  ifMatch: IfMatch,
  input: UpdateOrganization,
): Promise<OrganizationRow> {
  check(input);
  const current = await getOrganization(db, id);
  const updated = await repository.updateOrganization(db, id, expectedVersion(ifMatch, current), {
    name: input.name,
    short_name: input.shortName,
    region_code: input.regionCode,
    inn: input.inn,
    address: input.address,
    time_zone: input.timeZone,
  });
  if (updated) return updated;
  throw failedUpdate(await repository.findOrganization(db, id), ifMatch, () => new NotFound('Organization', id));
}
