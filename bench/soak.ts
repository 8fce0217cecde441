/*
 * `npm run bench -- --soak SECONDS`: mixed reads and writes at a steady rate, reporting throughput
 * and p99 for every ten seconds, errors, and the service's memory at the start and at the end.
 */
import type autocannon from 'autocannon';
import { load, percentile } from './load.js';
import { today } from '../src/calendar/dates.js';
import type { Instrument } from '../src/instruments/schemas.js';
import type { ServiceStats } from './run.js';

export interface SoakOptions {
  base: string;
  seconds: number;
  stats: () => Promise<ServiceStats>;
  sample: Array<{ id: string; organization_id: string; care_form: 'home' | 'inpatient' }>;
  regional: string;
  providers: Map<string, { secret: string }>;
  instruments: Map<string, Instrument>;
  answersOf: Map<string, Record<string, string>>;
  staffByOrganization: Map<string, string>;
  log: (line: string) => void;
}

const RATE = 300;
const CONNECTIONS = 20;
const WINDOW_SECONDS = 10;
const MAX_MEMORY_GROWTH = 0.1;

export async function soak(options: SoakOptions) {
  const { base, sample, regional, providers, instruments, answersOf, staffByOrganization } = options;
  const asOf = today();
  const pick = () => sample[Math.floor(Math.random() * sample.length)]!;
  /** 60% single reads, 30% filtered lists, 10% new assessments. */
  const setupRequest: autocannon.Request['setupRequest'] = (request) => {
    const client = pick();
    const roll = Math.random();
    if (roll < 0.6)
      return { ...request, method: 'GET', path: `/v1/clients/${client.id}`, headers: { authorization: `Bearer ${regional}` } };
    if (roll < 0.9) {
      const path = `/v1/clients?organizationId=${client.organization_id}&group=${1 + Math.floor(Math.random() * 6)}&limit=50`;
      return { ...request, method: 'GET', path, headers: { authorization: `Bearer ${regional}` } };
    }
    return {
      ...request,
      method: 'POST',
      path: `/v1/clients/${client.id}/assessments`,
      headers: { authorization: `Bearer ${providers.get(client.organization_id)!.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        instrumentId: instruments.get(client.care_form)!.id,
        assessedOn: asOf,
        answers: answersOf.get(client.care_form),
        conductedBy: [staffByOrganization.get(client.organization_id)],
      }),
    };
  };
  const run = (seconds: number, onResponse?: (statusCode: number, responseTime: number) => void) =>
    load({ url: base, connections: CONNECTIONS, overallRate: RATE, duration: seconds, requests: [{ setupRequest }] }, onResponse);

  options.log(`soak: warming up for ${WINDOW_SECONDS} s, then ${options.seconds} s at ${RATE} requests/s over ${CONNECTIONS} connections`);
  await run(WINDOW_SECONDS);
  const start = await options.stats();
  const started = performance.now();
  const windows: Array<{ times: number[]; errors: number }> = [];
  const result = await run(options.seconds, (statusCode, responseTime) => {
    // Responses arriving after the last full window (the run's tail) count in the last one.
    const index = Math.min(
      Math.floor((performance.now() - started) / 1000 / WINDOW_SECONDS),
      Math.ceil(options.seconds / WINDOW_SECONDS) - 1,
    );
    const window = (windows[index] ??= { times: [], errors: 0 });
    window.times.push(responseTime);
    if (statusCode >= 400) window.errors += 1;
  });
  const end = await options.stats();
  const requests = windows.reduce((sum, window) => sum + window.times.length, 0);
  const errors = windows.reduce((sum, window) => sum + window.errors, 0) + result.errors + result.timeouts;
  const overTime = windows.map((window, index) => {
    const sorted = [...window.times].sort((a, b) => a - b);
    return {
      fromSecond: index * WINDOW_SECONDS,
      requestsPerSecond: Math.round(window.times.length / WINDOW_SECONDS),
      p99Ms: percentile(sorted, 99),
      errors: window.errors,
    };
  });
  const growth = (key: 'rss' | 'heapUsed') => Number(((end.memory[key] - start.memory[key]) / start.memory[key]).toFixed(3));
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const summary = {
    seconds: options.seconds,
    rate: RATE,
    connections: CONNECTIONS,
    requests,
    requestsPerSecond: Math.round(requests / options.seconds),
    errors,
    roundTripsPerRequest: Number(((end.queries - start.queries) / Math.max(1, requests)).toFixed(2)),
    memoryMiB: {
      start: { rss: mib(start.memory.rss), heapUsed: mib(start.memory.heapUsed) },
      end: { rss: mib(end.memory.rss), heapUsed: mib(end.memory.heapUsed) },
      growth: { rss: growth('rss'), heapUsed: growth('heapUsed') },
    },
    overTime,
    target: 'no errors; memory (RSS and heap after a full GC) grows by at most 10%',
    met: false,
  };
  summary.met = errors === 0 && summary.memoryMiB.growth.rss <= MAX_MEMORY_GROWTH && summary.memoryMiB.growth.heapUsed <= MAX_MEMORY_GROWTH;
  for (const window of overTime)
    console.log(
      `soak ${String(window.fromSecond).padStart(4)} s  ${window.requestsPerSecond} req/s  p99 ${window.p99Ms.toFixed(1)} ms  errors ${window.errors}`,
    );
  console.log(
    `soak: ${requests} requests, ${errors} errors, memory rss ${summary.memoryMiB.start.rss} -> ${summary.memoryMiB.end.rss} MiB, ` +
      `heap ${summary.memoryMiB.start.heapUsed} -> ${summary.memoryMiB.end.heapUsed} MiB  ${summary.met ? 'meets' : 'MISSES'} ${summary.target}`,
  );
  return summary;
}
