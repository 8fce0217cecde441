import { PayloadTooLarge } from '../http/problems.js';

/** One line of an NDJSON body: its number (from 1) and its text, or why it has none. */
export type NdjsonLine = { line: number; text: string } | { line: number; notUtf8: true } | { line: number; tooLong: true };

/**
 * Far longer than any record of the API (a client or an assessment is a few kilobytes): a longer
 * line is refused without being kept, so that no one line makes the import hold megabytes.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * The lines of a byte stream, read as they arrive: a 50 MB file never sits in memory whole, only
 * the line being read. Blank lines are skipped but counted, so numbers match the sender's file.
 */
export async function* ndjsonLines(
  source: AsyncIterable<Buffer | string>,
  maxBytes: number,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let bytes = 0;
  let line = 0;

  const hold = (part: Buffer) => {
    pendingBytes += part.length;
    if (pendingBytes > maxLineBytes) tooLong = true;
    if (tooLong) pending = [];
    else pending.push(part);
  };

  const take = (): NdjsonLine | undefined => {
    line += 1;
    const raw = Buffer.concat(pending);
    const long = tooLong;
    [pending, pendingBytes, tooLong] = [[], 0, false];
    if (long) return { line, tooLong: true };
    let text: string;
    try {
      text = decoder.decode(raw);
    } catch {
      return { line, notUtf8: true };
    }
    text = text.replace(/\r$/, '');
    return text.trim() === '' ? undefined : { line, text };
  };

  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > maxBytes) throw new PayloadTooLarge(`The body is larger than ${maxBytes} bytes; split the file.`);
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      hold(buffer.subarray(start, end));
      const next = take();
      if (next) yield next;
      start = end + 1;
    }
    if (start < buffer.length) hold(buffer.subarray(start));
  }
  if (pendingBytes) {
    const last = take();
    if (last) yield last;
  }
}

/**
 * The chunks of `source`, failing with `stalled()` when the next one takes longer than `idleMs` to
 * come. Only the wait for the sender counts, not the time the consumer spends on a chunk, so a slow
 * database never makes an upload look stalled. On a stall the source is left as it is: destroying
 * a request's stream would cut its socket before the answer saying why.
 */
export async function* untilStalled<T>(source: AsyncIterable<T>, idleMs: number, stalled: () => Error): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let waiting = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      waiting = true;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(stalled()), idleMs);
      });
      const next = await Promise.race([iterator.next(), idle]);
      clearTimeout(timer);
      waiting = false;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // The consumer stopped early (a 413, a fault): the source is not needed any more.
    if (!waiting) await iterator.return?.();
  }
}
