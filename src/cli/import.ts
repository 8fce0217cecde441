// npm run import -- --org ID [--type clients|assessments|care-visits] [--atomic] file.ndjson
// Imports an NDJSON file into the configured database as POST /v1/bulk/... would, with a progress bar.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { LineResult } from '../bulk/schemas.js';
import { IMPORT_KINDS, importRecords, type ImportKind } from '../bulk/service.js';
import { systemContext } from '../context/request-context.js';
import { InstrumentCatalog } from '../instruments/catalog.js';
import { withDatabase } from './database.js';

const USAGE = 'usage: npm run import -- --org ORGANIZATION_ID [--type clients|assessments|care-visits] [--atomic] FILE.ndjson';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const isImportKind = (value: string): value is ImportKind => (IMPORT_KINDS as readonly string[]).includes(value);

/** Visit lines name a careAssistantId; assessment lines name their client by clientExternalId; client lines neither. */
async function kindOf(file: string): Promise<ImportKind> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const start = buffer.subarray(0, bytesRead).toString('utf8');
    if (start.includes('"careAssistantId"')) return 'care-visits';
    return start.includes('"clientExternalId"') ? 'assessments' : 'clients';
  } finally {
    await handle.close();
  }
}

/** `[#######.......]  48%  48,000 lines  3.1 s` on a terminal; a line per tenth otherwise. */
function progressBar(totalBytes: number) {
  const started = Date.now();
  let lastTenth = -1;
  return (bytesRead: number, lines: number) => {
    const share = totalBytes ? Math.min(1, bytesRead / totalBytes) : 1;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const text = `${(share * 100).toFixed(0).padStart(3)}%  ${lines.toLocaleString('en')} lines  ${seconds} s`;
    if (process.stderr.isTTY) {
      const width = 30;
      const done = Math.round(share * width);
      process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${text}`);
    } else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${text}\n`);
    }
  };
}

function report(failed: LineResult): void {
  const fields = failed.problem?.errors?.map((error) => `${error.pointer || '(line)'} ${error.message}`).join('; ');
  console.log(`line ${failed.line}: ${failed.problem?.detail}${fields ? ` [${fields}]` : ''}`);
}

function reportOmitted(omitted: number): void {
  if (omitted) console.log(`… and ${omitted} more failed lines, counted but not listed`);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: { org: { type: 'string' }, type: { type: 'string' }, atomic: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
}

const { values: flags, positionals } = parseCommandLine();
const file = positionals[0];
if (!flags.org) fail('--org is required');
if (!file || positionals.length > 1) fail('name one NDJSON file');
if (flags.type !== undefined && !isImportKind(flags.type)) fail(`--type must be one of ${IMPORT_KINDS.join(', ')}`);
const organizationId = flags.org;
const size = (await stat(file).catch(() => fail(`cannot read ${file}`))).size;
const kind = flags.type ?? (await kindOf(file));

await withDatabase(async ({ db, config }) => {
  const source = createReadStream(file);
  const draw = progressBar(size);
  const catalog = new InstrumentCatalog(db);
  try {
    // The import's one audit event, as POST /v1/bulk/... records it, in the import's unit of work.
    const resource = { clients: 'client', assessments: 'assessment', 'care-visits': 'care_visit' }[kind];
    const audit = { action: 'create', resource, id: null } as const;
    const ctx = systemContext(db, `cli-import:${file}`.slice(0, 200), audit);
    const { log } = await ctx.write((tx) =>
      importRecords(
        tx,
        { catalog, reassessmentMonths: config.REASSESSMENT_MONTHS },
        { kind, organizationId, atomic: flags.atomic, source, onProgress: (lines) => draw(source.bytesRead, lines) },
      ),
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    log.listedFailures().forEach(report);
    reportOmitted(log.failuresOmitted);
    const { lines, created, updated, unchanged, failed } = log.totals;
    console.log(`${kind}: ${lines} lines, ${created} created, ${updated} updated, ${unchanged} unchanged, ${failed} failed`);
    if (failed) process.exitCode = 1;
  } catch (error) {
    if (process.stderr.isTTY) process.stderr.write('\n');
    const problem = error as { statusCode?: number; message: string; problem?: { failures?: LineResult[]; failuresOmitted?: number } };
    if (!problem.statusCode) throw error;
    problem.problem?.failures?.forEach(report);
    reportOmitted(problem.problem?.failuresOmitted ?? 0);
    console.log(problem.message);
    process.exitCode = 1;
  }
});
