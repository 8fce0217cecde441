import { MAX_LISTED_FAILURES, type LineResult, type Totals } from './schemas.js';

const WRITTEN = ['created', 'updated', 'unchanged'] as const;
type Written = (typeof WRITTEN)[number];

const UUID_BYTES = 16;
/** A line written without an id (none today) keeps the nil UUID's bytes, which no record has. */
const NO_ID = '0'.repeat(UUID_BYTES * 2);

const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * The results of one import, in memory that grows with what the answer has to say and no more:
 * a written line costs 21 bytes (its number, its outcome and its id's bytes), and of the failed
 * lines only the first MAX_LISTED_FAILURES keep their problem; the others are only counted. A file
 * of 50 MB of bad lines so keeps a thousand problems, not seventeen million.
 */
export class ImportLog {
  readonly totals: Totals = { lines: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
  private lines = new Uint32Array(1024);
  private outcomes = new Uint8Array(1024);
  private ids = Buffer.alloc(1024 * UUID_BYTES);
  private written = 0;
  /** The failed lines with the lowest numbers seen so far; at most twice the cap between trims. */
  private failures: LineResult[] = [];
  private trimmed = true;

  /**
   * Records results. Written lines arrive batch by batch in file order, each batch in any order;
   * failed ones in any order (a line that breaks its schema is known before the batch of the lines above it is written).
   */
  add(results: LineResult[]): void {
    for (const result of [...results].sort((a, b) => a.line - b.line)) {
      this.totals.lines += 1;
      this.totals[result.outcome] += 1;
      if (result.outcome === 'failed') this.keepFailure(result);
      else this.keepWritten(result.line, result.outcome, result.id);
    }
  }

  /** Whether a failure of this line would be listed, given the failures recorded so far. */
  listsFailureOf(line: number): boolean {
    if (this.failures.length < MAX_LISTED_FAILURES) return true;
    this.trimFailures();
    return line < (this.failures.at(-1)?.line ?? Infinity);
  }

  get failuresOmitted(): number {
    return this.totals.failed - this.listedFailures().length;
  }

  /** The failed lines the answer details, in file order. */
  listedFailures(): LineResult[] {
    this.trimFailures();
    return this.failures;
  }

  /** Every result the answer lists, in file order, made one at a time as it is sent. */
  *results(): Generator<LineResult> {
    const failures = this.listedFailures();
    let next = 0;
    for (let index = 0; index < this.written; index++) {
      const line = this.lines[index] ?? 0;
      for (let failure = failures[next]; failure && failure.line < line; failure = failures[++next]) yield failure;
      const hex = this.ids.toString('hex', index * UUID_BYTES, (index + 1) * UUID_BYTES);
      const outcome = WRITTEN[this.outcomes[index] ?? 0] as Written;
      yield { line, outcome, ...(hex === NO_ID ? {} : { id: uuidOf(hex) }) };
    }
    yield* failures.slice(next);
  }

  private keepFailure(result: LineResult): void {
    if (!this.listsFailureOf(result.line)) return;
    this.failures.push(result);
    this.trimmed = false;
    if (this.failures.length >= 2 * MAX_LISTED_FAILURES) this.trimFailures();
  }

  private trimFailures(): void {
    if (this.trimmed) return;
    this.trimmed = true;
    this.failures.sort((a, b) => a.line - b.line);
    this.failures.length = Math.min(this.failures.length, MAX_LISTED_FAILURES);
  }

  private keepWritten(line: number, outcome: Written, id: string | undefined): void {
    if (this.written === this.lines.length) this.grow();
    this.lines[this.written] = line;
    this.outcomes[this.written] = WRITTEN.indexOf(outcome);
    this.ids.write(id ? id.replace(/-/g, '') : NO_ID, this.written * UUID_BYTES, UUID_BYTES, 'hex');
    this.written += 1;
  }

  private grow(): void {
    const lines = new Uint32Array(this.lines.length * 2);
    lines.set(this.lines);
    const outcomes = new Uint8Array(this.outcomes.length * 2);
    outcomes.set(this.outcomes);
    const ids = Buffer.alloc(this.ids.length * 2);
    this.ids.copy(ids);
    [this.lines, this.outcomes, this.ids] = [lines, outcomes, ids];
  }
}
