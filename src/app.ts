import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { IncomingMessage, Server } from 'node:http';
import apiKeyRoutes from './api-keys/routes.js';
import activityRoutes from './activities/routes.js';
import activityTypeRoutes from './activity-types/routes.js';
import assessmentRoutes from './assessments/routes.js';
import decisionRoutes from './assessments/decisions-routes.js';
import carerRoutes from './carers/routes.js';
import careVisitRoutes from './care-visits/routes.js';
import clientRoutes from './clients/routes.js';
import { corsOrigins, type Config } from './config.js';
import type { Db } from './db/database.js';
import departmentRoutes from './departments/routes.js';
import fhirRoutes from './fhir/routes.js';
import healthRoutes from './health/routes.js';
import bulkRoutes from './bulk/routes.js';
import bulkJobRoutes, { bulkJobTasks } from './bulk/jobs-routes.js';
import changeRoutes from './integration/changes.js';
import { idempotencyClaim, idempotencyRecord } from './integration/idempotency.js';
import implementationPlanRoutes from './implementation-plans/routes.js';
import { InstrumentCatalog } from './instruments/catalog.js';
import instrumentRoutes from './instruments/routes.js';
import requestContext from './context/plugin.js';
import auditRoutes from './audit/routes.js';
import auth, { bearerSecret } from './http/auth.js';
import errorHandler, { sendClientError, sendFrameworkError } from './http/error-handler.js';
import { RateLimited, ShuttingDown } from './http/problems.js';
import securityHeaders from './http/security-headers.js';
import jsonBody from './http/json-body.js';
import jobs from './jobs/plugin.js';
import type { JobTasks } from './jobs/queue.js';
import metrics from './metrics/plugin.js';
import { ProblemSchema } from './http/problem.js';
import { OneLinePerRequest } from './http/request-log.js';
import { schemaController } from './http/serialization.js';
import openapi, { DOCS_PREFIX } from './http/swagger.js';
import { validatorCompiler } from './http/validation.js';
import monitoringRoutes from './monitoring/routes.js';
import partnerRoutes from './partners/routes.js';
import organizationRoutes from './organizations/routes.js';
import reportRoutes from './reports/routes.js';
import submissionRoutes from './reports/submissions-routes.js';
import schoolOfCareRoutes from './school-of-care/routes.js';
import reassessmentSignalRoutes from './reassessment-signals/routes.js';
import staffRoutes from './staff/routes.js';
import supportProgramRoutes from './support-programs/routes.js';
import { SWEEP_CRONTAB, webhookDelivery, webhookSweep } from './webhooks/delivery.js';
import { DELIVERY_TASK, SWEEP_TASK } from './webhooks/repository.js';
import webhookRoutes from './webhooks/routes.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The server options production and tests share, so tests see the same validation and limits. */
export function serverOptions(config: Config, logger: Logger): FastifyHttpOptions<Server> {
  return {
    loggerInstance: logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Honour a caller's X-Request-Id when it is a plain token, so ids follow a request across systems.
    genReqId: (request: IncomingMessage) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
    requestTimeout: 60_000,
    logController: new OneLinePerRequest(),
    forceCloseConnections: 'idle',
    // Requests arriving while closing get the catalogue's 503 (buildApp), not Fastify's own shape.
    return503OnClosing: false,
    // Response schemas are compiled as fast-json-stringify serializes them fastest (src/http/serialization.ts).
    schemaController,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
  };
}

export interface AppDependencies {
  config: Config;
  db: Db;
  logger: Logger;
}

export async function buildApp({ config, db, logger }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config, logger)).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(ProblemSchema);
  // Once closing (SIGTERM), answers end their keep-alive connection: close() waits for every open
  // connection, and one left idle after its answer would hold the shutdown for keepAliveTimeout
  // (72 s), past the grace period. Requests arriving meanwhile get return503OnClosing's 503.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Hooks of every request take a callback: an async hook costs a promise and a turn of the microtask queue each.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('retry-after', '1');
    done(new ShuttingDown());
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(securityHeaders, {
    pagesPrefix: DOCS_PREFIX,
    // Plain http on 127.0.0.1 or behind a TLS proxy: do not make browsers rewrite Swagger UI's assets to https.
    pages: { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } },
  });
  // Without allowed origins there is nothing for CORS to say: no browser may call, and no hook runs for it.
  const origins = corsOrigins(config);
  if (origins.length) await app.register(cors, { origin: origins, exposedHeaders: ['etag', 'location', 'x-request-id'] });
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // Per credential: the hash of the key as authentication parses it, so that spellings of one
    // header (`bearer K`, `Bearer  K`) share one budget; the address when there is no key to read.
    keyGenerator: (request) => bearerSecret(request)?.hash.toString('base64url') ?? request.ip,
    errorResponseBuilder: (_request, context) => new RateLimited(context.max, context.after),
  });
  await app.register(errorHandler);
  await app.register(metrics, { db, token: config.METRICS_TOKEN });
  await app.register(jsonBody);
  await app.register(openapi);
  await app.register(auth, { db, adminKey: config.API_ADMIN_KEY, databaseUrl: config.DATABASE_URL });
  await app.register(requestContext);
  await app.register(idempotencyClaim, { db });
  await app.register(idempotencyRecord, { db });

  const instruments = new InstrumentCatalog(db);
  // Loaded before the first request: a write holding its transaction's connection then never waits
  // for a second one to read the forms. Best effort: without a database it loads on first use.
  app.addHook('onReady', async () => {
    await instruments.all().catch(() => undefined);
  });
  const dependencies = { config, db, instruments };
  await app.register(healthRoutes, dependencies);
  await app.register(apiKeyRoutes, dependencies);
  await app.register(organizationRoutes, dependencies);
  await app.register(departmentRoutes, dependencies);
  await app.register(staffRoutes, dependencies);
  await app.register(instrumentRoutes, dependencies);
  await app.register(clientRoutes, dependencies);
  await app.register(carerRoutes, dependencies);
  await app.register(careVisitRoutes, dependencies);
  await app.register(assessmentRoutes, dependencies);
  await app.register(decisionRoutes, dependencies);
  await app.register(activityTypeRoutes, dependencies);
  await app.register(activityRoutes, dependencies);
  await app.register(supportProgramRoutes, dependencies);
  await app.register(implementationPlanRoutes, dependencies);
  await app.register(schoolOfCareRoutes, dependencies);
  await app.register(reportRoutes, dependencies);
  await app.register(submissionRoutes, dependencies);
  await app.register(monitoringRoutes, dependencies);
  await app.register(reassessmentSignalRoutes, dependencies);
  await app.register(partnerRoutes, dependencies);
  await app.register(auditRoutes, dependencies);
  await app.register(fhirRoutes, dependencies);
  await app.register(changeRoutes, dependencies);
  await app.register(webhookRoutes, dependencies);
  await app.register(bulkRoutes, dependencies);
  await app.register(bulkJobRoutes, dependencies);

  // The background tasks of every area, run by the job worker (src/jobs).
  const tasks: JobTasks = {
    [DELIVERY_TASK]: webhookDelivery({ db, config, logger }),
    [SWEEP_TASK]: webhookSweep({ db }),
    ...bulkJobTasks(db, { catalog: instruments, reassessmentMonths: config.REASSESSMENT_MONTHS }, (kind, totals) =>
      app.metrics.countImportedLines(kind, totals),
    ),
  };
  await app.register(jobs, { config, tasks, crontab: [SWEEP_CRONTAB].join('\n'), logger });
  return app;
}
