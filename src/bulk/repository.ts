import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AssessedClient } from '../assessments/service.js';
import type { AssessmentRow, ClientRow, DepartmentRow, NewAssessmentRow, NewClientRow } from '../db/schema.js';

export async function departmentsOf(db: Db, organizationId: string): Promise<Map<string, DepartmentRow>> {
  const rows = await db.selectFrom('departments').selectAll().where('organization_id', '=', organizationId).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function staffIdsOf(db: Db, organizationId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('staff').select('id').where('organization_id', '=', organizationId).execute();
  return new Set(rows.map((row) => row.id));
}

// Batches bind their keys as one array parameter (= ANY): a thousand separate parameters cost
// more to send, parse and plan than the lookup itself.

export async function clientsByExternalId(db: Db, organizationId: string, externalIds: string[]): Promise<Map<string, ClientRow>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('clients')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where(sql<boolean>`external_id = ANY(${externalIds}::text[])`)
    .execute();
  return new Map(rows.map((row) => [row.external_id!, row]));
}

/** Like clientsByExternalId, with only what the assessment rules read. */
export async function assessedClientsByExternalId(db: Db, organizationId: string, externalIds: string[]): Promise<Map<string, AssessedClient & { external_id: string }>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('clients')
    .select(['id', 'organization_id', 'external_id', 'status', 'archived_at', 'birth_date', 'care_form', 'living_situation', 'social_support'])
    .where('organization_id', '=', organizationId)
    .where(sql<boolean>`external_id = ANY(${externalIds}::text[])`)
    .execute();
  return new Map(rows.map((row) => [row.external_id!, { ...row, external_id: row.external_id! }]));
}

/** Who holds each SNILS, in any organization: the register allows one client per person. */
export async function snilsHolders(db: Db, snils: string[]): Promise<Map<string, Pick<ClientRow, 'id' | 'organization_id'>>> {
  if (snils.length === 0) return new Map();
  const rows = await db.selectFrom('clients').select(['id', 'organization_id', 'snils']).where(sql<boolean>`snils = ANY(${snils}::bpchar[])`).execute();
  return new Map(rows.map((row) => [row.snils, row]));
}

/**
 * One statement for the whole batch. A row that meets a unique key written meanwhile by another
 * request is skipped rather than failing the batch; the ids returned tell which rows landed.
 */
export async function insertClientsSkippingConflicts(db: Db, rows: Array<NewClientRow & { id: string }>): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db.insertInto('clients').values(rows).onConflict((conflict) => conflict.doNothing()).returning('id').execute();
  return new Set(inserted.map((row) => row.id));
}

export interface AssessmentKey {
  clientId: string;
  instrumentId: string;
  assessedOn: string;
}

/**
 * The assessments no correction replaced that match the keys (client, instrument, date). Read by
 * clients and dates, which the (client_id, assessed_on) index answers, then matched exactly here.
 */
export async function assessmentsMatching(db: Db, keys: AssessmentKey[]): Promise<AssessmentRow[]> {
  if (keys.length === 0) return [];
  const wanted = new Set(keys.map((key) => `${key.clientId} ${key.instrumentId} ${key.assessedOn}`));
  const rows = await db
    .selectFrom('assessments')
    .selectAll()
    .where(sql<boolean>`client_id = ANY(${[...new Set(keys.map((key) => key.clientId))]}::uuid[])`)
    .where(sql<boolean>`assessed_on = ANY(${[...new Set(keys.map((key) => key.assessedOn))]}::date[])`)
    .where('superseded_by', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.filter((row) => wanted.has(`${row.client_id} ${row.instrument_id} ${row.assessed_on}`));
}

/** The highest "Инт. №" so far for each client and form. */
export async function latestInterviewNumbers(db: Db, clientIds: string[]): Promise<Map<string, number>> {
  if (clientIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('assessments')
    .select(['client_id', 'instrument_id', (eb) => eb.fn.max<number>('interview_no').as('max')])
    .where(sql<boolean>`client_id = ANY(${clientIds}::uuid[])`)
    .groupBy(['client_id', 'instrument_id'])
    .execute();
  return new Map(rows.map((row) => [`${row.client_id} ${row.instrument_id}`, row.max]));
}

/**
 * The whole batch as one JSON parameter that PostgreSQL unpacks into rows: a thousand rows of 22
 * columns as bound parameters cost more to build and send than the insert itself.
 */
export async function insertAssessments(db: Db, rows: Array<NewAssessmentRow & { id: string }>): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as Array<keyof NewAssessmentRow>;
  // The answers come as JSON text already (the column's insert form); spliced in, not parsed back.
  const records = `[${rows.map(({ answers, ...row }) => `${JSON.stringify(row).slice(0, -1)},"answers":${answers as string}}`).join(',')}]`;
  const list = sql.join(columns.map((column) => sql.id(column)));
  await sql`INSERT INTO assessments (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::assessments, ${records}::jsonb)`.execute(db);
}
