import { NotSocialServiceOrganization } from '../organizations/problems.js';
import { Readable } from 'node:stream';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifySchema } from 'fastify';
import type { AssessmentSettings } from '../assessments/service.js';
import { problemResponses } from '../http/problem.js';
import { PayloadTooLarge } from '../http/problems.js';
import type { Routes } from '../http/typebox.js';
import { bulkResultJson } from './answer.js';
import { BulkCareVisitLineSchema } from './care-visits.js';
import { JobAccepted, jobDescription, runsAsJob, sendJob } from './jobs-routes.js';
import { submitJob } from './jobs-service.js';
import { ImportLinesFailed, UploadStalled } from './problems.js';
import { MAX_LISTED_FAILURES, BulkAssessmentLineSchema, BulkClientLineSchema, BulkQuery, BulkResultSchema } from './schemas.js';
import { MAX_IMPORT_BYTES, UPLOAD_IDLE_MS, importRecords, type ImportedFile } from './service.js';

export const NDJSON = 'application/x-ndjson';

const tags = ['bulk'];
const access = { roles: ['admin', 'provider'], organization: { query: 'organizationId' } } as const;

/** The body is read as a stream, so it has no JSON schema to validate; the document still shows a line's. */
function ndjsonBody(line: TSchema) {
  return {
    idempotencyKey: false as const,
    swaggerTransform: ({ schema, url }: { schema: FastifySchema; url: string }) => ({
      schema: { ...schema, body: { ...line, description: `NDJSON: one such object per line. ${line.description}` }, consumes: [NDJSON] },
      url,
    }),
  };
}

const DESCRIPTION =
  'The body is NDJSON (`application/x-ndjson`, UTF-8, one JSON object per line, up to 50 MB, a line up to 1 MiB), read as it ' +
  'arrives; a line is checked as the JSON body of the single-record operation would be (not UTF-8, U+0000 or half a surrogate ' +
  'pair: a 400 for that line). The answer has one result per line: `created`, `updated`, `unchanged`, or `failed` with the ' +
  `line’s problem (status, detail, and pointers into the line). Only the first ${MAX_LISTED_FAILURES} failed lines are listed; ` +
  'the others are counted in `totals.failed` and `failuresOmitted`. A failed line does not stop the others, unless ' +
  '`atomic=true`: then one failed line rolls the whole import back and the answer is a 422 listing the failures. A body that ' +
  `stops arriving for ${UPLOAD_IDLE_MS / 1000} s is a 408 and nothing is imported. Sending the same file again changes nothing, ` +
  'so a retry is safe without an Idempotency-Key.';

/** The answer, written as it is sent (src/bulk/answer.ts); the schema above documents it. */
function sendResult(reply: FastifyReply, imported: ImportedFile) {
  return reply.type('application/json; charset=utf-8').send(Readable.from(bulkResultJson(imported)));
}

const bulkRoutes: Routes = async (app, { config, instruments }) => {
  const settings: AssessmentSettings = { catalog: instruments, reassessmentMonths: config.REASSESSMENT_MONTHS };

  // Only NDJSON here, passed on as the raw stream: lines are read while the upload goes on.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(NDJSON, (request, payload, done) => {
    if (Number(request.headers['content-length'] ?? 0) > MAX_IMPORT_BYTES) {
      done(new PayloadTooLarge(`The body is larger than ${MAX_IMPORT_BYTES} bytes; split the file.`), undefined);
    } else done(null, payload);
  });

  app.post(
    '/v1/bulk/clients',
    {
      schema: {
        tags,
        operationId: 'importClients',
        summary: 'Import clients from NDJSON, matched by externalId',
        description: DESCRIPTION + jobDescription(config),
        querystring: BulkQuery,
        response: {
          200: BulkResultSchema,
          202: JobAccepted,
          ...problemResponses(400, UploadStalled, 413, 415, NotSocialServiceOrganization, ImportLinesFailed),
        },
      },
      // The whole import is one unit of work and one audit event, naming no one record.
      config: { access, audit: { action: 'create', resource: 'client', id: null }, ...ndjsonBody(BulkClientLineSchema) },
    },
    async (request, reply) => {
      const source = request.body as Readable;
      if (runsAsJob(request, config)) {
        const { organizationId } = request.query;
        return sendJob(reply, await request.ctx.write((tx) => submitJob(tx, { kind: 'clients', organizationId, source })));
      }
      const imported = await request.ctx.write((tx) => importRecords(tx, settings, { kind: 'clients', ...request.query, source }));
      app.metrics.countImportedLines('clients', imported.log.totals);
      return sendResult(reply, imported);
    },
  );

  app.post(
    '/v1/bulk/assessments',
    {
      schema: {
        tags,
        operationId: 'importAssessments',
        summary: 'Import assessments from NDJSON, matched by client externalId, instrument and date',
        description: DESCRIPTION + jobDescription(config),
        querystring: BulkQuery,
        response: {
          200: BulkResultSchema,
          202: JobAccepted,
          ...problemResponses(400, UploadStalled, 413, 415, NotSocialServiceOrganization, ImportLinesFailed),
        },
      },
      // The whole import is one unit of work and one audit event, naming no one record.
      config: { access, audit: { action: 'create', resource: 'assessment', id: null }, ...ndjsonBody(BulkAssessmentLineSchema) },
    },
    async (request, reply) => {
      const source = request.body as Readable;
      if (runsAsJob(request, config)) {
        const { organizationId } = request.query;
        return sendJob(reply, await request.ctx.write((tx) => submitJob(tx, { kind: 'assessments', organizationId, source })));
      }
      const imported = await request.ctx.write((tx) => importRecords(tx, settings, { kind: 'assessments', ...request.query, source }));
      app.metrics.countImportedLines('assessments', imported.log.totals);
      return sendResult(reply, imported);
    },
  );

  app.post(
    '/v1/bulk/care-visits',
    {
      schema: {
        tags,
        operationId: 'importCareVisits',
        summary: 'Import home-care visits from NDJSON, matched by client externalId, care assistant and start',
        description: DESCRIPTION,
        querystring: BulkQuery,
        response: {
          200: BulkResultSchema,
          ...problemResponses(400, UploadStalled, 413, 415, NotSocialServiceOrganization, ImportLinesFailed),
        },
      },
      // The whole import is one unit of work and one audit event, naming no one record.
      config: { access, audit: { action: 'create', resource: 'care_visit', id: null }, ...ndjsonBody(BulkCareVisitLineSchema) },
    },
    async (request, reply) => {
      const source = request.body as Readable;
      const imported = await request.ctx.write((tx) => importRecords(tx, settings, { kind: 'care-visits', ...request.query, source }));
      app.metrics.countImportedLines('care-visits', imported.log.totals);
      return sendResult(reply, imported);
    },
  );
};

export default bulkRoutes;
