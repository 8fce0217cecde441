import type { Db } from '../db/database.js';
import type { NewAuditEvent } from '../db/schema.js';
import type { AuditAction } from '../enums.js';
import { ScopedDb, type SharedDb } from './scoped-db.js';
import { EVERY_ORGANIZATION, type Credential, type Scope } from './scope.js';

/**
 * Where an audited record's id is found: a field of what the unit of work returned, or a path,
 * body or query parameter of the request; null when the event names none.
 */
export type IdSource = `result.${string}` | `params.${string}` | `body.${string}` | `query.${string}` | null;

/**
 * What a route records in the audit trail, declared next to its `access`: the action, the kind
 * of resource, and where the resource's and the client's ids are found. Every /v1 write route
 * declares one (a route without it does not start); a read declares one when it is an export.
 */
export interface AuditDeclaration {
  action: AuditAction | ((request: AuditedRequest) => AuditAction);
  resource: string;
  /** Default: `result.id`, the record the unit of work wrote. */
  id?: IdSource;
  /** Default: none. */
  client?: IdSource;
}

/** The parts of a request an audit declaration may read. */
export interface AuditedRequest {
  params: unknown;
  body: unknown;
  query: unknown;
}

/** What every service and repository takes: who calls, what they may see, and the database to use. */
export interface Context {
  readonly credential: Credential;
  readonly scope: Scope;
  readonly requestId: string;
  /** The tables that belong to no one organization. */
  readonly db: SharedDb;
  /** The organization-owned tables, with `scope` applied to every statement. */
  readonly scoped: ScopedDb;
}

/** A context inside a unit of work: its statements share one transaction. Writes take this. */
export interface UnitOfWork extends Context {
  readonly inUnitOfWork: true;
}

interface AuditSource {
  declaration: AuditDeclaration;
  request: AuditedRequest;
  sourceIp: string | null;
}

/**
 * One request's (or one command's) context. `write` is the unit of work: a transaction that
 * runs the work and then writes the declared audit event, committed together or not at all.
 */
export class RequestContext implements Context {
  readonly scope: Scope;
  readonly scoped: ScopedDb;
  /** Set once a unit of work committed: a write route answering without one is a bug. */
  committed = false;

  constructor(
    private readonly database: Db,
    readonly credential: Credential,
    scope: Scope,
    readonly requestId: string,
    private readonly audit?: AuditSource,
  ) {
    this.scope = scope;
    this.scoped = new ScopedDb(database, scope);
  }

  get db(): SharedDb {
    return this.database as unknown as SharedDb;
  }

  async write<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    const result = await this.database.transaction().execute(async (trx) => {
      const tx: UnitOfWork = Object.assign(new RequestContext(trx, this.credential, this.scope, this.requestId), {
        inUnitOfWork: true as const,
      });
      const answer = await work(tx);
      if (this.audit) await trx.insertInto('audit_events').values(this.event(this.audit, answer)).execute();
      return answer;
    });
    this.committed = true;
    return result;
  }

  /** The audit event of an audited read, recorded after it answered. */
  async recordRead(): Promise<void> {
    if (this.audit) await this.database.insertInto('audit_events').values(this.event(this.audit, undefined)).execute();
  }

  private event({ declaration, request, sourceIp }: AuditSource, result: unknown): NewAuditEvent {
    const action = typeof declaration.action === 'function' ? declaration.action(request) : declaration.action;
    const sources = { result, params: request.params, body: request.body, query: request.query };
    return {
      credential_id: this.credential.id,
      role: this.credential.role,
      organization_id: this.credential.organizationId,
      action,
      resource_type: declaration.resource,
      resource_id: locate(sources, declaration.id === undefined ? 'result.id' : declaration.id),
      client_id: locate(sources, declaration.client ?? null),
      request_id: this.requestId,
      outcome: 'allowed',
      source_ip: sourceIp,
    };
  }
}

function locate(sources: Record<string, unknown>, source: IdSource): string | null {
  if (source === null) return null;
  const dot = source.indexOf('.');
  const from = sources[source.slice(0, dot)] as Record<string, unknown> | undefined;
  const value = from?.[source.slice(dot + 1)];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

export interface ContextOptions {
  credential: Credential;
  scope: Scope;
  requestId: string;
  audit?: AuditSource;
}

export function createContext(db: Db, { credential, scope, requestId, audit }: ContextOptions): RequestContext {
  return new RequestContext(db, credential, scope, requestId, audit);
}

/** The service's own work outside a request (commands, the demo seed): every organization. */
export function systemContext(db: Db, requestId: string, audit?: AuditDeclaration): RequestContext {
  const credential: Credential = { id: null, role: 'admin', organizationId: null };
  const source = audit ? { declaration: audit, request: { params: {}, body: {}, query: {} }, sourceIp: null } : undefined;
  return new RequestContext(db, credential, EVERY_ORGANIZATION, requestId, source);
}
