import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { FastifyRequest } from 'fastify';
import { invalidParameter } from './problems.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor is the last item's id, made opaque so clients do not build their own. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/**
 * The id a cursor names, or a 400 naming `querystring /cursor`. Node's base64url decoder skips
 * what it cannot read (padding, `+/`, stray characters), so the cursor must also be exactly what
 * `encodeCursor` makes of that id: a string this service did not issue never reaches a query.
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id) || encodeCursor(id) !== cursor) {
    throw invalidParameter('querystring', '/cursor', 'is not a cursor this service issued');
  }
  return id;
}

/**
 * The columns a list is ordered and cut by: its table's own (created_at, id), or a narrower
 * table's copy of them whose index reads the list in that order (clients by group,
 * client_groups). The cursor always names a row of `table`.
 */
export interface Keyset {
  table: string;
  createdAt: string;
  id: string;
}

const ownKeyset = (table: string): Keyset => ({ table, createdAt: `${table}.created_at`, id: `${table}.id` });

/**
 * Keyset condition: rows after the cursor's row in (created_at, id) order. Reading the cursor
 * row's own timestamp in the database keeps its full microsecond precision, so pages neither
 * skip nor repeat rows, however many are inserted meanwhile.
 *
 * The cursor is a place in that order, not a member of the page: a row of the table that the
 * list's filters or the caller's organization leave out (a client archived while paging) still
 * marks where the next page starts, and the rows answered are still only the caller's. A
 * well-formed cursor naming no row of the table (a cursor of another list, or made up) answers an
 * empty last page rather than a 400: no paged table ever deletes a row (records are archived,
 * revoked, retired or cancelled), so a `next` link this list issued always names one, and telling
 * the cases apart would cost a lookup on every page. The decision is tested in
 * test/http/pagination.test.ts.
 */
export function after({ table, createdAt, id }: Keyset, cursorId: string): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(createdAt)}, ${sql.ref(id)}) > (SELECT c.created_at, c.id FROM ${sql.table(table)} c WHERE c.id = ${cursorId})`;
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

/** `limit` and `cursor` of a list's query string (src/http/common-schemas.ts PageQuery). */
export interface PageParameters {
  limit: number;
  cursor?: string;
}

/**
 * The one list idiom: the repository's query with its filters (plain table names), then the
 * keyset tail written once here (after the cursor's row, in creation order, one row more than a
 * page), then `{ items, next }` with `map` turning the page's rows into API objects. `keyset` is
 * the paged table's name when the list is ordered by its own columns.
 */
export async function paginate<Row extends { id: string }, Item>(
  request: FastifyRequest & { query: PageParameters },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any filtered query of any table
  query: SelectQueryBuilder<any, any, Row>,
  keyset: string | Keyset,
  map: (rows: Row[]) => Item[] | Promise<Item[]>,
): Promise<{ items: Item[]; next: string | null }> {
  const { limit, cursor } = request.query;
  const cursorId = decodeCursor(cursor);
  const order = typeof keyset === 'string' ? ownKeyset(keyset) : keyset;
  const rows = await query
    .$if(cursorId !== undefined, (paged) => paged.where(after(order, cursorId ?? '')))
    .orderBy(sql.ref(order.createdAt))
    .orderBy(sql.ref(order.id))
    .limit(limit + 1)
    .execute();
  const page = toPage(request, rows, limit, (row) => row);
  return { items: await map(page.items), next: page.next };
}
