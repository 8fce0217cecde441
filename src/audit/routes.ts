import { Type } from '@sinclair/typebox';
import { getClient } from '../clients/service.js';
import type { AuditEventRow } from '../db/schema.js';
import { Page, PageQuery, Uuid } from '../http/common-schemas.js';
import { invalidParameter } from '../http/errors.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';
import { listAuditEvents } from './repository.js';

const Action = Type.Union(['read', 'create', 'update', 'finalize', 'supersede', 'archive', 'export'].map((value) => Type.Literal(value)));

const AuditEventSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    credentialId: Type.Union([Uuid, Type.Null()]),
    role: Type.String(),
    organizationId: Type.Union([Uuid, Type.Null()]),
    action: Action,
    resourceType: Type.String(),
    resourceId: Type.Union([Type.String(), Type.Null()]),
    clientId: Type.Union([Uuid, Type.Null()]),
    requestId: Type.String(),
    outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied')]),
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

/** Audit events page by their id, the order of record. */
function page(url: string, rows: AuditEventRow[], limit: number) {
  const items = rows.slice(0, limit).map(toEvent);
  if (rows.length <= limit) return { items, next: null };
  const next = new URL(url, 'http://local');
  next.searchParams.set('limit', String(limit));
  next.searchParams.set('cursor', String(items.at(-1)!.id));
  return { items, next: `${next.pathname}${next.search}` };
}

function afterId(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(cursor)) throw invalidParameter('querystring', '/cursor', 'is not a cursor this service issued');
  return Number(cursor);
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
            action: Type.Optional(Action),
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
      const { limit, cursor, ...filter } = request.query;
      const rows = await listAuditEvents(request.db, { ...filter, action: filter.action as AuditEventRow['action'] | undefined, afterId: afterId(cursor), limit });
      return page(request.url, rows, limit);
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
      const { limit, cursor } = request.query;
      const rows = await listAuditEvents(request.db, { clientId: client.id, afterId: afterId(cursor), limit });
      return page(request.url, rows, limit);
    },
  );
};

export default auditRoutes;
