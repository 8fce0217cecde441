import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { InnCheckDigits, OrganizationInnTaken, TimeZoneUnknown } from './problems.js';
import { organizationsQuery } from './repository.js';
import { CreateOrganizationSchema, OrganizationListQuery, OrganizationSchema, UpdateOrganizationSchema } from './schemas.js';
import { createOrganization, getOrganization, toOrganization, updateOrganization } from './service.js';

const tags = ['organizations'];
const registrars = { roles: ['admin', 'regional'] } as const;

const organizationRoutes: Routes = async (app) => {
  app.post(
    '/v1/organizations',
    {
      schema: {
        tags,
        operationId: 'createOrganization',
        summary: 'Register an organization',
        description: 'A social-service organization (complex center, residential home) or a partner medical organization.',
        body: CreateOrganizationSchema,
        response: { 201: OrganizationSchema, ...problemResponses(400, OrganizationInnTaken, InnCheckDigits, TimeZoneUnknown) },
      },
      config: { access: registrars, audit: { action: 'create', resource: 'organization' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createOrganization(tx, request.body));
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/organizations/${row.id}`).send(toOrganization(row));
    },
  );

  app.get(
    '/v1/organizations',
    {
      schema: {
        tags,
        operationId: 'listOrganizations',
        summary: 'List organizations',
        description: 'A provider sees only its own organization.',
        querystring: OrganizationListQuery,
        response: { 200: Page(OrganizationSchema, 'OrganizationPage'), ...problemResponses(400) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, organizationsQuery(request.ctx, filter), 'organizations', (rows) => rows.map(toOrganization));
    },
  );

  app.get(
    '/v1/organizations/:id',
    {
      schema: {
        tags,
        operationId: 'getOrganization',
        summary: 'Get an organization',
        params: IdParams,
        response: { 200: OrganizationSchema, ...problemResponses(400, 404) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'], organization: { params: 'id' } } },
    },
    async (request, reply) => {
      const row = await getOrganization(request.ctx, request.params.id);
      setEtag(reply, row.version);
      return toOrganization(row);
    },
  );

  app.patch(
    '/v1/organizations/:id',
    {
      schema: {
        tags,
        operationId: 'updateOrganization',
        summary: 'Update an organization',
        description: 'Send the ETag of the version being changed in If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateOrganizationSchema,
        response: {
          200: OrganizationSchema,
          ...problemResponses(400, 404, OrganizationInnTaken, 412, InnCheckDigits, TimeZoneUnknown, 428),
        },
      },
      config: { access: registrars, audit: { action: 'update', resource: 'organization' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateOrganization(tx, request.params.id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toOrganization(row);
    },
  );
};

export default organizationRoutes;
