import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Totals } from '../bulk/schemas.js';
import type { ImportKind } from '../bulk/service.js';
import type { Db } from '../db/database.js';
import { changeFeedLagSeconds, within } from './change-feed-lag.js';

/** A scrape waits this long for the database; the lag reads NaN rather than hold the scrape. */
const LAG_TIMEOUT_MS = 1000;

/** Requests take milliseconds; an import of a region's file up to a minute. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const OUTCOMES = ['created', 'updated', 'unchanged', 'failed'] as const;

export interface MetricsSources {
  db: Db;
  pool: pg.Pool;
  log: FastifyBaseLogger;
}

/**
 * The service's series, in a registry of its own (not prom-client's global one), so that several
 * apps in one process each count their own. Gauges are read when scraped, never kept up to date.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly bulkLines = new Counter({
    name: 'bulk_lines_processed_total',
    help: 'Lines of committed NDJSON imports, by kind and outcome.',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });

  constructor({ db, pool, log }: MetricsSources) {
    new Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL connections of the pool: in_use by a query or transaction, or idle.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
      },
    });
    new Gauge({
      name: 'db_pool_max_connections',
      help: 'The most connections the pool opens (DATABASE_POOL_SIZE).',
      registers: [this.registry],
      collect() {
        this.set(pool.options.max ?? 0);
      },
    });
    new Gauge({
      name: 'db_pool_waiting_requests',
      help: 'Queries and transactions waiting for a connection of the pool.',
      registers: [this.registry],
      collect() {
        this.set(pool.waitingCount);
      },
    });
    new Gauge({
      name: 'change_feed_lag_seconds',
      help: 'Age of the oldest running transaction holding a transaction id: how long GET /v1/changes has been held back. NaN when the database did not answer in time.',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await within(LAG_TIMEOUT_MS, changeFeedLagSeconds(db)));
        } catch (error) {
          log.warn({ err: error }, 'change feed lag not measured');
          this.set(Number.NaN);
        }
      },
    });
  }

  /** `route` is the route's template (`/v1/clients/:id`): raw URLs would make a series per record. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  countImportedLines(kind: ImportKind, totals: Totals): void {
    for (const outcome of OUTCOMES) this.bulkLines.inc({ kind, outcome }, totals[outcome]);
  }
}
