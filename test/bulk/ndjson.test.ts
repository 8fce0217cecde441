import { Readable } from 'node:stream';
import t from 'tap';
import { ndjsonLines, untilStalled, type NdjsonLine } from '../../src/bulk/ndjson.js';

async function collect(chunks: Buffer[], maxBytes = 1000, maxLineBytes?: number): Promise<NdjsonLine[]> {
  const lines: NdjsonLine[] = [];
  for await (const line of ndjsonLines(Readable.from(chunks), maxBytes, maxLineBytes)) lines.push(line);
  return lines;
}

t.test('lines keep the numbers of the file: blank lines count, CRLF and a missing last newline are fine', async (t) => {
  const lines = await collect([Buffer.from('{"a":1}\r\n\n  \n{"b":2}\n{"c":3}')]);
  t.same(lines, [
    { line: 1, text: '{"a":1}' },
    { line: 4, text: '{"b":2}' },
    { line: 5, text: '{"c":3}' },
  ]);
});

t.test('a line and a Cyrillic character split across chunks are joined', async (t) => {
  const text = Buffer.from('{"name":"Мария"}\n{"name":"Ёж"}\n');
  const chunks = [text.subarray(0, 11), text.subarray(11, 12), text.subarray(12, 20), text.subarray(20)];
  t.same(await collect(chunks), [
    { line: 1, text: '{"name":"Мария"}' },
    { line: 2, text: '{"name":"Ёж"}' },
  ]);
});

t.test('a line that is not UTF-8 is reported by number and the next lines go on', async (t) => {
  const lines = await collect([Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"b":1}\n')])]);
  t.same(lines, [
    { line: 1, notUtf8: true },
    { line: 2, text: '{"b":1}' },
  ]);
});

t.test('a body over the limit stops with 413', async (t) => {
  const error = await collect([Buffer.alloc(600, 0x20), Buffer.alloc(600, 0x20)]).catch((failure: { statusCode?: number }) => failure);
  t.equal((error as { statusCode?: number }).statusCode, 413);
});

t.test('a line over the line limit is reported by number without being kept, across chunks too', async (t) => {
  const lines = await collect([Buffer.from('{"a":1}\n{"long":"'), Buffer.alloc(40, 0x61), Buffer.from('"}\n{"b":2}\n')], 1000, 32);
  t.same(lines, [
    { line: 1, text: '{"a":1}' },
    { line: 2, tooLong: true },
    { line: 3, text: '{"b":2}' },
  ]);
});

t.test('untilStalled: a source that waits longer than the limit fails; the time spent on a chunk does not count', async (t) => {
  async function* slowSource() {
    yield 'first';
    await new Promise((resolve) => setTimeout(resolve, 200));
    yield 'late';
  }
  const seen: string[] = [];
  const error = await (async () => {
    for await (const chunk of untilStalled(slowSource(), 50, () => new Error('stalled'))) seen.push(chunk);
  })().catch((failure: Error) => failure);
  t.same(seen, ['first']);
  t.equal((error as Error).message, 'stalled');

  const busy: string[] = [];
  for await (const chunk of untilStalled(Readable.from(['a', 'b']), 50, () => new Error('stalled'))) {
    await new Promise((resolve) => setTimeout(resolve, 120));
    busy.push(chunk);
  }
  t.same(busy, ['a', 'b'], 'a consumer slower than the limit is no stall');
});
