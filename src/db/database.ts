import { Kysely } from 'kysely';
import pg from 'pg';
import { PreparingClient, PreparingDialect } from './prepared.js';
import type { Database } from './schema.js';
import { timestamptzParser } from './timestamps.js';

// DATE columns stay 'YYYY-MM-DD' strings: a calendar date has no time zone to shift it.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// COUNT(*) and BIGINT arrive as strings; every count this service reads fits a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// Timestamps read by hand, the same Dates four times faster (src/db/timestamps.ts).
const pgTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, timestamptzParser(pgTimestamptz));

export type Db = Kysely<Database>;

/** Kysely keeps its pool private; the metrics read theirs from here (src/metrics). */
const pools = new WeakMap<Db, pg.Pool>();

/** The connection pool of a database made by createDatabase. */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('The database was not made by createDatabase: it has no pool to read');
  return pool;
}

/**
 * A pool's clients losing their connection (a database restart) must not crash the process.
 * The pool listens only on idle clients: a checked-out one (a transaction between two queries)
 * emits 'error' with no listener otherwise. Its next query fails instead (503) and the pool
 * discards it on release; the next checkout reconnects.
 */
export function keepAliveOnConnectionLoss(pool: pg.Pool): void {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
}

export interface DatabaseOptions {
  connectionString: string;
  poolSize?: number;
}

export function createDatabase({ connectionString, poolSize = 10 }: DatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // A request fails fast with 503 while the database is away instead of hanging.
    connectionTimeoutMillis: 3000,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'ltc-registry',
    // The hot reads run as prepared statements (src/db/prepared.ts).
    Client: PreparingClient,
  });
  keepAliveOnConnectionLoss(pool);
  const db = new Kysely<Database>({ dialect: new PreparingDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
