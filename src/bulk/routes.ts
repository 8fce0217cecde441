import type { Readable } from 'node:stream';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Db } from '../db/database.js';
import type { FastifySchema } from 'fastify';
import { PayloadTooLarge } from '../http/errors.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { assessmentImporter } from './assessments.js';
import { clientImporter } from './clients.js';
import { atomicFailure, checkImportOrganization, runImport, type Importer } from './import.js';
import { ndjsonLines } from './ndjson.js';
import { BulkAssessmentLineSchema, BulkClientLineSchema, BulkQuery, BulkResultSchema, type BulkResult } from './schemas.js';

export const NDJSON = 'application/x-ndjson';
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

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
  'The body is NDJSON (`application/x-ndjson`, UTF-8, one JSON object per line, up to 50 MB), read as it arrives. ' +
  'The answer has one result per line: `created`, `updated`, `unchanged`, or `failed` with the line’s problem (status, detail, ' +
  'and pointers into the line). A failed line does not stop the others, unless `atomic=true`: then one failed line rolls the ' +
  'whole import back and the answer is a 422 listing the failures. Sending the same file again changes nothing, so a retry is ' +
  'safe without an Idempotency-Key.';

/** One import in the request's transaction: with atomic=true a failed line undoes all of it. */
async function importNdjson<T>(db: Db, query: Static<typeof BulkQuery>, body: unknown, importer: () => Promise<Importer<T>>): Promise<BulkResult> {
  await checkImportOrganization(db, query.organizationId);
  const outcome = await runImport(ndjsonLines(body as Readable, MAX_IMPORT_BYTES), await importer());
  if (query.atomic && outcome.totals.failed) throw atomicFailure(outcome);
  return { ...query, ...outcome };
}

const bulkRoutes: Routes = async (app, { config, instruments }) => {
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
        description: DESCRIPTION,
        querystring: BulkQuery,
        response: { 200: BulkResultSchema, ...problemResponses(400, 413, 415, 422) },
      },
      config: { access, ...ndjsonBody(BulkClientLineSchema) },
    },
    async (request) => importNdjson(request.db, request.query, request.body, () => clientImporter(request.db, request.query.organizationId)),
  );

  app.post(
    '/v1/bulk/assessments',
    {
      schema: {
        tags,
        operationId: 'importAssessments',
        summary: 'Import assessments from NDJSON, matched by client externalId, instrument and date',
        description: DESCRIPTION,
        querystring: BulkQuery,
        response: { 200: BulkResultSchema, ...problemResponses(400, 413, 415, 422) },
      },
      config: { access, ...ndjsonBody(BulkAssessmentLineSchema) },
    },
    async (request) =>
      importNdjson(request.db, request.query, request.body, () =>
        assessmentImporter({ db: request.db, catalog: instruments, reassessmentMonths: config.REASSESSMENT_MONTHS, organizationId: request.query.organizationId }),
      ),
  );
};

export default bulkRoutes;
