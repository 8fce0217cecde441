import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AssessmentRow, ClientRow, DepartmentRow, NewAssessmentRow, NewClientRow } from '../db/schema.js';

export async function departmentsOf(db: Db, organizationId: string): Promise<Map<string, DepartmentRow>> {
  const rows = await db.selectFrom('departments').selectAll().where('organization_id', '=', organizationId).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function staffIdsOf(db: Db, organizationId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('staff').select('id').where('organization_id', '=', organizationId).execute();
  return new Set(rows.map((row) => row.id));
}

export async function clientsByExternalId(db: Db, organizationId: string, externalIds: string[]): Promise<Map<string, ClientRow>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('clients')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('external_id', 'in', externalIds)
    .execute();
  return new Map(rows.map((row) => [row.external_id!, row]));
}

/** Who holds each SNILS, in any organization: the register allows one client per person. */
export async function snilsHolders(db: Db, snils: string[]): Promise<Map<string, Pick<ClientRow, 'id' | 'organization_id'>>> {
  if (snils.length === 0) return new Map();
  const rows = await db.selectFrom('clients').select(['id', 'organization_id', 'snils']).where('snils', 'in', snils).execute();
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
    .where('client_id', 'in', [...new Set(keys.map((key) => key.clientId))])
    .where('assessed_on', 'in', [...new Set(keys.map((key) => key.assessedOn))])
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
    .where('client_id', 'in', clientIds)
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
  const records = JSON.stringify(rows.map((row) => ({ ...row, answers: JSON.parse(row.answers as string) })));
  const list = sql.join(columns.map((column) => sql.id(column)));
  await sql`INSERT INTO assessments (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::assessments, ${records}::jsonb)`.execute(db);
}
