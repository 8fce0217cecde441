import { organizationScope } from '../http/auth.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { decodeCursor, toPage } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { listOrganizations } from './repository.js';
import {
  CreateOrganizationSchema,
  OrganizationListQuery,
  OrganizationSchema,
  UpdateOrganizationSchema,
} from './schemas.js';
import { createOrganization, getOrganization, toOrganization, updateOrganization } from './service.js';

const tags = ['organizations'];

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
        response: { 201: OrganizationSchema, ...problemResponses(400, 409, 422) },
      },
      config: { access: { roles: ['admin', 'regional'] } },
    },
    async (request, reply) => {
      const row = await createOrganization(request.db, request.body);
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
      const { limit, cursor, ...filter } = request.query;
      const rows = await listOrganizations(request.db, {
        ...filter,
        scope: organizationScope(request.credential),
        cursor: decodeCursor(cursor),
        limit,
      });
      return toPage(request, rows, limit, toOrganization);
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
      const row = await getOrganization(request.db, request.params.id);
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
        response: { 200: OrganizationSchema, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
      config: { access: { roles: ['admin', 'regional'] } },
    },
    async (request, reply) => {
      const row = await updateOrganization(request.db, request.params.id, readIfMatch(request), request.body);
      setEtag(reply, row.version);
      return toOrganization(row);
    },
  );
};

export default organizationRoutes;
