import {
  sql,
  type CompiledQuery,
  type DeleteQueryBuilder,
  type DeleteResult,
  type Expression,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type QueryResult,
  type SelectQueryBuilder,
  type SqlBool,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import { today } from '../calendar/dates.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { OtherOrganization } from '../http/problems.js';
import type { Scope } from './scope.js';

/** Tables whose rows belong to one social-service organization: their `organization_id` says which. */
const _DIRECTLY_OWNED = [
  'departments',
  'staff',
  'clients',
  'client_groups',
  'assessments',
  'assessment_decisions',
  'activity_types',
  'activity_series',
  'activities',
  'support_programs',
  'implementation_plans',
  'questionnaires',
  'observations',
  'specialist_reports',
  'monitoring_reports',
  'changes',
  'carers',
  'representatives',
  'care_sessions',
  'reassessment_signal_resolutions',
  'bulk_import_jobs',
  'care_visits',
] as const;

/** Tables whose rows belong to an owned row, and so to its organization. */
const CHILDREN = {
  activity_participants: { parent: 'activities', key: 'activity_id' },
  consents: { parent: 'clients', key: 'client_id' },
  plan_tasks: { parent: 'implementation_plans', key: 'plan_id' },
  plan_documents: { parent: 'implementation_plans', key: 'plan_id' },
  care_session_attendees: { parent: 'care_sessions', key: 'session_id' },
  bulk_import_job_lines: { parent: 'bulk_import_jobs', key: 'job_id' },
  bulk_import_job_failures: { parent: 'bulk_import_jobs', key: 'job_id' },
} as const;

export type DirectlyOwnedTable = (typeof _DIRECTLY_OWNED)[number];
export type ChildTable = keyof typeof CHILDREN;
export type OwnedTable = DirectlyOwnedTable | ChildTable;

/** The tables that belong to no one organization: catalogues, organizations, agreements, keys, the audit trail. */
export type SharedDatabase = Omit<Database, OwnedTable>;
export type SharedDb = Kysely<SharedDatabase>;

/**
 * The shared catalog of activity types (organization_id null) is readable by every organization
 * and written by admins only.
 */
const READABLE_WHEN_SHARED: ReadonlySet<OwnedTable> = new Set(['activity_types']);

/** The rows of these tables a medical partner may read: those of clients an agreement and consent share. */
const PARTNER_READABLE: Partial<Record<OwnedTable, { organization: string; client: string }>> = {
  clients: { organization: 'organization_id', client: 'id' },
  assessments: { organization: 'organization_id', client: 'client_id' },
  // The decided group is the client's group in effect, which the partner views show.
  assessment_decisions: { organization: 'organization_id', client: 'client_id' },
};

type Purpose = 'read' | 'write';

/**
 * The organization-owned tables as one caller may see them: every statement built here carries
 * the caller's scope. The only way to reach these tables from a request's context, so that an
 * unscoped query does not type-check (test/context/scope.types.ts).
 *
 * Statements use the plain table names (no aliases): the scope's condition names the table.
 */
export class ScopedDb {
  constructor(
    private readonly db: Db,
    readonly scope: Scope,
  ) {}

  selectFrom<T extends OwnedTable>(table: T): SelectQueryBuilder<Database, T, object> {
    const query = this.db.selectFrom(table) as unknown as SelectQueryBuilder<Database, T, object>;
    const condition = this.condition(table, 'read');
    return condition ? query.where(condition) : query;
  }

  updateTable<T extends OwnedTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const query = this.db.updateTable(table) as unknown as UpdateQueryBuilder<Database, T, T, UpdateResult>;
    const condition = this.condition(table, 'write');
    return condition ? query.where(condition) : query;
  }

  deleteFrom<T extends OwnedTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    const query = this.db.deleteFrom(table) as unknown as DeleteQueryBuilder<Database, T, DeleteResult>;
    const condition = this.condition(table, 'write');
    return condition ? query.where(condition) : query;
  }

  /** Runs a statement compiled from this scope's queries (src/context/compiled-per-scope.ts). */
  execute<Row>(query: CompiledQuery<Row>): Promise<QueryResult<Row>> {
    return this.db.executeQuery(query);
  }

  /** Inserts rows of an organization's own; a row of an organization outside the scope is refused (403). */
  insertInto<T extends DirectlyOwnedTable>(
    table: T,
    rows: Insertable<Database[T]> | ReadonlyArray<Insertable<Database[T]>>,
  ): InsertQueryBuilder<Database, T, InsertResult> {
    const list = (Array.isArray(rows) ? rows : [rows]) as ReadonlyArray<{ organization_id?: string | null }>;
    for (const row of list) this.assertWritable(row.organization_id ?? null);
    return this.db.insertInto(table).values(rows);
  }

  /** Inserts rows that belong to `owner`, a row the caller read in its scope. */
  insertChildren<T extends ChildTable>(
    table: T,
    owner: { organization_id: string },
    rows: Insertable<Database[T]> | ReadonlyArray<Insertable<Database[T]>>,
  ): InsertQueryBuilder<Database, T, InsertResult> {
    this.assertWritable(owner.organization_id);
    return this.db.insertInto(table).values(rows);
  }

  /**
   * The scope's condition on `table` in raw SQL, for the report queries written in SQL; `alias`
   * when the query names the table otherwise.
   */
  where(table: OwnedTable, alias: string = table): Expression<SqlBool> {
    return this.condition(table, 'read', alias) ?? sql<SqlBool>`true`;
  }

  private assertWritable(organizationId: string | null): void {
    const { scope } = this;
    if (scope.kind === 'all') return;
    if (scope.kind === 'partner' || organizationId !== scope.organizationId) {
      throw new OtherOrganization(
        scope.kind === 'partner' ? 'medical_partner' : 'provider',
        scope.kind === 'partner' ? scope.medicalOrganizationId : scope.organizationId,
      );
    }
  }

  private condition(table: OwnedTable, purpose: Purpose, alias: string = table): Expression<SqlBool> | undefined {
    const { scope } = this;
    if (scope.kind === 'all') return undefined;
    if (scope.kind === 'partner') {
      const columns = purpose === 'read' ? PARTNER_READABLE[table] : undefined;
      if (!columns) return sql<SqlBool>`false`;
      return partnerGrant(scope.medicalOrganizationId, sql.ref(`${alias}.${columns.organization}`), sql.ref(`${alias}.${columns.client}`));
    }
    const child = CHILDREN[table as ChildTable];
    if (child) {
      return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(child.parent)} owner WHERE owner.id = ${sql.ref(`${alias}.${child.key}`)} AND owner.organization_id = ${scope.organizationId})`;
    }
    const organization = sql.ref(`${alias}.organization_id`);
    if (purpose === 'read' && READABLE_WHEN_SHARED.has(table)) {
      return sql<SqlBool>`(${organization} = ${scope.organizationId} OR ${organization} IS NULL)`;
    }
    return sql<SqlBool>`${organization} = ${scope.organizationId}`;
  }
}

/**
 * A medical organization reads a client's records while an active agreement, within its dates
 * and with the `assessments` scope, covers the client's organization, and the client's latest
 * consent record (by date, then entry) grants sharing.
 */
function partnerGrant(medicalOrganizationId: string, organization: Expression<string>, client: Expression<string>): Expression<SqlBool> {
  const day = today();
  return sql<SqlBool>`(
    EXISTS (
      SELECT 1 FROM agreement_organizations ao JOIN agreements a ON a.id = ao.agreement_id
      WHERE ao.organization_id = ${organization} AND a.medical_organization_id = ${medicalOrganizationId}
        AND a.status = 'active' AND a.valid_from <= ${day} AND a.valid_to >= ${day} AND 'assessments' = ANY(a.scope)
    )
    AND (
      SELECT k.status FROM consents k
      WHERE k.client_id = ${client} AND k.kind = 'medical_data_sharing' AND k.given_on <= ${day}
      ORDER BY k.given_on DESC, k.created_at DESC LIMIT 1
    ) = 'granted'
  )`;
}
