import { ActivityTypeRetired } from '../activity-types/problems.js';
import { Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { ClientParams } from '../assessments/schemas.js';
import { ClientNotServed, ProgramAlreadyActive, ProgramRuleViolated, ProgramTransitionForbidden } from './problems.js';
import {
  CreateSupportProgramSchema,
  FulfilmentQuery,
  FulfilmentSchema,
  ProgramListQuery,
  ProgramParams,
  SupportProgramSchema,
  UpdateSupportProgramSchema,
} from './schemas.js';
import { createProgram, getProgram, listPrograms, programFulfilment, toProgram, toPrograms, updateProgram } from './service.js';

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
        response: {
          201: SupportProgramSchema,
          ...problemResponses(400, 404, ProgramAlreadyActive, ClientNotServed, ProgramRuleViolated, ActivityTypeRetired),
        },
      },
      config: { access: writers, audit: { action: 'create', resource: 'support_program', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const program = await request.ctx.write((tx) => createProgram(tx, request.params.clientId, request.body));
      setEtag(reply, program.version);
      return reply
        .code(201)
        .header('location', `/v1/clients/${program.client_id}/support-programs/${program.id}`)
        .send(await toProgram(request.ctx, program));
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
      const { client, query } = await listPrograms(request.ctx, request.params.clientId, { status: request.query.status });
      return paginate(request, query, 'support_programs', (rows) => toPrograms(request.ctx, rows, client));
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
      const program = await getProgram(request.ctx, request.params.clientId, request.params.id);
      setEtag(reply, program.version);
      return toProgram(request.ctx, program);
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
        response: {
          200: SupportProgramSchema,
          ...problemResponses(
            400,
            404,
            ProgramAlreadyActive,
            412,
            ProgramTransitionForbidden,
            ProgramRuleViolated,
            ActivityTypeRetired,
            428,
          ),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'support_program', client: 'params.clientId' } },
    },
    async (request, reply) => {
      const { clientId, id } = request.params;
      const ifMatch = readIfMatch(request);
      const program = await request.ctx.write((tx) => updateProgram(tx, clientId, id, ifMatch, request.body));
      setEtag(reply, program.version);
      return toProgram(request.ctx, program);
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
      return programFulfilment(request.ctx, clientId, id, request.query.month);
    },
  );
};

export default supportProgramRoutes;
