import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import t from 'tap';
import { generateOpenApiDocument } from '../../src/openapi.js';

interface MediaType {
  schema: { examples?: unknown[] };
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { default?: unknown } }>;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  tags: Array<{ name: string; description?: string }>;
  'x-tagGroups': Array<{ name: string; tags: string[] }>;
}

const contract = async () => JSON.parse(await generateOpenApiDocument()) as Document;

function* operations(document: Document): Generator<[string, Operation]> {
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) yield [`${method.toUpperCase()} ${path}`, operation];
  }
}

/** Every example of a media type: its own `example`, each of its `examples` and those of its schema. */
const examplesOf = (media: MediaType): Array<[string, unknown]> => [
  ...(media.example === undefined ? [] : [['example', media.example] as [string, unknown]]),
  ...Object.entries(media.examples ?? {}).map(([name, example]): [string, unknown] => [name, example.value]),
  ...(media.schema.examples ?? []).map((example, i): [string, unknown] => [`schema example ${i + 1}`, example]),
];

t.test('the committed openapi/openapi.json is what the code generates (run `npm run openapi`)', async (t) => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  const generated = await generateOpenApiDocument();
  t.ok(committed === generated, 'openapi/openapi.json is up to date');
});

t.test('every operation is documented for a person trying it in Swagger UI', async (t) => {
  const document = await contract();
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

t.test('every example of a response or a request body is valid against its schema (JSON Schema 2020-12)', async (t) => {
  const document = await contract();
  // The contract's own keywords (x-enum-descriptions) are annotations, not constraints.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'https://contract.invalid/openapi.json', components: document.components });
  const compile = (schema: unknown) =>
    ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://contract.invalid/openapi.json#/components/')));
  let checked = 0;
  for (const [name, operation] of operations(document)) {
    const bodies = Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => [`request ${type}`, media] as const);
    const answers = Object.entries(operation.responses).flatMap(([status, response]) =>
      Object.entries(response.content ?? {}).map(([type, media]) => [`${status} ${type}`, media] as const),
    );
    for (const [where, media] of [...bodies, ...answers]) {
      const validate = compile(media.schema);
      for (const [example, value] of examplesOf(media)) {
        checked++;
        if (!validate(value)) t.fail(`${name} ${where} ${example}: ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
  t.ok(checked > 300, `${checked} examples checked`);
});

/**
 * The success answers without an example, each for its reason: a free-form object (a FHIR
 * resource, a questionnaire template stored as given) has no schema an example could be built from.
 */
const SUCCESS_WITHOUT_EXAMPLE: Record<string, string> = {
  'GET /v1/questionnaire-templates/{templateId} 200 application/json': 'a free-form template',
  'GET /fhir/r4/metadata 200 application/fhir+json': 'a free-form FHIR CapabilityStatement',
  'GET /fhir/r4/Questionnaire/{id} 200 application/fhir+json': 'a free-form FHIR Questionnaire',
  'GET /fhir/r4/Patient/{id} 200 application/fhir+json': 'a free-form FHIR Patient',
  'GET /fhir/r4/QuestionnaireResponse 200 application/fhir+json': 'a free-form FHIR Bundle',
  'GET /fhir/r4/QuestionnaireResponse/{id} 200 application/fhir+json': 'a free-form FHIR QuestionnaireResponse',
};

t.test('every success answer in JSON shows an example, but those listed with their reason (issue 15)', async (t) => {
  const document = await contract();
  const without: string[] = [];
  let shown = 0;
  for (const [name, operation] of operations(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!status.startsWith('2')) continue;
      for (const [type, media] of Object.entries(response.content ?? {})) {
        if (type !== 'application/json' && !type.endsWith('+json')) continue;
        if (media.example === undefined && media.examples === undefined) without.push(`${name} ${status} ${type}`);
        else shown++;
      }
    }
  }
  t.same(without, Object.keys(SUCCESS_WITHOUT_EXAMPLE), 'exactly the listed answers have no example');
  t.ok(shown > 80, `${shown} success answers show an example`);
});

t.test('a page shows one item and no next page', async (t) => {
  const document = await contract();
  const page = document.paths['/v1/clients']?.get?.responses['200']?.content?.['application/json']?.example as
    { items: unknown[]; next: unknown } | undefined;
  t.equal(page?.items.length, 1, 'one client');
  t.equal(page?.next, null, 'the last page');
});

t.test('each problem response shows an answer of every problem type it lists, fitted to its operation', async (t) => {
  const document = await contract();
  for (const [name, operation] of operations(document)) {
    const path = name.split(' ')[1] ?? '';
    for (const [status, response] of Object.entries(operation.responses)) {
      const media = response.content?.['application/problem+json'];
      if (!media) continue;
      const listed = [...(response.description ?? '').matchAll(/`(\/problems\/[a-z0-9-]+)`/g)].map((match) => match[1]);
      const examples = Object.values(media.examples ?? {}).map((example) => example.value as Record<string, unknown>);
      t.same(
        examples.map((example) => example.type),
        listed,
        `${name} ${status}: one example per listed type`,
      );
      for (const example of examples) {
        t.equal(example.status, Number(status), `${name} ${status} ${String(example.type)}: the status of its response`);
        t.match(example.instance, new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`), `${name}: instance is the operation's path`);
      }
      const invalid = examples.find((example) => example.type === '/problems/invalid-request');
      if (invalid && (operation.requestBody || operation.parameters?.length)) {
        t.ok(Array.isArray(invalid.errors) && invalid.errors.length > 0, `${name} 400: the example names a field`);
      }
    }
  }
});

t.test('the contract requires only what a caller must send, and says everything once', async (t) => {
  const document = await contract();
  for (const [name, operation] of operations(document)) {
    for (const parameter of operation.parameters ?? []) {
      if (parameter.schema?.default !== undefined) t.notOk(parameter.required, `${name}: ${parameter.name} has a default, so is optional`);
    }
    t.ok((operation.description?.match(/Roles:/g)?.length ?? 0) <= 1, `${name}: the roles are stated once`);
    for (const [status, response] of Object.entries(operation.responses)) {
      t.ok(response.description && response.description !== 'Default Response', `${name} ${status} is described`);
    }
  }
});

t.test('every operation but the health probes documents a 4xx (Redocly operation-4xx-response, off in redocly.yaml)', async (t) => {
  const document = await contract();
  for (const [name, operation] of operations(document)) {
    if (operation.tags?.includes('health')) continue;
    t.ok(
      Object.keys(operation.responses).some((status) => status.startsWith('4')),
      `${name} documents a 4xx`,
    );
  }
});

t.test('the tags are described and grouped in the order the domain reads', async (t) => {
  const document = await contract();
  const declared = document.tags.map((tag) => tag.name);
  for (const tag of document.tags) t.ok(tag.description, `tag ${tag.name} is described`);
  t.same(
    document['x-tagGroups'].map((group) => group.name),
    ['Organizations', 'Clients', 'Assessments', 'Milieu therapy', 'Monitoring', 'Reports', 'Partners', 'Integration', 'Administration'],
  );
  t.same(
    document['x-tagGroups'].flatMap((group) => group.tags),
    declared,
    'the groups hold every tag once, in the order of `tags`',
  );
  for (const [name, operation] of operations(document)) {
    for (const tag of operation.tags ?? []) t.ok(declared.includes(tag), `${name}: tag ${tag} is declared`);
  }
});
