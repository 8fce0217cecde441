/*
 * The SQL the service sends for the benchmark's reads, taken from the service's own code so that
 * the floor (bench/floor-server.ts) cannot drift from it: the repository functions run once on a
 * Kysely whose driver executes nothing and records each compiled statement. Marker values stand
 * for the request's inputs, so each parameter is known as either one of those inputs or a constant.
 */
import type { FastifyRequest } from 'fastify';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery } from 'kysely';
import { findClient, clientsQuery } from '../src/clients/repository.js';
import { systemContext } from '../src/context/request-context.js';
import type { Database } from '../src/db/schema.js';
import { paginate, type PageParameters } from '../src/http/pagination.js';

/** A parameter of a floor query: the request input of that name, or a constant of the service's. */
export type Slot = { input: string } | { value: unknown };

export interface FloorQuery {
  sql: string;
  slots: Slot[];
}

/** The statement `run` sends, with every parameter equal to a marker named as that input. */
async function capture(markers: Record<string, unknown>, run: (db: Kysely<Database>) => Promise<unknown>): Promise<FloorQuery> {
  const sent: CompiledQuery[] = [];
  const recorder = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      if (event.level === 'query') sent.push(event.query);
    },
  });
  await run(recorder);
  if (sent.length !== 1) throw new Error(`the read sent ${sent.length} statements; the floor runs one`);
  const [query] = sent as [CompiledQuery];
  const slots = query.parameters.map((parameter): Slot => {
    const names = Object.keys(markers).filter((name) => markers[name] === parameter);
    if (names.length > 1) throw new Error(`markers ${names.join(', ')} share a value`);
    return names.length ? { input: names[0]! } : { value: parameter };
  });
  const missing = Object.keys(markers).filter((name) => !slots.some((slot) => 'input' in slot && slot.input === name));
  if (missing.length) throw new Error(`the statement does not take ${missing.join(', ')}`);
  return { sql: query.sql, slots };
}

/** The page size of the list scenario's requests (`limit=50`): a constant of its statement. */
export const LIST_LIMIT = 50;

/** GET /v1/clients/:id and GET /v1/clients?organizationId&group&limit=50, as a regional key (every organization) reads them. */
export async function floorQueries(today: string): Promise<{ get: FloorQuery; list: FloorQuery }> {
  const get = await capture({ id: '00000000-0000-4000-8000-00000000000a' }, (db) =>
    findClient(systemContext(db, 'floor'), '00000000-0000-4000-8000-00000000000a'),
  );
  const markers = { organizationId: '00000000-0000-4000-8000-00000000000b', group: -1 };
  const list = await capture(markers, (db) => {
    // paginate reads only the query string and, for a next link, the URL: an empty page needs no more of a request.
    const request = { query: { limit: LIST_LIMIT }, url: '/v1/clients' } as FastifyRequest & { query: PageParameters };
    const { query, keyset } = clientsQuery(systemContext(db, 'floor'), { ...markers, includeArchived: false, today });
    return paginate(request, query, keyset, (rows) => rows);
  });
  return { get, list };
}
