/*
 * Issue 15: every answer a test gets from `app.inject` is checked against the contract for its
 * operation, status and media type, so documentation and behaviour cannot drift. A mismatch is
 * thrown from the `inject` call, failing the test that made the request.
 *
 * The contract is the document the application under test generates (`app.swagger()`, what it
 * serves at /openapi.json), not a read of openapi/openapi.json: test/http/contract.test.ts checks
 * the committed file equals it, so checking against either is the same, but this way a stale
 * committed file fails that one test (with its fix, `npm run openapi`) instead of every test of
 * the suite, and a response schema fixed in the code is checked in the same run.
 */
import type { ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

interface ResponseObject {
  content?: Record<string, { schema?: object }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
}

/** The route Fastify matched for an answer; no url when no route matched (its 404). */
interface Answered {
  method: string;
  url: string | undefined;
}

/** Routes that serve the documentation itself (Swagger UI, /openapi.json), the Prometheus scrape and CORS preflights, not operations. */
function outsideTheContract({ method, url }: Answered & { url: string }): boolean {
  return method === 'OPTIONS' || url === '/openapi.json' || url === '/metrics' || url === '/docs' || url.startsWith('/docs/');
}

class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document, 'contract');
  }

  /** Compiled on first use: most tests reach a few operations of the contract's hundreds of answers. */
  validator(pointer: string[]): ValidateFunction {
    const ref = `contract#/${pointer.map((segment) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

// One per test process: every app of a process generates the same document from the same routes.
let contract: Contract | undefined;

function contractOf(app: FastifyInstance): Contract {
  contract ??= new Contract(JSON.parse(JSON.stringify(app.swagger())) as OpenApiDocument);
  return contract;
}

/** `/v1/clients/:id` as the contract spells it, `/v1/clients/{id}`. */
function templatedPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function isJson(mediaType: string): boolean {
  return /^application\/(?:[\w.-]+\+)?json$/.test(mediaType);
}

function excerpt(body: string): string {
  return body.length > 600 ? `${body.slice(0, 600)}…` : body;
}

/** Why the answer does not match the contract, or undefined when it does. */
function mismatch(contract: Contract, answered: Answered, response: LightMyRequestResponse): string | undefined {
  const status = String(response.statusCode);
  const mediaType = String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const hasBody = answered.method !== 'HEAD' && response.body.length > 0;

  if (answered.url === undefined) {
    // No operation: the not-found handler or a framework error before routing, answering with the
    // contract's Problem (FHIR paths: an OperationOutcome, as the FHIR routes' errors are).
    if (mediaType === 'application/problem+json') return errorsOf(contract.validator(['components', 'schemas', 'Problem']), response.body);
    if (mediaType === 'application/fhir+json' && /"resourceType":"OperationOutcome"/.test(response.body)) return undefined;
    return `an unrouted answer ${status} is ${mediaType || 'without a media type'}, not a Problem`;
  }
  if (outsideTheContract({ ...answered, url: answered.url })) return undefined;

  const path = templatedPath(answered.url);
  // Fastify answers HEAD with the GET route's headers and no body.
  const method = answered.method === 'HEAD' ? 'get' : answered.method.toLowerCase();
  const operation = contract.document.paths[path]?.[method];
  if (!operation) return 'the operation is not in the contract';
  const responses = operation.responses ?? {};
  const documented = [status, `${status[0]}XX`, 'default'].find((key) => key in responses);
  if (!documented) return `status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`;
  if (!hasBody) return undefined;
  const content = responses[documented]!.content ?? {};
  if (!(mediaType in content)) {
    return `media type ${mediaType || '(none)'} is not documented for ${documented} (documented: ${Object.keys(content).join(', ') || 'no body'})`;
  }
  if (!isJson(mediaType) || !content[mediaType]!.schema) return undefined;
  return errorsOf(contract.validator(['paths', path, method, 'responses', documented, 'content', mediaType, 'schema']), response.body);
}

function errorsOf(validate: ValidateFunction, body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (validate(value)) return undefined;
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '(body)'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`)
    .join('; ');
}

/**
 * Makes every `app.inject` answer of this application checked against the contract: a mismatch
 * rejects the inject call with a message naming the operation, status, media type, the schema's
 * errors and the body. Call before the application is ready (buildTestApp does).
 */
export function checkAnswersAgainstContract(app: FastifyInstance): void {
  // Keyed by the response object that light-my-request hands back as `response.raw.res`, so
  // concurrent requests (and ones sharing an X-Request-Id) are never mixed up.
  const routes = new WeakMap<ServerResponse, Answered>();
  app.addHook('onSend', async (request, reply) => {
    routes.set(reply.raw, { method: request.method, url: request.routeOptions.url });
  });

  const inject = app.inject.bind(app);
  const checkedInject = async (options: InjectOptions | string): Promise<LightMyRequestResponse> => {
    if (options === undefined || typeof options === 'function') {
      throw new TypeError('contract-checked inject: pass the request options and await the answer');
    }
    const response = await inject(options);
    // No hook ran for an error Fastify answers before routing (a malformed URL): no operation.
    const answered = routes.get(response.raw.res) ?? { method: response.raw.req.method ?? 'GET', url: undefined };
    const problem = mismatch(contractOf(app), answered, response);
    if (problem) {
      const operation = `${answered.method} ${answered.url === undefined ? '(no route)' : templatedPath(answered.url)}`;
      throw new Error(
        `answer drifts from the contract: ${operation} → ${response.statusCode} ${String(response.headers['content-type'] ?? '')}: ${problem}\nbody: ${excerpt(response.body)}`,
      );
    }
    return response;
  };
  app.inject = checkedInject as FastifyInstance['inject'];
}
