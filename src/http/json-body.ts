import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { invalidParameter } from './problems.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** A surrogate half without its pair, or U+0000: neither is text PostgreSQL can store. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const NOT_TEXT = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/;

/** Far deeper than any body of the API; deeper ones would overflow the stack of whatever walks them next. */
const MAX_DEPTH = 64;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Where `value` is not a body we take, and why: a string or member name that is not storable
 * text, or nesting beyond MAX_DEPTH. Iterative, so that no depth overflows the stack here.
 */
export function firstUnusable(value: unknown): { pointer: string; message: string } | undefined {
  const pending: Array<[unknown, string, number]> = [[value, '', 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [member, pointer, depth] = next;
    if (typeof member === 'string') {
      if (NOT_TEXT.test(member)) return { pointer: pointer || '/', message: 'has a lone surrogate or U+0000, which is not text' };
    } else if (typeof member === 'object' && member !== null) {
      if (depth >= MAX_DEPTH) return { pointer, message: `is nested deeper than ${MAX_DEPTH} levels` };
      for (const [key, child] of Object.entries(member).reverse()) {
        const at = `${pointer}/${escapePointer(key)}`;
        if (NOT_TEXT.test(key)) return { pointer: at, message: 'has a lone surrogate or U+0000, which is not text' };
        pending.push([child, at, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * JSON bodies are UTF-8 (RFC 8259 §8.1), and their strings end up in text columns. Bytes that are
 * not UTF-8 and `\ud800`-style escapes of half a character would otherwise become U+FFFD on the
 * way in, so what was stored would not read back as sent; `\u0000` PostgreSQL refuses outright.
 * All three are a 400 naming the field, as NDJSON lines that are not UTF-8 are (src/bulk/ndjson.ts);
 * so is nesting deeper than any body of the API, which JSON.stringify (the Idempotency-Key's
 * request hash) and other recursive code would overflow the stack on.
 */
export default fp(
  async function jsonBody(app: FastifyInstance) {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      let text: string;
      try {
        text = UTF8.decode(body);
      } catch {
        done(invalidParameter('body', '/', 'is not UTF-8'), undefined);
        return;
      }
      void parseJson(request, text, (error, value) => {
        if (error) return done(error, undefined);
        const unusable = firstUnusable(value);
        if (unusable) return done(invalidParameter('body', unusable.pointer, unusable.message), undefined);
        done(null, value);
      });
    });
  },
  { name: 'json-body' },
);
