import { sql, type SelectQueryBuilder } from 'kysely';
import { compiledPerScope } from '../context/compiled-per-scope.js';
import type { Context } from '../context/request-context.js';
import { preparedStatement } from '../db/prepared.js';
import type { ClientRow, ClientUpdate, Database, NewClientRow } from '../db/schema.js';
import type { Keyset } from '../http/pagination.js';
import type { ClientListFilter } from './schemas.js';

/** Lower case, ё as е, single spaces: how names are matched whatever the database's locale. */
export function searchName(...parts: Array<string | null | undefined>): string {
  return parts.filter(Boolean).join(' ').toLocaleLowerCase('ru').replaceAll('ё', 'е').replace(/\s+/g, ' ').trim();
}

/**
 * Holds the clients' rows until the unit of work ends, so that the writers of one client take
 * turns: each reads what the one before it committed (interview numbers and final assessments;
 * the sessions it is booked in) instead of both passing the same check. The database's
 * constraints are the guarantee; this is what lets the second writer get the right answer
 * rather than a refusal or a deadlock. Rows are taken in id order, so that two writers of many
 * clients (bulk imports) cannot deadlock on them.
 */
export async function holdClients(ctx: Context, clientIds: string[]): Promise<void> {
  if (clientIds.length === 0) return;
  await ctx.scoped
    .selectFrom('clients')
    .select('clients.id')
    .where(sql<boolean>`clients.id = ANY(${clientIds}::uuid[])`)
    .orderBy('clients.id')
    .forNoKeyUpdate()
    .execute();
}

function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export async function insertClient(ctx: Context, client: NewClientRow): Promise<ClientRow> {
  return ctx.scoped.insertInto('clients', client).returningAll().executeTakeFirstOrThrow();
}

const clientById = compiledPerScope((ctx, id) =>
  ctx.scoped.selectFrom('clients').selectAll().where('clients.id', '=', id).withPlugin(preparedStatement),
);

/** The service's hottest read (GET /v1/clients/{id}): a prepared statement, compiled once per scope. */
export async function findClient(ctx: Context, id: string): Promise<ClientRow | undefined> {
  const [row] = await clientById(ctx, id);
  return row;
}

/** The client holding a SNILS, or an organization's external id: in the caller's scope, or `undefined`. */
export async function findClientBy(ctx: Context, key: { snils: string } | { organizationId: string; externalId: string }) {
  const query = ctx.scoped.selectFrom('clients').select(['clients.id', 'clients.organization_id']);
  return (
    'snils' in key
      ? query.where('clients.snils', '=', key.snils)
      : query.where('clients.organization_id', '=', key.organizationId).where('clients.external_id', '=', key.externalId)
  ).executeTakeFirst();
}

/** The columns an API client is made of (toClient): a list reads these and no more of its rows. */
const CLIENT_VIEW = [
  'id',
  'organization_id',
  'department_id',
  'last_name',
  'first_name',
  'middle_name',
  'birth_date',
  'sex',
  'snils',
  'care_form',
  'living_situation',
  'social_support',
  'status',
  'external_id',
  'address',
  'notes',
  'current_assessment_id',
  'current_instrument_id',
  'current_assessed_on',
  'current_score_quarters',
  'current_self_care_reduction',
  'current_group',
  'current_computed_group',
  'current_decision_id',
  'current_next_check_on',
  'current_near_boundary',
  'archived_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof ClientRow>;

export type ClientView = Pick<ClientRow, (typeof CLIENT_VIEW)[number]>;

const clientViewColumns = CLIENT_VIEW.map((column) => `clients.${column}` as const);

/**
 * An organization's clients of one group, through client_groups: its index reads them in the
 * list's order (created_at, id). The join is on the key alone, so that PostgreSQL estimates it
 * right, and the organization is named on client_groups as well for its index to start there.
 * Typed as a query of clients: the list's filters name clients' columns only, the keyset
 * client_groups' (byGroup).
 */
function organizationClientsInGroup(ctx: Context, organizationId: string, group: number): SelectQueryBuilder<Database, 'clients', object> {
  return ctx.scoped
    .selectFrom('clients')
    .innerJoin('client_groups', 'client_groups.client_id', 'clients.id')
    .where('client_groups.organization_id', '=', organizationId)
    .where('client_groups.current_group', '=', group);
}

/** A page by group is ordered and cut by client_groups' copy of (created_at, id), the columns its index has. */
const byGroup: Keyset = { table: 'clients', createdAt: 'client_groups.created_at', id: 'client_groups.client_id' };

/**
 * The clients a list filter selects, and the keyset to page them by, for `paginate`; a prepared
 * statement, one per combination of filters. A group within one organization (the filter's or
 * the caller's) is read through client_groups. Across the region it is not: every sixth client
 * is in a given group, so walking clients in creation order meets a page of them within some 300
 * rows, and the region's clients of a group would be a long join to sort.
 */
export function clientsQuery(ctx: Context, filter: ClientListFilter & { today: string }) {
  const { group } = filter;
  const organizationId = filter.organizationId ?? (ctx.scope.kind === 'organization' ? ctx.scope.organizationId : undefined);
  const throughGroups = group !== undefined && organizationId !== undefined;
  const from = throughGroups ? organizationClientsInGroup(ctx, organizationId, group) : ctx.scoped.selectFrom('clients');
  let query = from.select(clientViewColumns).withPlugin(preparedStatement);
  if (group !== undefined && !throughGroups) query = query.where('clients.current_group', '=', group);
  if (filter.organizationId !== undefined) query = query.where('clients.organization_id', '=', filter.organizationId);
  if (filter.departmentId !== undefined) query = query.where('clients.department_id', '=', filter.departmentId);
  if (filter.careForm !== undefined) query = query.where('clients.care_form', '=', filter.careForm);
  if (filter.status !== undefined) query = query.where('clients.status', '=', filter.status);
  // Clients never assessed have no current assessment, so neither true nor false selects them.
  if (filter.nearBoundary !== undefined) query = query.where('clients.current_near_boundary', '=', filter.nearBoundary);
  if (filter.reassessmentOverdue !== undefined) {
    query = query.where('clients.current_next_check_on', filter.reassessmentOverdue ? '<' : '>=', filter.today);
  }
  if (filter.name !== undefined) query = query.where(sql<boolean>`clients.search_name LIKE ${likePrefix(searchName(filter.name))}`);
  if (filter.snils !== undefined) query = query.where('clients.snils', '=', filter.snils);
  if (!filter.includeArchived) query = query.where('clients.archived_at', 'is', null);
  return { query, keyset: throughGroups ? byGroup : 'clients' };
}

export async function updateClient(
  ctx: Context,
  id: string,
  expectedVersion: number,
  changes: ClientUpdate,
): Promise<ClientRow | undefined> {
  return ctx.scoped
    .updateTable('clients')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function archiveClient(ctx: Context, id: string): Promise<void> {
  await ctx.scoped
    .updateTable('clients')
    .set((eb) => ({ archived_at: new Date(), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('archived_at', 'is', null)
    .execute();
}

/**
 * Points each client at its latest final assessment that no correction superseded (by assessment
 * date, then by entry), with that assessment's figures, after any change that may move it. Run in
 * the transaction of that change. The group, self-care reduction and hours are those in effect:
 * the assessment's current commission decision's when it has one; the computed group stays beside.
 */
export async function refreshCurrentAssessment(ctx: Context, clientIds: string | string[]): Promise<void> {
  const ids = typeof clientIds === 'string' ? [clientIds] : clientIds;
  if (ids.length === 0) return;
  await sql`
    UPDATE clients c SET
      current_assessment_id = latest.id,
      current_near_boundary = latest.near_boundary,
      current_instrument_id = latest.instrument_id,
      current_assessed_on = latest.assessed_on,
      current_score_quarters = latest.score_quarters,
      -- A commission's current decision on the assessment sets the group, reduction and hours in effect (issue 17).
      current_self_care_reduction = coalesce(decided.self_care_reduction, latest.self_care_reduction),
      current_group = coalesce(decided.decided_group, latest.dependency_group),
      current_computed_group = latest.dependency_group,
      current_decision_id = decided.id,
      -- A reassessment scheduled for a signal after the current assessment brings the next check forward
      -- (src/reassessment-signals): it holds until a final assessment on or after the day it was scheduled.
      current_next_check_on = LEAST(latest.next_check_on, (
        SELECT min(r.scheduled_on) FROM reassessment_signal_resolutions r
        WHERE r.client_id = target.id AND r.outcome = 'scheduled' AND (latest.assessed_on IS NULL OR r.resolved_on > latest.assessed_on))),
      current_hours_optimal = coalesce(decided.hours_optimal, latest.hours_optimal),
      current_hours_minimal = coalesce(decided.hours_minimal, latest.hours_minimal),
      current_hours_by_living_situation = CASE WHEN decided.id IS NULL THEN latest.hours_by_living_situation
        ELSE decided.hours_by_living_situation END
    FROM clients target
    LEFT JOIN LATERAL (
      SELECT a.id, a.instrument_id, a.assessed_on, a.score_quarters, a.self_care_reduction, a.dependency_group, a.next_check_on,
        a.hours_optimal, a.hours_minimal, a.hours_by_living_situation, a.near_boundary
      FROM assessments a
      WHERE a.client_id = target.id AND a.status = 'final' AND a.superseded_by IS NULL
      ORDER BY a.assessed_on DESC, a.created_at DESC
      LIMIT 1
    ) latest ON true
    LEFT JOIN assessment_decisions decided ON decided.assessment_id = latest.id AND decided.superseded_by IS NULL
    WHERE c.id = target.id AND target.id = ANY(${ids}::uuid[]) AND ${ctx.scoped.where('clients', 'target')}
  `.execute(ctx.db);
}
