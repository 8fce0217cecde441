/*
 * `npm run bench -- --only bulk-memory`: a 50 MB NDJSON file of bad lines (empty objects, broken
 * JSON, lines breaking the schema, U+0000) streamed to the running service as one client import,
 * measuring how much the service's resident memory grows meanwhile. The file is made as it is sent,
 * so the benchmark's own memory stays out of it.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import type { ServiceStats } from './run.js';

export interface BulkMemoryOptions {
  base: string;
  organizationId: string;
  providerSecret: string;
  stats: () => Promise<ServiceStats>;
  log: (line: string) => void;
}

/** Just under the import's 50 MiB limit. */
const FILE_BYTES = 50 * 2 ** 20 - 1024;
const MAX_RSS_GROWTH_MIB = 100;
const SAMPLE_MS = 1000;

const BAD_LINES = [
  '{}',
  '{"externalId": "B-1", "lastName": ',
  '{"externalId":"B-2","lastName":42,"sex":"x"}',
  '{"externalId":"B-3","lastName":"\\u0000"}',
  '[1, 2, 3]',
].map((line) => `${line}\n`);

/** The file, in pieces of about 64 KiB, and how many lines it holds once it has been read. */
function badFile(): { body: Readable; lines: () => number } {
  let lines = 0;
  let bytes = 0;
  function* pieces(): Generator<string> {
    while (bytes < FILE_BYTES) {
      let piece = '';
      while (piece.length < 64 * 1024 && bytes + piece.length < FILE_BYTES - 64) {
        piece += BAD_LINES[lines % BAD_LINES.length];
        lines += 1;
      }
      bytes += piece.length;
      yield piece;
      if (bytes >= FILE_BYTES - 64) return;
    }
  }
  return { body: Readable.from(pieces()), lines: () => lines };
}

function post(url: string, secret: string, body: Readable): Promise<{ status: number; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-ndjson' } },
      (response) => {
        let bytes = 0;
        const kept: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          // The head of the answer (totals, failuresOmitted) is all the benchmark reads.
          if (bytes < 4096) kept.push(chunk);
          bytes += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, text: Buffer.concat(kept).toString('utf8') }));
      },
    );
    request.on('error', reject);
    body.pipe(request);
  });
}

export async function bulkMemory({ base, organizationId, providerSecret, stats, log }: BulkMemoryOptions) {
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const start = await stats();
  let peakRss = start.memory.rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      peakRss = Math.max(peakRss, (await stats()).memory.rss);
    }
  })();
  log(`bulk-memory: streaming ${mib(FILE_BYTES)} MiB of bad lines to POST /v1/bulk/clients`);
  const file = badFile();
  const started = performance.now();
  const answer = await post(`${base}/v1/bulk/clients?organizationId=${organizationId}`, providerSecret, file.body);
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  const end = await stats();
  peakRss = Math.max(peakRss, end.memory.rss);
  const head = /"totals":(\{[^}]*\}),"failuresOmitted":(\d+)/.exec(answer.text);
  const totals = head?.[1] ? (JSON.parse(head[1]) as { lines: number; failed: number }) : undefined;
  const growth = mib(peakRss - start.memory.rss);
  const summary = {
    name: 'bulk import of 50 MB of bad lines: memory',
    fileMiB: mib(FILE_BYTES),
    lines: file.lines(),
    seconds: Number(seconds.toFixed(2)),
    status: answer.status,
    failed: totals?.failed ?? null,
    failuresOmitted: head?.[2] ? Number(head[2]) : null,
    answerKiB: Math.round(answer.bytes / 1024),
    memoryMiB: {
      start: { rss: mib(start.memory.rss), heapUsed: mib(start.memory.heapUsed) },
      peak: { rss: mib(peakRss) },
      end: { rss: mib(end.memory.rss), heapUsed: mib(end.memory.heapUsed) },
      rssGrowth: growth,
    },
    target: `answered 200 with every line failed; the service's RSS grows by under ${MAX_RSS_GROWTH_MIB} MiB`,
    met: answer.status === 200 && totals?.failed === file.lines() && growth < MAX_RSS_GROWTH_MIB,
  };
  console.log(
    `${summary.name.padEnd(44)} ${summary.seconds} s  ${summary.lines} lines  status ${summary.status}  answer ${summary.answerKiB} KiB  ` +
      `rss ${summary.memoryMiB.start.rss} -> peak ${summary.memoryMiB.peak.rss} MiB (+${growth})  ${summary.met ? 'meets' : 'MISSES'} ${summary.target}`,
  );
  return summary;
}
