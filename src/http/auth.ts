import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { findActiveKeyBySecret, touchKey } from '../api-keys/repository.js';
import { KeyCache } from '../api-keys/key-cache.js';
import { listenForKeyChanges, type KeyChangeListener } from '../api-keys/key-changes.js';
import { hashSecret } from '../api-keys/secrets.js';
import type { Db } from '../db/database.js';
import { createContext } from '../context/request-context.js';
import { scopeOf, type Credential } from '../context/scope.js';
import type { Role } from '../enums.js';
import { isFhirPath, outcomeResponses, problemResponses } from './problem.js';
import { addRouteHook } from './route-hooks.js';
import { ApiKeyInvalid, ApiKeyMissing, NotFound, OtherOrganization, RoleForbidden } from './problems.js';

export type { Credential } from '../context/scope.js';

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

export const isProtectedRoute = (url: string) => PROTECTED_PREFIXES.some((prefix) => url.startsWith(prefix)) && !PUBLIC_ROUTES.has(url);

/** Roles that see every organization; the others are held to their own. */
const ALL_ORGANIZATIONS: ReadonlySet<Role> = new Set(['admin', 'regional']);

export interface AuthOptions {
  db: Db;
  adminKey?: string;
  /** Where to listen for changes to keys; without it (generating the contract) no key is cached. */
  databaseUrl?: string;
}

export default fp(
  async function auth(app: FastifyInstance, { db, adminKey, databaseUrl }: AuthOptions) {
    app.decorateRequest('credential', null as unknown as Credential);
    const keyCache = new KeyCache();
    const adminKeyHash = adminKey ? hashSecret(adminKey) : undefined;
    app.decorate('keyCache', keyCache);
    if (databaseUrl) {
      let listener: KeyChangeListener | undefined;
      app.addHook('onReady', async () => {
        listener = listenForKeyChanges(databaseUrl, keyCache, app.log);
      });
      app.addHook('onClose', async () => listener?.close());
    }

    async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const bearer = bearerSecret(request);
      if (!bearer) {
        reply.header('www-authenticate', 'Bearer');
        throw new ApiKeyMissing();
      }
      const { hash } = bearer;
      if (adminKeyHash && timingSafeEqual(hash, adminKeyHash)) {
        request.credential = { id: null, role: 'admin', organizationId: null };
        return;
      }
      const key = await keyCache.lookup(hash, () => findActiveKeyBySecret(db, hash));
      if (!key) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new ApiKeyInvalid();
      }
      await touchKey(db, key);
      request.credential = { id: key.id, role: key.role, organizationId: key.organization_id };
    }

    app.addHook('onRoute', (route: RouteOptions) => {
      const access = route.config?.access;
      if (!isProtectedRoute(route.url)) return;
      if (!access) throw new Error(`Route ${String(route.method)} ${route.url} does not declare its access`);

      addRouteHook(route, 'onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        await authenticate(request, reply);
        const { credential } = request;
        if (!access.roles.includes(credential.role)) throw new RoleForbidden(credential.role, `${String(route.method)} ${route.url}`);
        const declaration = route.config?.audit;
        request.ctx = createContext(db, {
          credential,
          scope: scopeOf(credential),
          requestId: request.id,
          audit: declaration ? { declaration, request, sourceIp: request.ip } : undefined,
        });
      });
      if (access.organization) {
        const where = access.organization;
        addRouteHook(route, 'preHandler', async (request: FastifyRequest) => checkOrganization(request, where));
      }
      documentAccess(route, access);
    });
  },
  { name: 'auth' },
);

function checkOrganization(request: FastifyRequest, where: NonNullable<Access['organization']>): void {
  const { scope, credential } = request.ctx;
  if (scope.kind === 'all') return;
  const own = scope.kind === 'organization' ? scope.organizationId : scope.medicalOrganizationId;
  if ('params' in where) {
    const id = (request.params as Record<string, string>)[where.params];
    if (id !== own) throw new NotFound('Organization', String(id));
  } else {
    const named =
      'body' in where
        ? (request.body as Record<string, unknown> | undefined)?.[where.body]
        : (request.query as Record<string, unknown>)[where.query];
    if (named !== own) throw new OtherOrganization(credential.role, own);
  }
}

function documentAccess(route: RouteOptions, access: Access): void {
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  const roles = access.roles.map((role) => (ALL_ORGANIZATIONS.has(role) ? role : `${role} (own organization)`));
  schema.security = [{ bearerAuth: [] }];
  // The HEAD route Fastify adds for a GET shares its schema object: the line is stated once.
  const rolesLine = `Roles: ${roles.join(', ')}.`;
  const description = typeof schema.description === 'string' ? schema.description : '';
  if (!description.endsWith(rolesLine)) schema.description = [description, rolesLine].filter(Boolean).join('\n\n');
  // What any /v1 operation may answer before its handler: the key, the rate limit, the database
  // down; and for one that takes a body, the body parser's refusals (too large, unsupported type).
  const takesBody = [route.method].flat().some((method) => method !== 'GET' && method !== 'HEAD');
  const statuses = [401, 403, 429, 503, ...(takesBody ? [413, 415] : [])];
  const errors = isFhirPath(route.url) ? outcomeResponses(...statuses) : problemResponses(...statuses);
  schema.response = { ...errors, ...(schema.response as object) };
}

interface BearerSecret {
  secret: string;
  hash: Buffer;
}
const bearerSecrets = new WeakMap<FastifyRequest, BearerSecret | undefined>();

/**
 * The request's bearer secret and its hash, read once: the rate limit keys its budget on the hash
 * before authentication looks the key up by it.
 */
export function bearerSecret(request: FastifyRequest): BearerSecret | undefined {
  if (bearerSecrets.has(request)) return bearerSecrets.get(request);
  const secret = bearerToken(request.headers.authorization);
  const bearer = secret ? { secret, hash: hashSecret(secret) } : undefined;
  bearerSecrets.set(request, bearer);
  return bearer;
}

/** The secret of an `Authorization: Bearer` header (the scheme in any case, RFC 9110 § 11.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
