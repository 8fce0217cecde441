import { readFile } from 'node:fs/promises';
import t from 'tap';
import { generateOpenApiDocument } from '../../src/openapi.js';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { examples?: unknown[] }; example?: unknown }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

t.test('the committed openapi/openapi.json is what the code generates (run `npm run openapi`)', async (t) => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  const generated = await generateOpenApiDocument();
  t.ok(committed === generated, 'openapi/openapi.json is up to date');
});

t.test('every operation is documented for a person trying it in Swagger UI', async (t) => {
  const document = JSON.parse(await generateOpenApiDocument()) as {
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, unknown> };
  };
  t.ok(document.components.securitySchemes.bearerAuth, 'the bearer scheme behind the Authorize button');
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const name = `${method.toUpperCase()} ${path}`;
      t.ok(operation.operationId, `${name} has an operationId`);
      t.ok(operation.summary, `${name} has a summary`);
      t.ok(operation.tags?.length, `${name} has tags`);
      const body = operation.requestBody?.content['application/json'];
      if (body) t.ok(body.schema.examples ?? body.example, `${name} has a request example`);
      if (path.startsWith('/v1/')) {
        t.same(operation.security, [{ bearerAuth: [] }], `${name} needs the API key`);
        for (const status of ['401', '403', '429']) {
          t.ok(operation.responses[status]?.content?.['application/problem+json'], `${name} documents ${status} as a problem`);
        }
      }
    }
  }
});
