import { PayloadTooLarge } from '../http/problems.js';

/** One line of an NDJSON body: its number (from 1) and its text, or that it is not text. */
export type NdjsonLine = { line: number; text: string } | { line: number; notUtf8: true };

const NEWLINE = 0x0a;

/**
 * The lines of a byte stream, read as they arrive: a 50 MB file never sits in memory whole, only
 * the line being read. Blank lines are skipped but counted, so numbers match the sender's file.
 */
export async function* ndjsonLines(source: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let bytes = 0;
  let line = 0;

  const take = (parts: Buffer[]): NdjsonLine | undefined => {
    line += 1;
    const raw = Buffer.concat(parts);
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
      pending.push(buffer.subarray(start, end));
      const next = take(pending);
      pending = [];
      if (next) yield next;
      start = end + 1;
    }
    if (start < buffer.length) pending.push(buffer.subarray(start));
  }
  if (pending.length) {
    const last = take(pending);
    if (last) yield last;
  }
}
