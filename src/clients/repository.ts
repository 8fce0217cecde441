import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { ClientRow, ClientUpdate, NewClientRow } from '../db/schema.js';
import { after } from '../http/pagination.js';
import type { ClientListFilter } from './schemas.js';

/** Lower case, ё as е, single spaces: how names are matched whatever the database's locale. */
export function searchName(...parts: Array<string | null | undefined>): string {
  return parts
    .filter(Boolean)
    .join(' ')
    .toLocaleLowerCase('ru')
    .replaceAll('ё', 'е')
    .replace(/\s+/g, ' ')
    .trim();
}

function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export async function insertClient(db: Db, client: NewClientRow): Promise<ClientRow> {
  return db.insertInto('clients').values(client).returningAll().executeTakeFirstOrThrow();
}

export async function findClient(db: Db, id: string, scope?: string): Promise<ClientRow | undefined> {
  return db
    .selectFrom('clients')
    .selectAll()
    .where('clients.id', '=', id)
    .$if(scope !== undefined, (query) => query.where('clients.organization_id', '=', scope!))
    .executeTakeFirst();
}

export async function findClientBy(db: Db, column: 'snils' | 'external_id', value: string, organizationId?: string) {
  return db
    .selectFrom('clients')
    .select(['id', 'organization_id'])
    .where(column, '=', value)
    .$if(organizationId !== undefined, (query) => query.where('organization_id', '=', organizationId!))
    .executeTakeFirst();
}

export async function listClients(
  db: Db,
  filter: ClientListFilter & { scope?: string; today: string; cursor?: string; limit: number },
): Promise<ClientRow[]> {
  return db
    .selectFrom('clients')
    .selectAll()
    .$if(filter.scope !== undefined, (query) => query.where('clients.organization_id', '=', filter.scope!))
    .$if(filter.organizationId !== undefined, (query) => query.where('clients.organization_id', '=', filter.organizationId!))
    .$if(filter.departmentId !== undefined, (query) => query.where('clients.department_id', '=', filter.departmentId!))
    .$if(filter.careForm !== undefined, (query) => query.where('clients.care_form', '=', filter.careForm!))
    .$if(filter.status !== undefined, (query) => query.where('clients.status', '=', filter.status!))
    .$if(filter.group !== undefined, (query) => query.where('clients.current_group', '=', filter.group!))
    .$if(filter.reassessmentOverdue === true, (query) => query.where('clients.current_next_check_on', '<', filter.today))
    .$if(filter.reassessmentOverdue === false, (query) => query.where('clients.current_next_check_on', '>=', filter.today))
    .$if(filter.name !== undefined, (query) =>
      query.where(sql<boolean>`clients.search_name LIKE ${likePrefix(searchName(filter.name))}`),
    )
    .$if(filter.snils !== undefined, (query) => query.where('clients.snils', '=', filter.snils!))
    .$if(!filter.includeArchived, (query) => query.where('clients.archived_at', 'is', null))
    .$if(filter.cursor !== undefined, (query) => query.where(after('clients', filter.cursor!)))
    .orderBy('clients.created_at')
    .orderBy('clients.id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateClient(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: ClientUpdate,
  scope?: string,
): Promise<ClientRow | undefined> {
  return db
    .updateTable('clients')
    .set((eb) => ({ ...changes, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .$if(scope !== undefined, (query) => query.where('organization_id', '=', scope!))
    .returningAll()
    .executeTakeFirst();
}

export async function archiveClient(db: Db, id: string): Promise<void> {
  await db
    .updateTable('clients')
    .set((eb) => ({ archived_at: new Date(), updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('archived_at', 'is', null)
    .execute();
}

/**
 * Points each client at its latest final assessment that no correction superseded (by assessment
 * date, then by entry), with that assessment's figures, after any change that may move it. Run in
 * the transaction of that change.
 */
export async function refreshCurrentAssessment(db: Db, clientIds: string | string[]): Promise<void> {
  const ids = typeof clientIds === 'string' ? [clientIds] : clientIds;
  if (ids.length === 0) return;
  await sql`
    UPDATE clients c SET
      current_assessment_id = latest.id,
      current_instrument_id = latest.instrument_id,
      current_assessed_on = latest.assessed_on,
      current_score_quarters = latest.score_quarters,
      current_self_care_reduction = latest.self_care_reduction,
      current_group = latest.dependency_group,
      current_next_check_on = latest.next_check_on,
      current_hours_optimal = latest.hours_optimal,
      current_hours_minimal = latest.hours_minimal,
      current_hours_by_living_situation = latest.hours_by_living_situation
    FROM clients target
    LEFT JOIN LATERAL (
      SELECT a.id, a.instrument_id, a.assessed_on, a.score_quarters, a.self_care_reduction, a.dependency_group, a.next_check_on,
        a.hours_optimal, a.hours_minimal, a.hours_by_living_situation
      FROM assessments a
      WHERE a.client_id = target.id AND a.status = 'final' AND a.superseded_by IS NULL
      ORDER BY a.assessed_on DESC, a.created_at DESC
      LIMIT 1
    ) latest ON true
    WHERE c.id = target.id AND target.id = ANY(${ids}::uuid[])
  `.execute(db);
}
