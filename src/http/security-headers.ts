import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers helmet's middleware sets, computed once. They depend on its options only, never on
 * the request; @fastify/helmet built the middleware anew for every request, 5 % of a client
 * read's CPU in the benchmark's profile. A route may still set its own (a page's CSP).
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw new Error('helmet refused its options', { cause: error });
  });
  return headers;
}

/**
 * What an answer no browser renders needs (OWASP's REST Security Cheat Sheet): nothing to load or
 * frame, no sniffing of its type, HTTPS only. Helmet's other headers govern how a page behaves;
 * on a JSON answer they were twelve headers and about 700 bytes of every response.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export interface SecurityHeadersOptions {
  /** Where the pages are (Swagger UI): they get helmet's headers for pages. */
  pagesPrefix: string;
  pages: HelmetOptions;
}

export default fp(
  async function securityHeadersPlugin(app: FastifyInstance, { pagesPrefix, pages }: SecurityHeadersOptions) {
    const pageHeaders = securityHeaders(pages);
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(request.url.startsWith(pagesPrefix) ? pageHeaders : API_HEADERS);
      done();
    });
  },
  { name: 'security-headers' },
);
