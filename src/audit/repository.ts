import type { Db } from '../db/database.js';
import type { AuditEventRow, NewAuditEvent } from '../db/schema.js';

export async function recordAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

export interface AuditFilter {
  clientId?: string;
  credentialId?: string;
  organizationId?: string;
  action?: AuditEventRow['action'];
  from?: string;
  to?: string;
  /** events after this id (the cursor) */
  afterId?: number;
  limit: number;
}

/** Newest first is what people read; the id order is the order of record. */
export async function listAuditEvents(db: Db, filter: AuditFilter): Promise<AuditEventRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .$if(filter.clientId !== undefined, (query) => query.where('client_id', '=', filter.clientId!))
    .$if(filter.credentialId !== undefined, (query) => query.where('credential_id', '=', filter.credentialId!))
    .$if(filter.organizationId !== undefined, (query) => query.where('organization_id', '=', filter.organizationId!))
    .$if(filter.action !== undefined, (query) => query.where('action', '=', filter.action!))
    .$if(filter.from !== undefined, (query) => query.where('at', '>=', new Date(filter.from!)))
    .$if(filter.to !== undefined, (query) => query.where('at', '<', new Date(filter.to!)))
    .$if(filter.afterId !== undefined, (query) => query.where('id', '>', filter.afterId!))
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}
