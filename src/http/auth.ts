import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { findActiveKeyBySecret, touchKey } from '../api-keys/repository.js';
import { KeyCache } from '../api-keys/key-cache.js';
import { hashSecret, secretsEqual } from '../api-keys/secrets.js';
import type { Db } from '../db/database.js';
import { Forbidden, NotFound, Unauthorized } from './errors.js';
import { isFhirPath, outcomeResponses, problemResponses } from './problem.js';

export const ROLES = ['admin', 'regional', 'provider', 'medical_partner'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: an API key from the database, or the configured API_ADMIN_KEY. */
export interface Credential {
  /** The key's id; null for API_ADMIN_KEY, which has no row. */
  id: string | null;
  role: Role;
  /** The organization a provider or medical partner belongs to; null for admin and regional. */
  organizationId: string | null;
}

/**
 * The one declaration of who may call a route. `organization` names where the route states the
 * organization it acts on: a provider may only name its own (another one's id in the path is a
 * 404, as if it did not exist; in the body or the query a 403).
 */
export interface Access {
  roles: readonly Role[];
  organization?: { params: string } | { body: string } | { query: string };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Recently authenticated keys; revoking a key must forget it here. */
    keyCache: KeyCache;
  }
  interface FastifyRequest {
    credential: Credential;
  }
}

/** Routes under these prefixes are the API and must declare their access; the rest is public. */
const PROTECTED_PREFIXES = ['/v1/', '/fhir/'];
/** Public despite its prefix: what a FHIR client reads before it authenticates. */
const PUBLIC_ROUTES = new Set(['/fhir/r4/metadata']);

/** Roles that see every organization; the others are held to their own. */
const ALL_ORGANIZATIONS: ReadonlySet<Role> = new Set(['admin', 'regional']);

/**
 * The organization a caller is confined to, or undefined when it sees them all. Fails closed: an
 * organization-bound key without its organization (which the api_keys CHECK constraint already
 * forbids) is refused rather than read as "every organization".
 */
export function organizationScope(credential: Credential): string | undefined {
  if (ALL_ORGANIZATIONS.has(credential.role)) return undefined;
  if (!credential.organizationId) throw new Forbidden(`A ${credential.role} key without an organization may not act.`);
  return credential.organizationId;
}

export interface AuthOptions {
  db: Db;
  adminKey?: string;
}

export default fp(
  async function auth(app: FastifyInstance, { db, adminKey }: AuthOptions) {
    app.decorateRequest('credential', null as unknown as Credential);
    const keyCache = new KeyCache();
    app.decorate('keyCache', keyCache);

    async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const secret = bearerToken(request.headers.authorization);
      if (!secret) {
        reply.header('www-authenticate', 'Bearer');
        throw new Unauthorized('Send an API key as "Authorization: Bearer <key>".');
      }
      if (adminKey && secretsEqual(secret, adminKey)) {
        request.credential = { id: null, role: 'admin', organizationId: null };
        return;
      }
      const hash = hashSecret(secret);
      let key = keyCache.get(hash);
      if (!key) {
        key = await findActiveKeyBySecret(db, hash);
        if (key) keyCache.set(hash, key);
      }
      if (!key) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new Unauthorized('The API key is unknown or revoked.');
      }
      await touchKey(db, key);
      request.credential = { id: key.id, role: key.role, organizationId: key.organization_id };
    }

    app.addHook('onRoute', (route: RouteOptions) => {
      const isProtected = PROTECTED_PREFIXES.some((prefix) => route.url.startsWith(prefix)) && !PUBLIC_ROUTES.has(route.url);
      const access = route.config?.access;
      if (!isProtected) return;
      if (!access) throw new Error(`Route ${route.method} ${route.url} does not declare its access`);

      route.onRequest = [
        ...toArray(route.onRequest),
        async (request: FastifyRequest, reply: FastifyReply) => {
          await authenticate(request, reply);
          if (!access.roles.includes(request.credential.role)) {
            throw new Forbidden(`The role ${request.credential.role} may not use ${route.method} ${route.url}.`);
          }
        },
      ];
      if (access.organization) {
        const where = access.organization;
        route.preHandler = [
          ...toArray(route.preHandler),
          async (request: FastifyRequest) => checkOrganization(request, where),
        ];
      }
      documentAccess(route, access);
    });
  },
  { name: 'auth' },
);

function checkOrganization(request: FastifyRequest, where: NonNullable<Access['organization']>): void {
  const scope = organizationScope(request.credential);
  if (scope === undefined) return;
  if ('params' in where) {
    const id = (request.params as Record<string, string>)[where.params];
    if (id !== scope) throw new NotFound('Organization', id);
  } else {
    const named = 'body' in where ? (request.body as Record<string, unknown> | undefined)?.[where.body] : (request.query as Record<string, unknown>)[where.query];
    if (named !== scope) throw new Forbidden(`A ${request.credential.role} key acts only within its own organization (${scope}).`);
  }
}

function documentAccess(route: RouteOptions, access: Access): void {
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  const roles = access.roles.map((role) => (ALL_ORGANIZATIONS.has(role) ? role : `${role} (own organization)`));
  schema.security = [{ bearerAuth: [] }];
  schema.description = [schema.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
  const errors = isFhirPath(route.url) ? outcomeResponses(401, 403, 429) : problemResponses(401, 403, 429);
  schema.response = { ...errors, ...(schema.response as object) };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
