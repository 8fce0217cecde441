import { NotSocialServiceOrganization } from '../organizations/problems.js';
import { IdParams, Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { SharedCatalogReadOnly } from './problems.js';
import { activityTypesQuery } from './repository.js';
import { ActivityTypeListQuery, ActivityTypeSchema, CreateActivityTypeSchema, UpdateActivityTypeSchema } from './schemas.js';
import { createActivityType, getActivityType, retireActivityType, toActivityType, updateActivityType } from './service.js';

const tags = ['activity-types'];
const readers = { roles: ['admin', 'regional', 'provider'] } as const;
const writers = { roles: ['admin', 'provider'] } as const;

const activityTypeRoutes: Routes = async (app) => {
  app.post(
    '/v1/activity-types',
    {
      schema: {
        tags,
        operationId: 'createActivityType',
        summary: 'Add an activity type to the catalog',
        description: 'An admin may add to the shared catalog (no organizationId); a provider adds its organization’s own.',
        body: CreateActivityTypeSchema,
        response: { 201: ActivityTypeSchema, ...problemResponses(400, NotSocialServiceOrganization) },
      },
      config: {
        access: { ...writers, organization: { body: 'organizationId' } },
        audit: { action: 'create', resource: 'activity_type' },
      },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createActivityType(tx, request.body));
      setEtag(reply, row.version);
      return reply.code(201).header('location', `/v1/activity-types/${row.id}`).send(toActivityType(row));
    },
  );

  app.get(
    '/v1/activity-types',
    {
      schema: {
        tags,
        operationId: 'listActivityTypes',
        summary: 'List the activity catalog',
        description: 'The shared catalog of the technology’s activities and, for a provider, its own. Retired ones on request.',
        querystring: ActivityTypeListQuery,
        response: { 200: Page(ActivityTypeSchema, 'ActivityTypePage'), ...problemResponses(400) },
      },
      config: { access: readers },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, activityTypesQuery(request.ctx, filter), 'activity_types', (rows) => rows.map(toActivityType));
    },
  );

  app.get(
    '/v1/activity-types/:id',
    {
      schema: {
        tags,
        operationId: 'getActivityType',
        summary: 'Get an activity type',
        params: IdParams,
        response: { 200: ActivityTypeSchema, ...problemResponses(400, 404) },
      },
      config: { access: readers },
    },
    async (request, reply) => {
      const row = await getActivityType(request.ctx, request.params.id);
      setEtag(reply, row.version);
      return toActivityType(row);
    },
  );

  app.patch(
    '/v1/activity-types/:id',
    {
      schema: {
        tags,
        operationId: 'updateActivityType',
        summary: 'Update an activity type',
        description: 'Needs If-Match. A provider changes only its own entries.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateActivityTypeSchema,
        response: { 200: ActivityTypeSchema, ...problemResponses(400, 403, SharedCatalogReadOnly, 404, 412, 428) },
      },
      config: { access: writers, audit: { action: 'update', resource: 'activity_type' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateActivityType(tx, request.params.id, ifMatch, request.body));
      setEtag(reply, row.version);
      return toActivityType(row);
    },
  );

  app.post(
    '/v1/activity-types/:id/retire',
    {
      schema: {
        tags,
        operationId: 'retireActivityType',
        summary: 'Retire an activity type',
        description: 'It stays on past sessions and programs but leaves the catalog.',
        params: IdParams,
        response: { 200: ActivityTypeSchema, ...problemResponses(400, 403, SharedCatalogReadOnly, 404) },
      },
      config: { access: writers, audit: { action: 'archive', resource: 'activity_type' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => retireActivityType(tx, request.params.id));
      setEtag(reply, row.version);
      return toActivityType(row);
    },
  );
};

export default activityTypeRoutes;
