/*
 * Preloaded into the service by the benchmark (`--import`): counts the queries the service sends
 * to PostgreSQL, that is its database round trips, and answers that count, its CPU time and its
 * memory (after a full collection, so that garbage waiting to be collected does not read as growth)
 * over IPC.
 */
import pg from 'pg';

let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  queries += 1;
  return (query as (...parameters: unknown[]) => unknown).apply(this, args);
} as typeof query;

process.on('message', (message) => {
  if (message !== 'stats') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ queries, cpu: process.cpuUsage(), memory: process.memoryUsage() });
});
// The channel must not keep the service alive once it is asked to stop.
process.channel?.unref();
