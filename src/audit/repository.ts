import type { Context } from '../context/request-context.js';
import type { NewAuditEvent } from '../db/schema.js';
import type { AuditAction } from '../enums.js';

/** Appends an event the request records itself: a medical partner's read, allowed or denied. */
export async function appendAuditEvent(ctx: Context, event: NewAuditEvent): Promise<void> {
  await ctx.db.insertInto('audit_events').values(event).execute();
}

export interface AuditFilter {
  clientId?: string;
  credentialId?: string;
  organizationId?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
}

/** The events a filter selects, for the trail's own paging (by id, the order of record). */
export function auditEventsQuery(ctx: Context, filter: AuditFilter) {
  let query = ctx.db.selectFrom('audit_events').selectAll();
  if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
  if (filter.credentialId !== undefined) query = query.where('credential_id', '=', filter.credentialId);
  if (filter.organizationId !== undefined) query = query.where('organization_id', '=', filter.organizationId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.from !== undefined) query = query.where('at', '>=', new Date(filter.from));
  if (filter.to !== undefined) query = query.where('at', '<', new Date(filter.to));
  return query;
}
