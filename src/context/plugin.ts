import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { REPLAY_HEADER } from '../integration/idempotency.js';
import { isProtectedRoute } from '../http/auth.js';
import { addRouteHook } from '../http/route-hooks.js';
import type { AuditDeclaration, RequestContext } from './request-context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route records in the audit trail; required on every /v1 write. */
    audit?: AuditDeclaration;
  }
  interface FastifyRequest {
    /** The request's context: credential, scope, database, request id; set once authenticated. */
    ctx: RequestContext;
  }
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);

/**
 * The unit-of-work guarantees around every route: a /v1 write route declares its audit event or
 * does not start; a write answered 2xx without its unit of work having committed is a bug and
 * answers 500 instead of pretending it wrote; an audited read records its event once answered.
 */
export default fp(
  async function requestContext(app: FastifyInstance) {
    app.decorateRequest('ctx', null as unknown as RequestContext);

    app.addHook('onRoute', (route: RouteOptions) => {
      if (!isProtectedRoute(route.url)) return;
      if (!route.config?.audit) {
        if (methodsOf(route).some((method) => WRITE_METHODS.has(method))) {
          throw new Error(`Route ${String(route.method)} ${route.url} does not declare its audit`);
        }
        return;
      }
      // Only routes that audit: the others have no event to record and no unit of work to check.
      addRouteHook(route, 'onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const { ctx } = request;
        if (!ctx || reply.statusCode >= 300) return payload;
        if (!WRITE_METHODS.has(request.method)) {
          await ctx.recordRead();
        } else if (!ctx.committed && reply.getHeader(REPLAY_HEADER) === undefined) {
          throw new Error(`${request.method} ${request.routeOptions.url ?? ''} answered without its unit of work`);
        }
        return payload;
      });
    });
  },
  { name: 'request-context', dependencies: ['auth'] },
);
