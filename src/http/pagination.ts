import { sql, type Expression, type SqlBool } from 'kysely';
import type { FastifyRequest } from 'fastify';
import { invalidParameter } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor is the last item's id, made opaque so clients do not build their own. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw invalidParameter('querystring', '/cursor', 'is not a cursor this service issued');
  return id;
}

/**
 * Keyset condition: rows after the cursor's row in (created_at, id) order. Reading the cursor
 * row's own timestamp in the database keeps its full microsecond precision, so pages neither
 * skip nor repeat rows, however many are inserted meanwhile.
 */
export function after(table: string, cursorId: string): Expression<SqlBool> {
  const createdAt = sql.ref(`${table}.created_at`);
  const id = sql.ref(`${table}.id`);
  return sql<SqlBool>`(${createdAt}, ${id}) > (SELECT c.created_at, c.id FROM ${sql.table(table)} c WHERE c.id = ${cursorId})`;
}

/**
 * Cuts the one-extra row a repository fetched (limit + 1) and builds the `next` link from the
 * request's own URL, so every filter carries over to the next page.
 */
export function toPage<Row extends { id: string }, Item>(
  request: FastifyRequest,
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
): { items: Item[]; next: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  if (!hasMore || !last) return { items: pageRows.map(map), next: null };
  const url = new URL(request.url, 'http://local');
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('cursor', encodeCursor(last.id));
  return { items: pageRows.map(map), next: `${url.pathname}${url.search}` };
}
