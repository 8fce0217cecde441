import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ControlledTransaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { AuditAction, Database } from '../db/schema.js';
import { recordAuditEvent } from './repository.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The database for this request: a transaction of its own for writes, shared by the audit event. */
    db: Db;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Path segments that name an action on the resource before them. */
const ACTION_SEGMENTS: Record<string, AuditAction> = { finalize: 'finalize', archive: 'archive', retire: 'archive', approve: 'update' };
const DEFAULT_ACTIONS: Record<string, AuditAction> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'archive' };

/** What a write route acts on, from its URL: `/v1/clients/:id/archive` archives a client. */
export function writeTarget(url: string, method: string, body: unknown): { action: AuditAction; resource: string } {
  const segments = url.split('/').filter((segment) => segment && segment !== 'v1' && !segment.startsWith(':'));
  const last = segments.at(-1) ?? 'unknown';
  const named = ACTION_SEGMENTS[last];
  const resourceSegment = named ? (segments.at(-2) ?? last) : last;
  const resource = resourceSegment.replace(/-/g, '_').replace(/(?<!staff|series)s$/, '');
  const supersedes = method === 'POST' && resource === 'assessment' && (body as { supersedes?: unknown } | undefined)?.supersedes;
  return { action: supersedes ? 'supersede' : (named ?? DEFAULT_ACTIONS[method] ?? 'update'), resource };
}

function responseIds(request: FastifyRequest, payload: unknown): { resourceId: string | null; clientId: string | null } {
  const params = (request.params ?? {}) as Record<string, string>;
  const body = (request.body ?? {}) as Record<string, unknown>;
  let answered: Record<string, unknown> = {};
  if (typeof payload === 'string' && payload.startsWith('{')) {
    try {
      answered = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      answered = {};
    }
  }
  const resourceId = (answered.id as string | undefined) ?? params.id ?? null;
  const clientId =
    params.clientId ??
    (answered.clientId as string | undefined) ??
    (body.clientId as string | undefined) ??
    (request.routeOptions.url?.startsWith('/v1/clients') ? (answered.id as string | undefined) ?? params.id : undefined) ??
    null;
  return { resourceId: resourceId === null ? null : String(resourceId), clientId };
}

/**
 * Every write runs in a transaction of its own, and its audit event is written in that same
 * transaction just before the commit: a change never lands without its record, and a refused or
 * failed request leaves nothing behind. Audited reads (reports, exports) are recorded after them.
 */
export default fp(
  async function audit(app: FastifyInstance, { db }: { db: Db }) {
    app.decorateRequest('db', null as unknown as Db);
    const open = new WeakMap<FastifyRequest, ControlledTransaction<Database>>();

    app.addHook('onRequest', async (request) => {
      request.db = db;
    });

    app.addHook('preHandler', async (request) => {
      // TRANSITION: routes that declare their audit open their own unit of work (src/context).
      if (!WRITES.has(request.method) || !request.routeOptions.config?.access || request.routeOptions.config.audit) return;
      const trx = await db.startTransaction().execute();
      open.set(request, trx);
      request.db = trx;
    });

    const event = (request: FastifyRequest, payload: unknown, action: AuditAction, resource: string) => {
      const { resourceId, clientId } = responseIds(request, payload);
      return {
        credential_id: request.credential?.id ?? null,
        role: request.credential?.role ?? 'anonymous',
        organization_id: request.credential?.organizationId ?? null,
        action,
        resource_type: resource,
        resource_id: resourceId,
        client_id: clientId,
        request_id: request.id,
        outcome: 'allowed' as const,
        source_ip: request.ip,
      };
    };

    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const trx = open.get(request);
      if (trx) {
        open.delete(request);
        if (reply.statusCode >= 400) {
          // A rollback fails only when the connection is gone, and PostgreSQL drops the transaction
          // of a lost connection itself: the refusal already sent stays the answer.
          await trx.rollback().execute().catch((error: unknown) => request.log.warn({ err: error }, 'rollback failed'));
          return payload;
        }
        const { action, resource } = writeTarget(request.routeOptions.url ?? request.url, request.method, request.body);
        try {
          await recordAuditEvent(trx, event(request, payload, action, resource));
          await trx.commit().execute();
        } catch (error) {
          // Kysely gives the connection back to the pool only after a successful commit; a rollback
          // always does. Without it every failed commit (database gone) would leak a connection.
          await trx.rollback().execute().catch(() => undefined);
          throw error;
        }
        return payload;
      }
      return payload;
    });

    // A request that ended without sending (aborted, timed out, failed while sending) gives its work back.
    app.addHook('onResponse', async (request) => {
      const trx = open.get(request);
      if (trx) {
        open.delete(request);
        await trx.rollback().execute();
      }
    });
  },
  { name: 'audit', dependencies: ['auth', 'idempotency-claim'] },
);
