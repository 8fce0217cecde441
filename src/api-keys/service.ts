import type { Db } from '../db/database.js';
import type { ApiKeyRow } from '../db/schema.js';
import { NotFound, invalidFields } from '../http/errors.js';
import { findOrganization } from '../organizations/repository.js';
import { insertKey, revokeKey } from './repository.js';
import type { ApiKey, CreateApiKey } from './schemas.js';
import { generateSecret } from './secrets.js';

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    organizationId: row.organization_id,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** The kind of organization each organization-bound role belongs to. */
const ORGANIZATION_KIND = { provider: 'social_service', medical_partner: 'medical' } as const;

async function checkOrganization(db: Db, { role, organizationId }: CreateApiKey): Promise<void> {
  const pointer = '/organizationId';
  if (role === 'admin' || role === 'regional') {
    if (organizationId) throw invalidFields(`A ${role} key is not tied to an organization.`, [{ pointer, message: 'must be absent' }]);
    return;
  }
  if (!organizationId) throw invalidFields(`A ${role} key belongs to an organization.`, [{ pointer, message: 'is required' }]);
  const organization = await findOrganization(db, organizationId);
  const kind = ORGANIZATION_KIND[role];
  if (organization?.kind !== kind) {
    throw invalidFields(`A ${role} key belongs to a registered ${kind} organization.`, [
      { pointer, message: `is not a ${kind} organization of this register` },
    ]);
  }
}

/** Creates a key and returns its secret, which exists only in this answer. */
export async function createApiKey(db: Db, input: CreateApiKey): Promise<{ row: ApiKeyRow; secret: string }> {
  await checkOrganization(db, input);
  const secret = generateSecret();
  const row = await insertKey(db, { name: input.name, role: input.role, organization_id: input.organizationId ?? null }, secret);
  return { row, secret };
}

export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRow> {
  const row = await revokeKey(db, id);
  if (!row) throw new NotFound('API key', id);
  return row;
}
