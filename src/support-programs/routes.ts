import { getClient } from '../clients/service.js';
import { organizationScope } from '../http/auth.js';
import { Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { decodeCursor, toPage } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { ClientParams } from '../assessments/schemas.js';
import { listPrograms } from './repository.js';
import {
  CreateSupportProgramSchema,
  FulfilmentQuery,
  FulfilmentSchema,
  ProgramListQuery,
  ProgramParams,
  SupportProgramSchema,
  UpdateSupportProgramSchema,
} from './schemas.js';
import { createProgram, getProgram, programFulfilment, toProgram, updateProgram } from './service.js';

const tags = ['support-programs'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const supportProgramRoutes: Routes = async (app) => {
  app.post(
    '/v1/clients/:clientId/support-programs',
    {
      schema: {
        tags,
        operationId: 'createSupportProgram',
        summary: 'Draft an individual support program (индивидуальная программа сопровождения)',
        description:
          'Goals per quality-of-life component and the planned activities. The answer shows the client’s current group and ' +
          'warns about planned activities that do not suit it. One active program per client (409).',
        params: ClientParams,
        body: CreateSupportProgramSchema,
        response: { 201: SupportProgramSchema, ...problemResponses(400, 404, 409, 422) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const scope = organizationScope(request.credential);
      const { row, client } = await createProgram(request.db, request.params.clientId, request.body, scope);
      setEtag(reply, row.version);
      return reply
        .code(201)
        .header('location', `/v1/clients/${row.client_id}/support-programs/${row.id}`)
        .send(await toProgram(request.db, row, client));
    },
  );

  app.get(
    '/v1/clients/:clientId/support-programs',
    {
      schema: {
        tags,
        operationId: 'listSupportPrograms',
        summary: 'A client’s support programs',
        params: ClientParams,
        querystring: ProgramListQuery,
        response: { 200: Page(SupportProgramSchema, 'SupportProgramPage'), ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const client = await getClient(request.ctx, request.params.clientId);
      const { limit, cursor, status } = request.query;
      const rows = await listPrograms(request.db, client.id, { status, cursor: decodeCursor(cursor), limit });
      const page = toPage(request, rows, limit, (row) => row);
      return { items: await Promise.all(page.items.map((row) => toProgram(request.db, row, client))), next: page.next };
    },
  );

  app.get(
    '/v1/clients/:clientId/support-programs/:id',
    {
      schema: {
        tags,
        operationId: 'getSupportProgram',
        summary: 'Get a support program with its suitability warnings',
        params: ProgramParams,
        response: { 200: SupportProgramSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const { clientId, id } = request.params;
      const { row, client } = await getProgram(request.db, clientId, id, organizationScope(request.credential));
      setEtag(reply, row.version);
      return toProgram(request.db, row, client);
    },
  );

  app.patch(
    '/v1/clients/:clientId/support-programs/:id',
    {
      schema: {
        tags,
        operationId: 'updateSupportProgram',
        summary: 'Change, start, complete or cancel a support program',
        description: 'Needs If-Match. draft → active | cancelled; active → completed | cancelled.',
        params: ProgramParams,
        headers: IfMatchHeaders,
        body: UpdateSupportProgramSchema,
        response: { 200: SupportProgramSchema, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
      config: { access: writers },
    },
    async (request, reply) => {
      const { clientId, id } = request.params;
      const scope = organizationScope(request.credential);
      const { row, client } = await updateProgram(request.db, clientId, id, readIfMatch(request), request.body, scope);
      setEtag(reply, row.version);
      return toProgram(request.db, row, client);
    },
  );

  app.get(
    '/v1/clients/:clientId/support-programs/:id/fulfilment',
    {
      schema: {
        tags,
        operationId: 'getSupportProgramFulfilment',
        summary: 'Planned versus attended sessions of a program in a month',
        params: ProgramParams,
        querystring: FulfilmentQuery,
        response: { 200: FulfilmentSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { clientId, id } = request.params;
      return programFulfilment(request.db, clientId, id, request.query.month, organizationScope(request.credential));
    },
  );
};

export default supportProgramRoutes;
