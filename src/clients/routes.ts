import { NotSocialServiceOrganization } from '../organizations/problems.js';
import { today } from '../calendar/dates.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { ClientArchived, ClientRuleViolated, ExternalIdTaken, SnilsTaken } from './problems.js';
import { clientsQuery } from './repository.js';
import { ClientListQuery, ClientSchema, CreateClientSchema, UpdateClientSchema } from './schemas.js';
import { archiveClient, createClient, getClient, toClient, updateClient } from './service.js';

const tags = ['clients'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const clientRoutes: Routes = async (app) => {
  app.post(
    '/v1/clients',
    {
      schema: {
        tags,
        operationId: 'createClient',
        summary: 'Register a client (получатель социальных услуг)',
        body: CreateClientSchema,
        response: {
          201: ClientSchema,
          ...problemResponses(400, SnilsTaken, ExternalIdTaken, ClientRuleViolated, NotSocialServiceOrganization),
        },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'client', client: 'result.id' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createClient(tx, request.body));
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/clients/${row.id}`).send(toClient(row));
    },
  );

  app.get(
    '/v1/clients',
    {
      schema: {
        tags,
        operationId: 'listClients',
        summary: 'List clients',
        description:
          'Each item carries its latest final assessment. Archived clients only with `includeArchived=true`. ' +
          'A provider sees only its own clients.',
        querystring: ClientListQuery,
        response: { 200: Page(ClientSchema, 'ClientPage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      const now = today();
      const { query, keyset } = clientsQuery(request.ctx, { ...filter, snils: filter.snils?.replace(/[^0-9]/g, ''), today: now });
      return paginate(request, query, keyset, (rows) => rows.map((row) => toClient(row, now)));
    },
  );

  app.get(
    '/v1/clients/:id',
    {
      schema: {
        tags,
        operationId: 'getClient',
        summary: 'Get a client with the latest assessment',
        params: IdParams,
        response: { 200: ClientSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getClient(request.ctx, request.params.id);
      setEtag(reply, row.version);
      return toClient(row);
    },
  );

  app.patch(
    '/v1/clients/:id',
    {
      schema: {
        tags,
        operationId: 'updateClient',
        summary: 'Update a client',
        description: 'Send the ETag of the version being changed in If-Match. Archived clients cannot change.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateClientSchema,
        response: {
          200: ClientSchema,
          ...problemResponses(400, 404, SnilsTaken, ExternalIdTaken, 412, ClientArchived, ClientRuleViolated, 428),
        },
      },
      config: { access: writers, audit: { action: 'update', resource: 'client', client: 'result.id' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateClient(tx, request.params.id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toClient(row);
    },
  );

  app.post(
    '/v1/clients/:id/archive',
    {
      schema: {
        tags,
        operationId: 'archiveClient',
        summary: 'Archive a client',
        description: 'Records are never deleted: an archived client keeps its history, leaves the lists and takes no new assessment.',
        params: IdParams,
        response: { 200: ClientSchema, ...problemResponses(400, 404) },
      },
      config: { access: writers, audit: { action: 'archive', resource: 'client', client: 'result.id' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => archiveClient(tx, request.params.id));
      setEtag(reply, row.version);
      return toClient(row);
    },
  );
};

export default clientRoutes;
