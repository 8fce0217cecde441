import type { UnitOfWork } from '../context/request-context.js';
import type { ApiKeyRow } from '../db/schema.js';
import { NotFound, withFields } from '../http/problems.js';
import { findOrganization } from '../organizations/repository.js';
import { ApiKeyOrganizationKind, ApiKeyOrganizationNotAllowed, ApiKeyOrganizationRequired } from './problems.js';
import { insertKey, revokeKey } from './repository.js';
import type { ApiKey, CreateApiKey, CreatedApiKey } from './schemas.js';
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

async function checkOrganization(tx: UnitOfWork, { role, organizationId }: CreateApiKey): Promise<void> {
  const pointer = '/organizationId';
  if (role === 'admin' || role === 'regional') {
    if (organizationId) throw withFields(new ApiKeyOrganizationNotAllowed(role), [{ pointer, message: 'must be absent' }]);
    return;
  }
  if (!organizationId) throw withFields(new ApiKeyOrganizationRequired(role), [{ pointer, message: 'is required' }]);
  const organization = await findOrganization(tx, organizationId);
  const kind = ORGANIZATION_KIND[role];
  if (organization?.kind !== kind) {
    throw withFields(new ApiKeyOrganizationKind(role, kind), [{ pointer, message: `is not a ${kind} organization of this register` }]);
  }
}

/** Creates a key and answers it with its secret, which exists only in this answer. */
export async function createApiKey(tx: UnitOfWork, input: CreateApiKey): Promise<CreatedApiKey> {
  await checkOrganization(tx, input);
  const secret = generateSecret();
  const row = await insertKey(tx, { name: input.name, role: input.role, organization_id: input.organizationId ?? null }, secret);
  return { ...toApiKey(row), secret };
}

export async function revokeApiKey(tx: UnitOfWork, id: string): Promise<ApiKeyRow> {
  const row = await revokeKey(tx, id);
  if (!row) throw new NotFound('API key', id);
  return row;
}
