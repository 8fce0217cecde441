import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { sendProblem } from '../http/error-handler.js';
import { DatabaseUnavailable } from '../http/problems.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';

const tags = ['health'];
const Status = Type.Object({ status: Type.Literal('ok') }, { examples: [{ status: 'ok' }] });
const unlimited = { rateLimit: false } as const;

const healthRoutes: Routes = async (app, { db }) => {
  app.get(
    '/health/live',
    {
      schema: {
        tags,
        operationId: 'getLiveness',
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: Status },
      },
      config: unlimited,
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags,
        operationId: 'getReadiness',
        security: [],
        summary: 'Readiness: the database answers',
        description: '503 while PostgreSQL is unreachable; 200 again as soon as it is back, without a restart.',
        response: { 200: Status, ...problemResponses(503) },
      },
      config: unlimited,
      logLevel: 'warn',
    },
    async (request, reply) => {
      try {
        await sql`SELECT 1`.execute(db);
        return { status: 'ok' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return sendProblem(request, reply, DatabaseUnavailable.definition, new DatabaseUnavailable().message);
      }
    },
  );
};

export default healthRoutes;
