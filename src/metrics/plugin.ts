import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics } from 'prom-client';
import { secretsEqual } from '../api-keys/secrets.js';
import { poolOf, type Db } from '../db/database.js';
import { bearerToken } from '../http/auth.js';
import { ApiKeyInvalid, ApiKeyMissing } from '../http/problems.js';
import { ServiceMetrics } from './service-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the service counts; exposed at GET /metrics when METRICS_TOKEN is set. */
    metrics: ServiceMetrics;
  }
}

/** The route label of a request no route matched (a 404): one series, whatever the path. */
export const UNMATCHED_ROUTE = '(unmatched)';

export interface MetricsOptions {
  db: Db;
  /** METRICS_TOKEN: the scraper's bearer token; unset, GET /metrics does not exist. */
  token?: string;
}

/**
 * Prometheus metrics. Requests are counted in any case (a counter increment each); only with a
 * token is GET /metrics there, with Node's process metrics. It is an operations endpoint outside
 * /v1, hidden from the contract, and takes its own token rather than an API key, so that a
 * scraper holds no key to the register.
 */
export default fp(
  async function metrics(app: FastifyInstance, { db, token }: MetricsOptions) {
    const metrics = new ServiceMetrics({ db, pool: poolOf(db), log: app.log });
    app.decorate('metrics', metrics);

    app.addHook('onResponse', (request, reply, done) => {
      metrics.observeRequest(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });

    if (!token) return;
    collectDefaultMetrics({ register: metrics.registry });
    const checkToken = async (request: FastifyRequest, reply: FastifyReply) => {
      const secret = bearerToken(request.headers.authorization);
      if (!secret) {
        reply.header('www-authenticate', 'Bearer');
        throw new ApiKeyMissing();
      }
      if (!secretsEqual(secret, token)) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new ApiKeyInvalid();
      }
    };
    app.get('/metrics', { schema: { hide: true }, onRequest: checkToken, logLevel: 'warn' }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  },
  { name: 'metrics', dependencies: ['error-handler'] },
);
