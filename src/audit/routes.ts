import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { getClient } from '../clients/service.js';
import type { AuditEventRow } from '../db/schema.js';
import { AuditAction, AuditOutcome } from '../enums.js';
import { Page, PageQuery, Uuid } from '../http/common-schemas.js';
import { invalidParameter } from '../http/problems.js';
import type { PageParameters } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { auditEventsQuery } from './repository.js';

const AuditEventSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    credentialId: Type.Union([Uuid, Type.Null()]),
    role: Type.String(),
    organizationId: Type.Union([Uuid, Type.Null()]),
    action: AuditAction,
    resourceType: Type.String(),
    resourceId: Type.Union([Type.String(), Type.Null()]),
    clientId: Type.Union([Uuid, Type.Null()]),
    requestId: Type.String(),
    outcome: AuditOutcome,
    sourceIp: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'AuditEvent' },
);

const toEvent = (row: AuditEventRow) => ({
  id: row.id,
  at: row.at.toISOString(),
  credentialId: row.credential_id,
  role: row.role,
  organizationId: row.organization_id,
  action: row.action,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  clientId: row.client_id,
  requestId: row.request_id,
  outcome: row.outcome,
  sourceIp: row.source_ip,
});

/**
 * The trail's own paging: by id, the order of record (an identity, so no keyset on creation time
 * is needed), the cursor being the last event's id in plain digits.
 */
async function pageById(request: FastifyRequest & { query: PageParameters }, query: ReturnType<typeof auditEventsQuery>) {
  const { limit, cursor } = request.query;
  if (cursor !== undefined && !/^[0-9]{1,15}$/.test(cursor)) {
    throw invalidParameter('querystring', '/cursor', 'is not a cursor this service issued');
  }
  const keyset = cursor === undefined ? query : query.where('id', '>', Number(cursor));
  const rows = await keyset
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toEvent);
  const last = items.at(-1);
  if (rows.length <= limit || !last) return { items, next: null };
  const next = new URL(request.url, 'http://local');
  next.searchParams.set('limit', String(limit));
  next.searchParams.set('cursor', String(last.id));
  return { items, next: `${next.pathname}${next.search}` };
}

const auditRoutes: Routes = async (app) => {
  app.get(
    '/v1/audit-events',
    {
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: 'The audit trail: who read or changed what, allowed or denied',
        querystring: Type.Object(
          {
            clientId: Type.Optional(Uuid),
            credentialId: Type.Optional(Uuid),
            organizationId: Type.Optional(Uuid),
            action: Type.Optional(AuditAction),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(AuditEventSchema, 'AuditEventPage'), ...problemResponses(400) },
      },
      config: { access: { roles: ['admin', 'regional'] } },
    },
    async (request) => {
      const { limit: _limit, cursor: _cursor, ...filter } = request.query;
      return pageById(request, auditEventsQuery(request.ctx, filter));
    },
  );

  app.get(
    '/v1/clients/:clientId/access-log',
    {
      schema: {
        tags: ['audit'],
        operationId: 'getClientAccessLog',
        summary: 'Who read or changed a client’s data (for a request under the personal data law)',
        params: Type.Object({ clientId: Uuid }, { additionalProperties: false }),
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(AuditEventSchema, 'AccessLogPage'), ...problemResponses(400, 404) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request) => {
      const client = await getClient(request.ctx, request.params.clientId);
      return pageById(request, auditEventsQuery(request.ctx, { clientId: client.id }));
    },
  );
};

export default auditRoutes;
