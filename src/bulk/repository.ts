import { sql } from 'kysely';
import type { AssessedClient } from '../assessments/service.js';
import type { Context, UnitOfWork } from '../context/request-context.js';
import type { AssessmentRow, ClientRow, DepartmentRow, NewAssessmentRow, NewClientRow } from '../db/schema.js';

export async function departmentsOf(ctx: Context, organizationId: string): Promise<Map<string, DepartmentRow>> {
  const rows = await ctx.scoped.selectFrom('departments').selectAll().where('departments.organization_id', '=', organizationId).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function staffIdsOf(ctx: Context, organizationId: string): Promise<Set<string>> {
  const rows = await ctx.scoped.selectFrom('staff').select('staff.id').where('staff.organization_id', '=', organizationId).execute();
  return new Set(rows.map((row) => row.id));
}

// Batches bind their keys as one array parameter (= ANY): a thousand separate parameters cost
// more to send, parse and plan than the lookup itself.

/** An organization's clients by their external ids: the rows with one. */
export async function clientsByExternalId(ctx: Context, organizationId: string, externalIds: string[]) {
  if (externalIds.length === 0) return new Map<string, ClientRow & { external_id: string }>();
  const rows = await ctx.scoped
    .selectFrom('clients')
    .selectAll()
    .where('clients.organization_id', '=', organizationId)
    .where(sql<boolean>`clients.external_id = ANY(${externalIds}::text[])`)
    .execute();
  return byExternalId(rows);
}

/**
 * Like clientsByExternalId, with only what the assessment rules read, and the rows held until the
 * unit of work ends as holdClients holds them (in id order, so two imports cannot deadlock): the
 * import's writes to those clients then take turns, and the lock costs no statement of its own.
 */
export async function heldClientsByExternalId(tx: UnitOfWork, organizationId: string, externalIds: string[]) {
  if (externalIds.length === 0) return new Map<string, AssessedClient & { external_id: string }>();
  const rows = await tx.scoped
    .selectFrom('clients')
    .select([
      'clients.id',
      'clients.organization_id',
      'clients.external_id',
      'clients.status',
      'clients.archived_at',
      'clients.birth_date',
      'clients.care_form',
      'clients.living_situation',
      'clients.social_support',
    ])
    .where('clients.organization_id', '=', organizationId)
    .where(sql<boolean>`clients.external_id = ANY(${externalIds}::text[])`)
    .orderBy('clients.id')
    .forNoKeyUpdate()
    .execute();
  return byExternalId(rows);
}

function byExternalId<Row extends { external_id: string | null }>(rows: Row[]): Map<string, Row & { external_id: string }> {
  const map = new Map<string, Row & { external_id: string }>();
  for (const row of rows) {
    const { external_id } = row;
    if (external_id !== null) map.set(external_id, { ...row, external_id });
  }
  return map;
}

/**
 * Who holds each SNILS: the register allows one client per person, in any organization, so the
 * lookup is register-wide as the unique key is. It names the holder only when the holder is a
 * client of `organizationId` (null otherwise): another organization's client stays unnamed.
 */
export async function snilsHolders(ctx: Context, organizationId: string, snils: string[]): Promise<Map<string, { id: string | null }>> {
  if (snils.length === 0) return new Map();
  const { rows } = await sql<{ snils: string; id: string | null }>`
    SELECT c.snils, CASE WHEN c.organization_id = ${organizationId} THEN c.id END AS id
    FROM clients c WHERE c.snils = ANY(${snils}::bpchar[])
  `.execute(ctx.db);
  return new Map(rows.map(({ snils: held, id }) => [held, { id }]));
}

/**
 * One statement for the whole batch. A row that meets a unique key written meanwhile by another
 * request is skipped rather than failing the batch; the ids returned tell which rows landed.
 */
export async function insertClientsSkippingConflicts(tx: UnitOfWork, rows: Array<NewClientRow & { id: string }>): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await tx.scoped
    .insertInto('clients', rows)
    .onConflict((conflict) => conflict.doNothing())
    .returning('id')
    .execute();
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
export async function assessmentsMatching(ctx: Context, keys: AssessmentKey[]): Promise<AssessmentRow[]> {
  if (keys.length === 0) return [];
  const wanted = new Set(keys.map((key) => `${key.clientId} ${key.instrumentId} ${key.assessedOn}`));
  const rows = await ctx.scoped
    .selectFrom('assessments')
    .selectAll()
    .where(sql<boolean>`assessments.client_id = ANY(${[...new Set(keys.map((key) => key.clientId))]}::uuid[])`)
    .where(sql<boolean>`assessments.assessed_on = ANY(${[...new Set(keys.map((key) => key.assessedOn))]}::date[])`)
    .where('assessments.superseded_by', 'is', null)
    .orderBy('assessments.created_at')
    .execute();
  return rows.filter((row) => wanted.has(`${row.client_id} ${row.instrument_id} ${row.assessed_on}`));
}

/** The highest "Инт. №" so far for each client and form. */
export async function latestInterviewNumbers(ctx: Context, clientIds: string[]): Promise<Map<string, number>> {
  if (clientIds.length === 0) return new Map();
  const rows = await ctx.scoped
    .selectFrom('assessments')
    .select(['assessments.client_id', 'assessments.instrument_id', (eb) => eb.fn.max<number>('assessments.interview_no').as('max')])
    .where(sql<boolean>`assessments.client_id = ANY(${clientIds}::uuid[])`)
    .groupBy(['assessments.client_id', 'assessments.instrument_id'])
    .execute();
  return new Map(rows.map((row) => [`${row.client_id} ${row.instrument_id}`, row.max]));
}

/**
 * The whole batch as one JSON parameter that PostgreSQL unpacks into rows: a thousand rows of 22
 * columns as bound parameters cost more to build and send than the insert itself. The rows are
 * of clients read in the caller's scope (`heldClientsByExternalId`), which gave each its
 * organization. A row whose interview number a current assessment holds is skipped, not failing
 * the batch; the ids returned tell which rows landed.
 */
export async function insertAssessments(tx: UnitOfWork, rows: Array<NewAssessmentRow & { id: string }>): Promise<Set<string>> {
  const [first] = rows;
  if (!first) return new Set();
  const columns = Object.keys(first);
  // The answers come as JSON text already (the column's insert form); spliced in, not parsed back.
  const records = `[${rows.map(({ answers, ...row }) => `${JSON.stringify(row).slice(0, -1)},"answers":${answers}}`).join(',')}]`;
  const list = sql.join(columns.map((column) => sql.id(column)));
  const { rows: inserted } = await sql<{ id: string }>`
    INSERT INTO assessments (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::assessments, ${records}::jsonb)
    ON CONFLICT (client_id, instrument_id, interview_no) WHERE superseded_by IS NULL AND (status = 'final' OR supersedes IS NULL)
    DO NOTHING
    RETURNING id
  `.execute(tx.db);
  return new Set(inserted.map((row) => row.id));
}
