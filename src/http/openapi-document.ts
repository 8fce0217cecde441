import { CalendarDate, Month, Timestamp, Uuid } from './common-schemas.js';
import { PROBLEM_CONTENT_TYPE, type FieldError } from './problem.js';
import { InvalidRequest, NotFound, problemCatalogue } from './problems.js';

/*
 * The finishing of the generated OpenAPI document (the `transformObject` of @fastify/swagger):
 * what only the whole operation knows, from its path, parameters and body, is stated here once
 * for every route instead of in each route's schema.
 */

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  default?: unknown;
  examples?: unknown[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  schema?: JsonSchema;
}

interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: Record<string, unknown> }>;
}

interface Response {
  description?: string;
  content?: Record<string, MediaType>;
}

interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, Response>;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** What @fastify/swagger writes when a response has no description. */
const DEFAULT_DESCRIPTION = 'Default Response';

/** Finishes the document in place; the typings of @fastify/swagger's document are narrowed to what is read here. */
export function finishDocument<D extends object>(generated: D): D {
  const document = generated as OpenApiDocument;
  withProblemCatalogue(document);
  const components = document.components?.schemas ?? {};
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const operation of Object.values(methods)) {
      withOptionalDefaults(operation);
      describeSuccess(operation, components);
      fitProblemExamples(path, operation);
    }
  }
  return generated;
}

/**
 * The catalogue of problem types, in the contract: the Problem schema's `type` enumerates every
 * one with its meaning, so a client can branch on it (each operation's responses name their own).
 */
function withProblemCatalogue(document: OpenApiDocument): void {
  const problem = document.components?.schemas?.Problem;
  const catalogue = problemCatalogue();
  if (problem?.properties) {
    problem.properties.type = {
      type: 'string',
      description: `The kind of problem, one of the catalogue:\n\n${catalogue.map((entry) => `- \`${entry.type}\` (${entry.status}): ${entry.description}`).join('\n')}`,
      enum: catalogue.map((entry) => entry.type),
      examples: [NotFound.definition.type],
    };
  }
}

/**
 * A member with a default may be left out: validation fills it in (Ajv `useDefaults`,
 * src/http/validation.ts) before the handler sees the request, which is why the TypeBox schemas
 * keep it required, so that handlers read a value. The contract states what a caller must send.
 */
function withOptionalDefaults(operation: Operation): void {
  for (const parameter of operation.parameters ?? []) {
    if (parameter.schema?.default !== undefined) parameter.required = false;
  }
  for (const media of Object.values(operation.requestBody?.content ?? {})) {
    if (media.schema) dropDefaultedFromRequired(media.schema);
  }
}

function dropDefaultedFromRequired(schema: JsonSchema): void {
  const { properties } = schema;
  if (properties && schema.required) {
    schema.required = schema.required.filter((name) => properties[name]?.default === undefined);
  }
  const nested = [...Object.values(properties ?? {}), ...(schema.items ? [schema.items] : [])];
  for (const child of [...nested, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    dropDefaultedFromRequired(child);
  }
}

/** `ApiKeyPage` → `API key page`. */
const words = (title: string) =>
  title
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bapi\b/g, 'API');

/**
 * A success response says what its body is, from the name of its schema (or the operation's
 * summary when the schema has none), and shows an example of it: the schema's own, or one built
 * from the schema (`exampleOf`). A JSON body only: a CSV or HTML rendering is not built from a schema.
 */
function describeSuccess(operation: Operation, components: Record<string, JsonSchema>): void {
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (!status.startsWith('2')) continue;
    const [media] = Object.values(response.content ?? {});
    if (response.description === DEFAULT_DESCRIPTION) {
      response.description = successDescription(status, media?.schema?.title, operation.summary);
    }
    for (const [type, shown] of Object.entries(response.content ?? {})) {
      if (!shown.schema || !isJson(type) || shown.example !== undefined || shown.examples !== undefined) continue;
      const example = exampleOf(shown.schema, components);
      if (example !== undefined) shown.example = example;
    }
  }
}

const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

function successDescription(status: string, title: string | undefined, summary = 'Done'): string {
  if (!title) return `${summary}.`;
  const page = /^(.+)Page$/.exec(title);
  if (page?.[1]) return `A page of ${words(page[1])} records and the link to the next page.`;
  const subject = words(title).replace(/^created /, '');
  return status === '201' ? `The created ${subject}.` : `The ${subject}.`;
}

/**
 * The problem examples of an operation, fitted to it: `instance` is the operation's path with
 * example parameters, and the invalid-request example names a field the operation really has.
 */
function fitProblemExamples(path: string, operation: Operation): void {
  const instance = examplePath(path, operation.parameters ?? []);
  for (const response of Object.values(operation.responses ?? {})) {
    for (const example of Object.values(response.content?.[PROBLEM_CONTENT_TYPE]?.examples ?? {})) {
      example.value.instance = instance;
      if (example.value.type !== InvalidRequest.definition.type) continue;
      const field = exampleFieldError(operation);
      if (field) Object.assign(example.value, { detail: `Invalid request: ${field.in} ${field.pointer}`, errors: [field] });
    }
  }
}

function examplePath(path: string, parameters: Parameter[]): string {
  return path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const parameter = parameters.find((candidate) => candidate.in === 'path' && candidate.name === name);
    const example = parameter?.example ?? parameter?.schema?.examples?.[0];
    return typeof example === 'string' ? example : whole;
  });
}

/** A field error the operation may answer: a required body member left out, or a parameter of the wrong form. */
function exampleFieldError(operation: Operation): FieldError | undefined {
  const body = operation.requestBody?.content?.['application/json']?.schema;
  const missing = body?.required?.[0];
  if (missing) return { in: 'body', pointer: `/${missing}`, message: 'is required' };
  const parameters = operation.parameters ?? [];
  const parameter = parameters.find((candidate) => candidate.in === 'path') ?? parameters.find((candidate) => candidate.in === 'query');
  if (!parameter?.schema) return undefined;
  const where = parameter.in === 'path' ? 'params' : 'querystring';
  return { in: where, pointer: `/${parameter.name}`, message: wrongValueMessage(parameter.schema) };
}

/** What validation says of a value that breaks the schema (Ajv's messages, src/http/error-handler.ts). */
function wrongValueMessage(schema: JsonSchema): string {
  if (schema.enum) return `must be one of: ${schema.enum.join(', ')}`;
  if (schema.format) return `must match format "${schema.format}"`;
  if (schema.maximum !== undefined) return `must be <= ${schema.maximum}`;
  return `must be ${Array.isArray(schema.type) ? schema.type.join(',') : (schema.type ?? 'valid')}`;
}

/*
 * Examples built from a schema. Every value must validate against the schema (the contract test
 * checks each one), so a schema with a keyword not understood here, a free-form object or a
 * pattern no sample fits gets no example rather than a wrong one: an optional member is left out,
 * anything else leaves its whole response without an example.
 */

/** Keywords that only annotate a schema; any other keyword not read by `exampleOf` may constrain a value. */
const ANNOTATIONS = new Set(['$id', '$comment', 'title', 'description', 'readOnly', 'writeOnly', 'deprecated']);
const UNDERSTOOD = new Set([
  ...['$ref', 'type', 'enum', 'const', 'default', 'examples', 'anyOf', 'oneOf'],
  ...['format', 'pattern', 'minLength', 'maxLength'],
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  ...['properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'uniqueItems'],
]);

/** The example of a shared string schema (TypeBox types `examples` as any). */
const sharedExample = (schema: { examples?: unknown }) => (schema.examples as [string])[0];

/** The values of the formats, those of the shared schemas so that every example names the same record and moment. */
const FORMAT_EXAMPLES: Record<string, string> = {
  uuid: sharedExample(Uuid),
  date: sharedExample(CalendarDate),
  'date-time': sharedExample(Timestamp),
  uri: 'https://example.org/',
  email: 'care@example.org',
};

/** Values tried for a pattern that the plain text does not match: an INN, the digits of a SNILS, a month. */
const PATTERNED_SAMPLES = ['3702065237', '11223344595', sharedExample(Month)];

/** How deep an example goes: past the nesting of any answer (a list of monitoring reports is the deepest), and a stop for a recursive `$ref`. */
const MAX_DEPTH = 12;

/** An example of the schema, or undefined when none can be built that validates. */
function exampleOf(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const unknownKeyword = Object.keys(schema).some((key) => !UNDERSTOOD.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-'));
  if (unknownKeyword) return undefined;
  const nested = (child: JsonSchema) => exampleOf(child, components, depth + 1);
  if (schema.$ref !== undefined) {
    const target = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    return target && components[target] ? nested(components[target]) : undefined;
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    // A nullable value shows its value; null only when nothing else can be shown.
    const ordered = [...branches.filter((branch) => !isNull(branch)), ...branches.filter(isNull)];
    return ordered.map(nested).find((value) => value !== undefined);
  }
  switch (firstType(schema)) {
    case 'null':
      return null;
    case 'boolean':
      return false;
    case 'integer':
      return numberExample(schema, true);
    case 'number':
      return numberExample(schema, false);
    case 'string':
      return stringExample(schema);
    case 'array':
      return arrayExample(schema, nested);
    case 'object':
      return objectExample(schema, nested);
    default:
      return undefined;
  }
}

const isNull = (schema: JsonSchema) => schema.type === 'null' || schema.const === null;

/** The type an example takes: the first that is not null, or an object where the schema only lists members. */
function firstType(schema: JsonSchema): string | undefined {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.find((type) => type !== 'null') ?? types[0] ?? (schema.properties ? 'object' : undefined);
}

/**
 * The smallest value from the lower bound (or 1) up that fits every bound and `multipleOf`, the
 * last checked with a quotient as Ajv does (a remainder would call 1 no multiple of 0.1).
 */
function numberExample(schema: JsonSchema, integer: boolean): number | undefined {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  let value = minimum ?? (exclusiveMinimum === undefined ? 1 : exclusiveMinimum + 1);
  if (maximum !== undefined && value > maximum) value = maximum;
  if (multipleOf) value = Math.ceil(value / multipleOf) * multipleOf;
  if (integer) value = Math.ceil(value);
  const fits =
    (minimum === undefined || value >= minimum) &&
    (maximum === undefined || value <= maximum) &&
    (exclusiveMinimum === undefined || value > exclusiveMinimum) &&
    (exclusiveMaximum === undefined || value < exclusiveMaximum) &&
    (!multipleOf || Number.isInteger(value / multipleOf));
  return fits ? value : undefined;
}

function stringExample(schema: JsonSchema): string | undefined {
  const { format, pattern, minLength = 0, maxLength = Infinity } = schema;
  const candidates =
    format === undefined ? ['text'.repeat(Math.ceil(minLength / 4) || 1), ...PATTERNED_SAMPLES] : [FORMAT_EXAMPLES[format]];
  const matches = pattern === undefined ? () => true : (value: string) => new RegExp(pattern, 'u').test(value);
  return candidates.find((value) => {
    if (value === undefined) return false;
    const length = [...value].length;
    return length >= minLength && length <= maxLength && matches(value);
  });
}

function arrayExample(schema: JsonSchema, nested: (child: JsonSchema) => unknown): unknown[] | undefined {
  const count = Math.min(Math.max(schema.minItems ?? 0, 1), schema.maxItems ?? Infinity);
  if (count === 0) return [];
  // The same item repeated cannot be unique.
  if (!schema.items || (schema.uniqueItems && count > 1)) return undefined;
  const item = nested(schema.items);
  return item === undefined ? undefined : Array.from({ length: count }, () => item);
}

/**
 * The required members and the optional ones with an example of their own: an optional member is
 * one some answers have (a failed line's problem), which a value made up here would show in every
 * answer. A page (`items` and `next`) is shown as the last one, with `next` null: the URL of a next
 * page would be of another list.
 */
function objectExample(schema: JsonSchema, nested: (child: JsonSchema) => unknown): Record<string, unknown> | undefined {
  const { properties = {}, required = [], additionalProperties } = schema;
  // A free-form object (a FHIR resource) has no shape to show; a map of known values may be empty.
  if (Object.keys(properties).length === 0 && (additionalProperties === undefined || additionalProperties === true)) return undefined;
  const example: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(properties)) {
    if (!required.includes(name) && !member.examples?.length) continue;
    const lastPage = name === 'next' && properties.items !== undefined && admitsNull(member);
    const value = lastPage ? null : nested(member);
    if (value !== undefined) example[name] = value;
    else if (required.includes(name)) return undefined;
  }
  return example;
}

const admitsNull = (schema: JsonSchema) =>
  isNull(schema) || (Array.isArray(schema.type) && schema.type.includes('null')) || (schema.anyOf ?? schema.oneOf ?? []).some(isNull);
