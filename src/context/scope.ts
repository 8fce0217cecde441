import type { Role } from '../enums.js';
import { RoleForbidden } from '../http/problems.js';

/** Who is calling: an API key from the database, or the configured API_ADMIN_KEY. */
export interface Credential {
  /** The key's id; null for API_ADMIN_KEY, which has no row. */
  id: string | null;
  role: Role;
  /** The organization a provider or medical partner belongs to; null for admin and regional. */
  organizationId: string | null;
}

/**
 * What a caller may see, as a closed type: every organization (admin, regional, the service's
 * own tasks), one social-service organization (provider), or what agreements and consents grant
 * one medical organization (medical partner). Every read and write of an organization-owned table
 * applies it (src/context/scoped-db.ts).
 */
export type Scope =
  | { readonly kind: 'all' }
  | { readonly kind: 'organization'; readonly organizationId: string }
  | { readonly kind: 'partner'; readonly medicalOrganizationId: string };

export const EVERY_ORGANIZATION: Scope = { kind: 'all' };

/**
 * The scope of a credential. Fails closed: an organization-bound key without its organization
 * (which the api_keys CHECK constraint already forbids) is refused rather than read as "every
 * organization".
 */
export function scopeOf(credential: Credential): Scope {
  switch (credential.role) {
    case 'admin':
    case 'regional':
      return EVERY_ORGANIZATION;
    case 'provider':
      if (!credential.organizationId) throw new RoleForbidden(credential.role, 'the API without an organization');
      return { kind: 'organization', organizationId: credential.organizationId };
    case 'medical_partner':
      if (!credential.organizationId) throw new RoleForbidden(credential.role, 'the API without an organization');
      return { kind: 'partner', medicalOrganizationId: credential.organizationId };
  }
}

/** Whether the scope reaches the organization's own records (a partner's never does: it only reads what it is granted). */
export function reaches(scope: Scope, organizationId: string): boolean {
  return scope.kind === 'all' || (scope.kind === 'organization' && scope.organizationId === organizationId);
}

/**
 * The one organization a scope is confined to, or undefined for every organization; for raw SQL
 * (reports) that applies the scope itself. A partner's grant is no organization: refused.
 */
export function confinedTo(scope: Scope): string | undefined {
  if (scope.kind === 'partner') throw new RoleForbidden('medical_partner', 'an organization’s records');
  return scope.kind === 'organization' ? scope.organizationId : undefined;
}
