/*
 * `npm run bench -- --only webhooks`: the delivery rate of one subscription. A provider subscribes
 * a local receiver to its organization's `assessment.created` and pauses it, imports an assessment
 * for each of its clients (an import job if the file is large: waited for), and the clock runs from
 * the subscription's resumption until the receiver has taken every event of the backlog. The floor is the same events, signed
 * the same way, POSTed one at a time in order by this process to the same receiver: what one
 * ordered delivery stream costs without the service's bookkeeping (reading the feed, recording
 * each attempt and moving the cursor in a transaction of its own).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedHeaders } from '../src/webhooks/signing.js';
import type { ServiceStats } from './run.js';

export interface WebhookRateOptions {
  base: string;
  organizationId: string;
  providerSecret: string;
  /** The NDJSON import that makes the events: one assessment a line. */
  importBody: string;
  lines: number;
  stats: () => Promise<ServiceStats>;
  log: (line: string) => void;
}

export interface WebhookRate {
  events: number;
  serviceSeconds: number;
  eventsPerSecond: number;
  floorEventsPerSecond: number;
  /** Service ÷ floor, events per second. */
  ratio: number;
  /** Milliseconds of the service's CPU per delivered event. */
  serviceCpuMsPerEvent: number;
  inOrderOnce: boolean;
  target: string;
  met: boolean;
}

export async function webhookRate(options: WebhookRateOptions): Promise<WebhookRate> {
  const { base, organizationId, providerSecret, importBody, lines, stats, log } = options;
  const received: Array<{ id: string; body: string }> = [];
  let allTaken: () => void = () => undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ id: String(request.headers['webhook-id']), body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
      if (received.length === expected) allTaken();
    });
  });
  let expected = lines;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const headers = { authorization: `Bearer ${providerSecret}`, 'content-type': 'application/json' };
  try {
    const subscribed = await fetch(`${base}/v1/subscriptions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url, eventTypes: ['assessment.created'], organizationId }),
    });
    const { id, secret } = (await subscribed.json()) as { id: string; secret: string };
    const subscription = `${base}/v1/subscriptions/${id}`;
    await fetch(subscription, { method: 'PATCH', headers: { ...headers, 'if-match': '"1"' }, body: '{"status":"paused"}' });
    const imported = await fetch(`${base}/v1/bulk/assessments?organizationId=${organizationId}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body: importBody,
    });
    if (imported.status === 202) await jobDone(base, imported.headers.get('location')!, headers);
    else if (!imported.ok) throw new Error(`webhooks: the import answered ${imported.status}`);
    const taken = new Promise<void>((resolve) => (allTaken = resolve));
    const before = await stats();
    const started = performance.now();
    await fetch(subscription, { method: 'PATCH', headers: { ...headers, 'if-match': '"2"' }, body: '{"status":"active"}' });
    await taken;
    const serviceSeconds = (performance.now() - started) / 1000;
    const after = await stats();
    const ids = received.map((event) => event.id);
    const inOrderOnce = new Set(ids).size === lines && ids.every((id, index) => index === 0 || feedOrder(ids[index - 1]!, id) < 0);

    // The floor: the same bodies, signed, one at a time, in order.
    const bodies = received.map((event) => event.body);
    received.length = 0;
    expected = bodies.length;
    const floorStarted = performance.now();
    for (const [index, body] of bodies.entries()) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(secret, ids[index]!, new Date(), body) },
        body,
      });
      await response.arrayBuffer();
    }
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
    const result: WebhookRate = {
      events: lines,
      serviceSeconds: Number(serviceSeconds.toFixed(2)),
      eventsPerSecond: Math.round(lines / serviceSeconds),
      floorEventsPerSecond: Math.round(lines / floorSeconds),
      ratio: Number((floorSeconds / serviceSeconds).toFixed(2)),
      serviceCpuMsPerEvent: Number((cpuMs / lines).toFixed(3)),
      inOrderOnce,
      target: 'every event delivered once, in the feed’s order',
      met: inOrderOnce,
    };
    log(
      `webhooks: ${lines} events in ${result.serviceSeconds} s, ${result.eventsPerSecond}/s; floor ${result.floorEventsPerSecond}/s; ` +
        `service ÷ floor ${result.ratio}; app CPU ${result.serviceCpuMsPerEvent} ms/event; ${inOrderOnce ? 'in order, once each' : 'OUT OF ORDER or repeated'}`,
    );
    return result;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function jobDone(base: string, location: string, headers: Record<string, string>): Promise<void> {
  for (;;) {
    const job = (await (await fetch(`${base}${location}`, { headers })).json()) as { status: string };
    if (job.status === 'succeeded') return;
    if (job.status === 'failed') throw new Error('webhooks: the import job failed');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `msg_<xid>_<seq>` ids compared by their place in the feed. */
function feedOrder(a: string, b: string): number {
  const [, ax = '0', as = '0'] = a.split('_');
  const [, bx = '0', bs = '0'] = b.split('_');
  const byXid = BigInt(ax) - BigInt(bx);
  return byXid !== 0n ? Number(byXid) : Number(as) - Number(bs);
}
