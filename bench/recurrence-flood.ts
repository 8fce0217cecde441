/*
 * `npm run bench -- --only recurrence-flood`: `/health/live` latency, sampled one request at a time,
 * first on a quiet service, then while a client sends series whose rules cost the most to expand
 * among those accepted (rules matching (almost) no date, 1,440 start times a day), then while it
 * sends the largest series accepted (500 sessions). Expansion runs on the event loop, so whatever
 * it holds the loop for shows in the liveness probe's latency.
 */
import type { Db } from '../src/db/database.js';
import { percentile } from './load.js';
import type { ServiceStats } from './run.js';

export interface RecurrenceFloodOptions {
  base: string;
  db: Db;
  organizationId: string;
  providerSecret: string;
  staffId: string;
  seconds: number;
  stats: () => Promise<ServiceStats>;
  log: (line: string) => void;
}

/** Series requests a second: "several", as in the issue (two a second took the old median to 440 ms). */
const SERIES_PER_SECOND = 5;
const PROBES_PER_SECOND = 20;
const TARGET_MS = 20;

// A Tuesday, far after the data set's sessions, so that the series clash with none.
const STARTS_AT = '2030-01-01T10:00:00+03:00';
const HORIZON_UNTIL = 'UNTIL=20320101T070000Z';
const positions = (count: number) => Array.from({ length: count }, (_, index) => -(index + 1)).join(',');
const list = (count: number) => Array.from({ length: count }, (_, index) => index).join(',');
/** The rules that cost the most to expand among those accepted; each is refused or makes no session (422). */
const COSTLIEST_RULES = [
  `FREQ=DAILY;BYSETPOS=${positions(10)};BYMONTH=2;BYMONTHDAY=30;${HORIZON_UNTIL}`,
  'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1',
  'FREQ=DAILY;INTERVAL=7;BYDAY=MO;COUNT=1',
  'FREQ=DAILY;BYWEEKNO=53;BYMONTH=6;COUNT=1',
  `FREQ=DAILY;BYHOUR=${list(24)};BYMINUTE=${list(60)};${HORIZON_UNTIL}`,
];
/** The largest series accepted: 500 sessions written and sent back (201). */
const LARGEST_RULES = ['FREQ=DAILY;COUNT=500'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const summary = (sorted: number[]) => ({
  probes: sorted.length,
  p50: Number(percentile(sorted, 50).toFixed(1)),
  p99: Number(percentile(sorted, 99).toFixed(1)),
  max: Number((sorted.at(-1) ?? 0).toFixed(1)),
});

/** `/health/live` latencies over `seconds`, one probe at a time, PROBES_PER_SECOND of them. */
async function probe(base: string, seconds: number): Promise<number[]> {
  const times: number[] = [];
  const ends = performance.now() + seconds * 1000;
  while (performance.now() < ends) {
    const sent = performance.now();
    const response = await fetch(`${base}/health/live`);
    await response.arrayBuffer();
    const took = performance.now() - sent;
    times.push(took);
    await sleep(Math.max(0, 1000 / PROBES_PER_SECOND - took));
  }
  return times.sort((a, b) => a - b);
}

interface Flood {
  options: RecurrenceFloodOptions;
  activityTypeId: string;
  rules: string[];
}

/** `/health/live` while SERIES_PER_SECOND series requests with `rules`, in turn, arrive. */
async function flood({ options, activityTypeId, rules }: Flood) {
  const { base, organizationId, providerSecret, staffId, seconds, stats } = options;
  const before = await stats();
  const statuses = new Map<number, number>();
  const sent: Array<Promise<void>> = [];
  let flooding = true;
  const sending = (async () => {
    for (let n = 0; flooding; n++) {
      const body = {
        organizationId,
        activityTypeId,
        startsAt: STARTS_AT,
        responsibleStaff: [staffId],
        allowOverlap: true,
        rule: rules[n % rules.length],
      };
      sent.push(
        fetch(`${base}/v1/activity-series`, {
          method: 'POST',
          headers: { authorization: `Bearer ${providerSecret}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (response) => {
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }),
      );
      await sleep(1000 / SERIES_PER_SECOND);
    }
  })();
  const probes = await probe(base, seconds);
  flooding = false;
  await sending;
  await Promise.all(sent);
  const after = await stats();
  const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  return {
    rules,
    seriesStatuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
    /**
     * The service's CPU over the flood per series request, probes included: the most one request can
     * have held the event loop for, whatever else this machine's cores were doing meanwhile.
     */
    serviceCpuMsPerSeries: Number((cpuMs / Math.max(1, sent.length)).toFixed(1)),
    healthLiveMs: summary(probes),
  };
}

const line = (name: string, l: ReturnType<typeof summary>) => `${name} p50 ${l.p50} p99 ${l.p99} max ${l.max} ms`;

export async function recurrenceFlood(options: RecurrenceFloodOptions) {
  const { base, db, seconds, log } = options;
  const { id: activityTypeId } = await db
    .selectFrom('activity_types')
    .select('id')
    .where('organization_id', 'is', null)
    .where('retired_at', 'is', null)
    .executeTakeFirstOrThrow();
  log(`recurrence flood: /health/live alone, then with ${SERIES_PER_SECOND} series requests/s of each kind, ${seconds} s each`);
  const quiet = await probe(base, seconds);
  const costliest = await flood({ options, activityTypeId, rules: COSTLIEST_RULES });
  const largest = await flood({ options, activityTypeId, rules: LARGEST_RULES });
  const answered = (statuses: Record<string, number>, status: string) => Object.keys(statuses).every((code) => code === status);
  const result = {
    name: 'recurrence flood: GET /health/live while series arrive',
    seriesPerSecond: SERIES_PER_SECOND,
    quiet: { healthLiveMs: summary(quiet) },
    costliestToExpand: costliest,
    largestAccepted: largest,
    target: `/health/live p99 under the costliest rules within ${TARGET_MS} ms of its quiet p99, each answered 422; the largest series answered 201`,
    met:
      costliest.healthLiveMs.p99 - percentile(quiet, 99) < TARGET_MS &&
      answered(costliest.seriesStatuses, '422') &&
      answered(largest.seriesStatuses, '201'),
  };
  console.log(
    `${'recurrence flood: GET /health/live'.padEnd(44)} ${line('quiet', result.quiet.healthLiveMs)}; ` +
      `${line('costliest rules', costliest.healthLiveMs)} (cpu ${costliest.serviceCpuMsPerSeries} ms/series); ` +
      `${line('500-session series', largest.healthLiveMs)} (cpu ${largest.serviceCpuMsPerSeries} ms/series)  ` +
      `${result.met ? 'meets' : 'MISSES'} ${result.target}`,
  );
  return result;
}
