import { IdParams, Page } from '../http/common-schemas.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { ApiKeyOrganizationKind, ApiKeyOrganizationNotAllowed, ApiKeyOrganizationRequired } from './problems.js';
import { keysQuery } from './repository.js';
import { ApiKeyListQuery, ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema } from './schemas.js';
import { createApiKey, revokeApiKey, toApiKey } from './service.js';

const tags = ['api-keys'];
const adminOnly = { roles: ['admin'] } as const;

const apiKeyRoutes: Routes = async (app) => {
  app.post(
    '/v1/api-keys',
    {
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Create an API key',
        description: 'The answer carries the secret once; only its hash is stored.',
        body: CreateApiKeySchema,
        response: {
          201: CreatedApiKeySchema,
          ...problemResponses(400, ApiKeyOrganizationRequired, ApiKeyOrganizationNotAllowed, ApiKeyOrganizationKind),
        },
      },
      // No Idempotency-Key: a kept answer would be a copy of the secret in the database.
      config: { access: adminOnly, idempotencyKey: false, audit: { action: 'create', resource: 'api_key' } },
    },
    async (request, reply) => {
      const key = await request.ctx.write((tx) => createApiKey(tx, request.body));
      return reply.code(201).header('cache-control', 'no-store').send(key);
    },
  );

  app.get(
    '/v1/api-keys',
    {
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: 'List API keys',
        description: 'Secrets are never listed. Revoked keys only with `includeRevoked=true`.',
        querystring: ApiKeyListQuery,
        response: { 200: Page(ApiKeySchema, 'ApiKeyPage'), ...problemResponses(400) },
      },
      config: { access: adminOnly },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return paginate(request, keysQuery(request.ctx, filter), 'api_keys', (rows) => rows.map(toApiKey));
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        description: 'Effective immediately: the next request with the key is answered 401.',
        params: IdParams,
        response: { 200: ApiKeySchema, ...problemResponses(400, 404) },
      },
      config: { access: adminOnly, audit: { action: 'archive', resource: 'api_key' } },
    },
    async (request) => {
      const row = await request.ctx.write((tx) => revokeApiKey(tx, request.params.id));
      // After the commit: a request authenticated before it would otherwise cache the key again, unrevoked.
      app.keyCache.forget(row.id);
      return toApiKey(row);
    },
  );
};

export default apiKeyRoutes;
