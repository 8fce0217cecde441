import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { invalidParameter } from '../http/problems.js';
import { addRouteHook } from '../http/route-hooks.js';
import { mergeProblemResponses, problemResponses } from '../http/problem.js';
import { IdempotencyKeyReused, IdempotencyKeyRunning, withProblem } from '../http/problems.js';

/** Set on a replayed answer, so clients (and the audit trail) can tell it from a first one. */
export const REPLAY_HEADER = 'idempotent-replayed';
const KEY = /^[\x21-\x7e]{1,200}$/;
const TTL = sql`interval '24 hours'`;
/** Longer than any request may run (the server's requestTimeout is 60 s). */
const ABANDONED = sql`interval '2 minutes'`;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * false on creates whose body is a stream (bulk imports: they are idempotent by matching records
     * instead) and on creates whose answer must not be kept (an API key's secret).
     */
    idempotencyKey?: false;
  }
  interface FastifyRequest {
    idempotencyClaim?: { credential: string; key: string };
  }
}

const credentialOf = (request: FastifyRequest) => request.credential.id ?? `env:${request.credential.role}`;

/**
 * A JSON value with every object's members in key order, recursively (arrays keep theirs): the same
 * body sent with its members in another order is the same request. The JSON body parser has
 * already refused nesting deep enough to overflow the stack here.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => [key, canonical(member)]),
  );
}

/** What tells one request from another under one key: its method, URL and canonical body. */
export function requestHash({ method, url, body }: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${JSON.stringify(canonical(body ?? null))}`)
    .digest('base64url');
}

/** The creates: the routes that take the header, and the only ones whose hooks look for it. */
const takesIdempotencyKey = (route: RouteOptions) =>
  route.method === 'POST' && route.url.startsWith('/v1/') && route.config?.idempotencyKey !== false;

/** The conditions of a claim, as each create's responses name them. */
const CLAIM_RESPONSES = problemResponses(IdempotencyKeyRunning, IdempotencyKeyReused);

/**
 * `Idempotency-Key` on every create (POST): the first request with a key runs and its answer is
 * kept for 24 hours per credential; a retry with the same body gets that answer again (status,
 * body, Location, ETag) without a second record; the same key with another body is a 422; a retry
 * while the first is still running is a 409. Concurrent retries race for one row: exactly one runs.
 */
export const idempotencyClaim = fp(
  async function idempotencyClaim(app: FastifyInstance, { db }: { db: Db }) {
    // Every create documents the header and the claim's conditions, so Swagger UI and generated clients offer them.
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!takesIdempotencyKey(route)) return;
      addRouteHook(route, 'preHandler', claim);
      const schema = (route.schema ??= {}) as {
        headers?: { type?: string; properties?: Record<string, unknown> };
        response?: Record<string, { description?: string }>;
      };
      schema.response = mergeProblemResponses(schema.response ?? {}, CLAIM_RESPONSES);
      schema.headers = {
        ...schema.headers,
        type: 'object',
        properties: {
          ...schema.headers?.properties,
          'idempotency-key': {
            type: 'string',
            description: 'Makes a retry safe: the same key with the same body answers the first result again for 24 hours.',
            examples: ['3f1c9a2e-7b4d-4e8a-9c0f-1a2b3c4d5e6f'],
          },
        },
      };
    });

    async function claim(request: FastifyRequest, reply: FastifyReply) {
      const key = request.headers['idempotency-key'];
      if (key === undefined || !request.credential) return;
      if (typeof key !== 'string' || !KEY.test(key)) {
        throw invalidParameter('headers', '/idempotency-key', 'must be 1-200 visible ASCII characters');
      }
      const credential = credentialOf(request);
      const hash = requestHash(request);
      // An expired key is free again, and so is a claim that never got its answer (the database went
      // away before the request could record or free it): no request runs longer than ABANDONED.
      await db
        .deleteFrom('idempotency_keys')
        .where('credential', '=', credential)
        .where('key', '=', key)
        .where((eb) =>
          eb.or([
            eb(sql`created_at`, '<', sql`now() - ${TTL}`),
            eb.and([eb('status_code', 'is', null), eb(sql`created_at`, '<', sql`now() - ${ABANDONED}`)]),
          ]),
        )
        .execute();
      const claimed = await db
        .insertInto('idempotency_keys')
        .values({ credential, key, request_hash: hash, route: request.routeOptions.url ?? request.url })
        .onConflict((conflict) => conflict.columns(['credential', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (claimed) {
        request.idempotencyClaim = { credential, key };
        return;
      }
      const stored = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('credential', '=', credential)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (stored.request_hash !== hash) {
        throw withProblem(new IdempotencyKeyReused(), {
          errors: [{ in: 'headers', pointer: '/idempotency-key', message: 'was used with another request' }],
        });
      }
      if (stored.status_code === null) throw new IdempotencyKeyRunning();
      reply.code(stored.status_code).header(REPLAY_HEADER, 'true');
      if (stored.location) reply.header('location', stored.location);
      if (stored.etag) reply.header('etag', stored.etag);
      if (stored.content_type) reply.type(stored.content_type);
      return reply.send(stored.body);
    }
  },
  // Before the handler's unit of work: the claim must be visible to concurrent retries at once,
  // outside the write's transaction, and a replay never reaches the handler.
  { name: 'idempotency-claim', dependencies: ['auth'] },
);

/** Keeps the answer of a claimed request; its unit of work committed in the handler, before the answer. */
export const idempotencyRecord = fp(
  async function idempotencyRecord(app: FastifyInstance, { db }: { db: Db }) {
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!takesIdempotencyKey(route)) return;
      addRouteHook(route, 'onSend', record);
      addRouteHook(route, 'onResponse', free);
    });

    async function record(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const claim = request.idempotencyClaim;
      if (!claim) return payload;
      request.idempotencyClaim = undefined;
      const where = db.updateTable('idempotency_keys').where('credential', '=', claim.credential).where('key', '=', claim.key);
      if (reply.statusCode >= 500) {
        // A failure of ours is not an answer to keep: the key is free for the retry.
        await db.deleteFrom('idempotency_keys').where('credential', '=', claim.credential).where('key', '=', claim.key).execute();
        return payload;
      }
      await where
        .set({
          status_code: reply.statusCode,
          content_type: String(reply.getHeader('content-type') ?? ''),
          location: (reply.getHeader('location') as string | undefined) ?? null,
          etag: (reply.getHeader('etag') as string | undefined) ?? null,
          body: typeof payload === 'string' ? payload : JSON.stringify(payload),
        })
        .execute();
      return payload;
    }

    /** A request that never got to answer frees its key. */
    async function free(request: FastifyRequest) {
      const claim = request.idempotencyClaim;
      if (claim) await db.deleteFrom('idempotency_keys').where('credential', '=', claim.credential).where('key', '=', claim.key).execute();
    }
  },
  { name: 'idempotency-record', dependencies: ['request-context'] },
);
