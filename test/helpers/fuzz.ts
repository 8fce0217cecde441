/*
 * The pieces of the contract fuzz test (test/http/fuzz.test.ts): the operations of the OpenAPI
 * document, fast-check arbitraries made from their JSON schemas, hostile values and the checks
 * every answer must pass. Everything here is pure: the test file does the HTTP.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';

export type Schema = { [keyword: string]: unknown };
export type Path = Array<string | number>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `POST /v1/clients`, as in the access matrix. */
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Parameter[];
  body?: { contentType: string; schema: Schema; required: boolean };
  /** status -> content type -> schema */
  responses: Record<string, Record<string, Schema>>;
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}

/** Every operation of the document, in its order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): Operation => {
      const [contentType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      return {
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: (operation.parameters ?? [])
          .filter((parameter) => ['path', 'query', 'header'].includes(parameter.in))
          .map((parameter) => ({
            name: parameter.name,
            in: parameter.in as Parameter['in'],
            required: parameter.required === true,
            schema: parameter.schema ?? {},
          })),
        ...(contentType && media
          ? { body: { contentType, schema: media.schema, required: operation.requestBody?.required === true } }
          : {}),
        responses: Object.fromEntries(
          Object.entries(operation.responses).map(([status, response]) => [
            status,
            Object.fromEntries(Object.entries(response.content ?? {}).map(([type, content]) => [type, content.schema ?? {}])),
          ]),
        ),
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Text that has broken other systems: SQL, markup, Cyrillic, emoji, control characters. */
export const HOSTILE_TEXT = [
  "'; DROP TABLE clients; --",
  "Robert'); DELETE FROM audit_events WHERE ('1'='1",
  "' OR '1'='1",
  '1; SELECT pg_sleep(0) --',
  "' UNION SELECT secret_hash FROM api_keys --",
  '%_\\%',
  "$1 $$quoted$$ E'\\x00'",
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '&lt;&amp;&quot;&#39;',
  'Ёжик ё',
  'Съешь же ещё этих мягких французских булок, да выпей чаю',
  'Иванова-Петрова Ё. Ж.',
  'ЁЛКА ёлка Елка елка',
  'Ǆemal Škrtić Ωμέγα 北京 عربى',
  '🧓🏽 бабушка 👩‍👩‍👧',
  'é combining e\u0301',
  'zero\u200bwidth \u202eRTL override',
  'tab\tnew\nline\r\nend',
  '=cmd|"/C calc"!A0;SUM(1)',
  'semicolon;"quoted";value',
  '../../etc/passwd %2e%2e%2f',
  '${jndi:ldap://x} {{7*7}} #{7*7}',
  'null',
  'NaN',
  '0',
  'back\\slash \\u0000 "quotes"',
  'nul\u0000byte',
  '\uFEFFbom',
];

const SQL_AND_CYRILLIC = HOSTILE_TEXT.slice(0, 15);

/** Numbers at and beyond the edges of every integer type. */
export const BOUNDARY_NUMBERS = [-1, 0, 0.5, -0.0001, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 4.9e-324];

/** Dates that are impossible, or possible but at the edges of calendars and databases. */
export const BOUNDARY_DATES = [
  '2026-02-30',
  '2025-02-29',
  '2024-02-29',
  '1900-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-1-5',
  '0000-01-01',
  '0001-01-01',
  '1899-12-31',
  '9999-12-31',
  '+275760-09-13',
  '2026-03-29',
  '2026-11-26T10:00:00Z',
  '20260101',
  '',
];

export const BOUNDARY_DATE_TIMES = [
  '2026-02-30T10:00:00Z',
  '2026-06-30T23:59:60Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T10:00:00',
  '2026-01-01 10:00:00+03:00',
  '2026-01-01t10:00:00z',
  '2026-03-29T02:30:00+23:59',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999Z',
  '1970-01-01T00:00:00.000Z',
  '2026-10-25T02:30:00.123456789+03:00',
  '2026-01-01',
];

/** Values of every JSON type, to put where another one is expected. */
const OTHER_TYPES: Record<string, unknown[]> = {
  string: [42, true, null, [], {}, ['a']],
  integer: ['1', '0x10', 1.5, true, null, [], {}, 'NaN'],
  number: ['1.5', true, null, [], {}, 'Infinity'],
  boolean: ['true', 1, 0, null, [], 'yes'],
  array: ['a', 1, {}, null, true],
  object: ['a', 1, [], null, true, [{}]],
  null: [0, '', false, {}],
};

/**
 * A value too large to spell out in a counterexample, made only when the request is built:
 * `{ $fuzz: 'huge', size }` a string of `size` characters, `'deep'` objects and arrays nested
 * `size` levels, `'wide'` an object of `size` members.
 */
export interface Lazy {
  $fuzz: 'huge' | 'deep' | 'wide';
  size: number;
}

const isLazy = (value: unknown): value is Lazy => typeof value === 'object' && value !== null && '$fuzz' in value;

export function materialize(value: unknown): unknown {
  if (isLazy(value)) {
    if (value.$fuzz === 'huge') return 'Ё'.repeat(value.size / 2) + "'; --".repeat(value.size / 10);
    if (value.$fuzz === 'wide') return Object.fromEntries(Array.from({ length: value.size }, (_, i) => [`k${i}`, i]));
    let nested: unknown = { leaf: "'; DROP TABLE clients; --" };
    for (let depth = 0; depth < value.size; depth++) nested = depth % 2 ? [nested] : { a: nested };
    return nested;
  }
  if (Array.isArray(value)) return value.map(materialize);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v)]));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Schema -> arbitrary

export interface ArbitraryContext {
  /** Ids of rows that exist: a uuid field gets one of them more often than a random one. */
  ids: readonly string[];
  /**
   * Strings whose format the schema gives only in words, by member name: half of their values
   * come from here (an RFC 5545 rule for `rule`), half from the schema.
   */
  grammars?: Record<string, fc.Arbitrary<string>>;
}

/** The value of a named member: from its grammar or its schema. */
export function memberArbitrary(name: string, schema: Schema, context: ArbitraryContext, depth = 0): fc.Arbitrary<unknown> {
  const grammar = context.grammars?.[name];
  const bySchema = arbitraryFor(schema, context, depth);
  return grammar ? fc.oneof(grammar, bySchema) : bySchema;
}

/**
 * RFC 5545 recurrence rules, valid and not, with the parts that send expanders astray: intervals
 * of zero or less, days that never come (February 30th, the sixth Monday), hours an interval skips.
 */
export function recurrenceRuleArbitrary(): fc.Arbitrary<string> {
  const parts = {
    FREQ: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'HOURLY', 'MINUTELY', 'SECONDLY', 'FORTNIGHTLY'),
    INTERVAL: fc.constantFrom('1', '2', '3', '7', '0', '-1', '1000000', 'x'),
    COUNT: fc.constantFrom('1', '2', '5', '500', '501', '0', '-1', '99999999999'),
    UNTIL: fc.constantFrom(
      '20250228T235959Z',
      '20240101T000000Z',
      '20991231T235959Z',
      '00010101T000000Z',
      '20250230T000000Z',
      '20250301',
      'garbage',
    ),
    BYDAY: fc.constantFrom('MO', 'TU,FR', '+1MO', '-1FR', '+5MO', '+6MO', '+53MO', 'XX'),
    BYMONTHDAY: fc.constantFrom('1', '15', '29', '30', '31', '-1', '32', '0'),
    BYMONTH: fc.constantFrom('1', '2', '4', '12', '13', '0'),
    BYSETPOS: fc.constantFrom('1', '-1', '2', '367'),
    BYHOUR: fc.constantFrom('3', '10,16', '25', '-1'),
    BYMINUTE: fc.constantFrom('0', '30', '61'),
    BYYEARDAY: fc.constantFrom('1', '366', '-1', '367'),
    BYWEEKNO: fc.constantFrom('1', '53', '54'),
    WKST: fc.constantFrom('MO', 'SU', 'XX'),
  };
  const end = fc.oneof(fc.record({ COUNT: parts.COUNT }), fc.record({ UNTIL: parts.UNTIL }), fc.constant({}));
  const { COUNT: _count, UNTIL: _until, FREQ, ...rest } = parts;
  return fc.tuple(FREQ, end, fc.record(rest, { requiredKeys: [] }), fc.constantFrom('', 'RRULE:', 'rrule:')).map(
    ([freq, ending, others, prefix]) =>
      prefix +
      Object.entries({ FREQ: freq, ...others, ...ending })
        .map(([key, value]) => `${key}=${value}`)
        .join(';'),
  );
}

/** Code points, as Ajv counts minLength and maxLength. */
const lengthOf = (text: string) => [...text].length;

function fits(schema: Schema, text: string): boolean {
  const length = lengthOf(text);
  if (typeof schema.minLength === 'number' && length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) return false;
  return typeof schema.pattern !== 'string' || new RegExp(schema.pattern, 'u').test(text);
}

/** A string a person types (a name, a note), as opposed to a code, an id or a date. */
export function isFreeText(schema: Schema): boolean {
  return (
    schema.type === 'string' &&
    schema.format === undefined &&
    schema.enum === undefined &&
    schema.const === undefined &&
    (schema.pattern === undefined || schema.pattern === '\\S')
  );
}

/** Free text: hostile fragments (made unique, so that unique columns still take them), any Unicode, lengths at the limit. */
export function freeTextArbitrary(schema: Schema): fc.Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 5000;
  const cut = (text: string) => [...text].slice(0, max).join('');
  return fc
    .oneof(
      { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...SQL_AND_CYRILLIC), fc.nat(99_999)).map(([text, n]) => `${text} ${n}`) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.array(fc.constantFrom(...HOSTILE_TEXT), { minLength: 1, maxLength: 4 }), fc.nat(99_999))
          .map(([parts, n]) => `${parts.join(' ')} ${n}`),
      },
      {
        weight: 2,
        arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.max(Math.min(max, 40), min, 1) }),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom('Ё', 'ж', 'x', '🧓'), fc.nat(99_999)).map(([letter, n]) => `${n}${letter.repeat(max)}`),
      },
    )
    .map(cut)
    .filter((text) => fits(schema, text));
}

const DAY = 86_400_000;
const dateArbitrary = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: Date.UTC(1920, 0, 1) / DAY, max: Date.UTC(2035, 11, 31) / DAY })
      .map((day) => new Date(day * DAY).toISOString().slice(0, 10)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('2024-02-29', '2000-02-29', '1900-01-01', '2026-12-31', '2026-01-01', '0001-01-01', '9999-12-31'),
  },
);
const dateTimeArbitrary = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 })
      .map((minute) => new Date(minute * 60_000).toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2026-03-29T02:30:00+03:00',
      '2026-10-25T02:30:00+03:00',
      '2026-01-01T00:00:00.123456Z',
      '2026-06-30T23:59:59.999Z',
      '2026-06-30T21:00:00-14:00',
    ),
  },
);

/** Values valid by the schema (and sometimes by the domain too). */
export function arbitraryFor(schema: Schema, context: ArbitraryContext, depth = 0): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union) {
    const { anyOf: _anyOf, oneOf: _oneOf, ...shared } = schema;
    return fc.oneof(...union.map((branch) => arbitraryFor({ ...shared, ...branch }, context, depth)));
  }
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => arbitraryFor({ ...schema, type }, context, depth)));
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, context);
    case 'integer': {
      const min =
        typeof schema.minimum === 'number'
          ? schema.minimum
          : typeof schema.exclusiveMinimum === 'number'
            ? schema.exclusiveMinimum + 1
            : -(2 ** 31);
      const max = typeof schema.maximum === 'number' ? schema.maximum : 2 ** 31 - 1;
      return fc.integer({ min, max });
    }
    case 'number': {
      const min =
        typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : -1e9;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1e9;
      const step = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
      const value = step
        ? fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((n) => Number((n * step).toFixed(10)))
        : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
      return typeof schema.exclusiveMinimum === 'number' ? value.filter((n) => n > (schema.exclusiveMinimum as number)) : value;
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = arbitraryFor((schema.items as Schema | undefined) ?? {}, context, depth + 1);
      const constraints = {
        minLength: typeof schema.minItems === 'number' ? schema.minItems : 0,
        maxLength: Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 5, 5),
      };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (item) => JSON.stringify(item) })
        : fc.array(items, constraints);
    }
    case 'object':
      return objectArbitrary(schema, context, depth);
    default:
      return depth > 2 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function stringArbitrary(schema: Schema, context: ArbitraryContext): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return context.ids.length
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...context.ids) }, { weight: 1, arbitrary: fc.uuid() })
        : fc.uuid();
    case 'date':
      return dateArbitrary;
    case 'date-time':
      return dateTimeArbitrary;
    case 'uri':
      return fc.webUrl();
  }
  if (isFreeText(schema)) return freeTextArbitrary(schema);
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 200;
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern, 'u'), { maxLength: max }).filter((text) => fits(schema, text));
  }
  return fc.string({
    unit: 'grapheme',
    minLength: typeof schema.minLength === 'number' ? schema.minLength : 0,
    maxLength: Math.min(max, 60),
  });
}

function objectArbitrary(schema: Schema, context: ArbitraryContext, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const minKeys = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  const maxKeys = typeof schema.maxProperties === 'number' ? Math.min(schema.maxProperties, 6) : 6;
  const extra =
    (schema.patternProperties ? Object.entries(schema.patternProperties as Record<string, Schema>)[0] : undefined) ??
    (typeof schema.additionalProperties === 'object' ? ['', schema.additionalProperties as Schema] : undefined);
  if (extra && Object.keys(properties).length === 0) {
    const [pattern, value] = extra;
    const key = pattern
      ? fc.stringMatching(new RegExp(pattern, 'u'), { maxLength: 40 })
      : fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ minLength: 1, maxLength: 20 }));
    return fc.dictionary(key, arbitraryFor(value, context, depth + 1), { minKeys, maxKeys });
  }
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, memberArbitrary(name, property, context, depth + 1)]),
  );
  const record = fc.record(model, { requiredKeys: required.filter((name) => name in properties) });
  return minKeys ? record.filter((value) => Object.keys(value).length >= minKeys) : record;
}

// ---------------------------------------------------------------------------------------------
// Where a body can be changed

/** A place in a body: a property, nested property or the first item of an array. */
export interface Site {
  path: Path;
  schema: Schema;
  required: boolean;
  /** The object holding it refuses unknown members. */
  closed: boolean;
}

/** The branch of a nullable or otherwise unioned schema that carries the most structure. */
export function mainBranch(schema: Schema): Schema {
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (!union) return schema;
  const { anyOf: _anyOf, oneOf: _oneOf, ...shared } = schema;
  const branch = union.find((candidate) => candidate.type !== 'null') ?? union[0] ?? {};
  return { ...shared, ...branch };
}

export function sitesOf(schema: Schema, path: Path = [], depth = 0): Site[] {
  const main = mainBranch(schema);
  if (depth > 4) return [];
  if (main.type === 'object' && main.properties) {
    const required = (main.required ?? []) as string[];
    return Object.entries(main.properties as Record<string, Schema>).flatMap(([name, property]) => [
      { path: [...path, name], schema: property, required: required.includes(name), closed: main.additionalProperties === false },
      ...sitesOf(property, [...path, name], depth + 1),
    ]);
  }
  if (main.type === 'array' && main.items) {
    return [
      { path: [...path, 0], schema: main.items as Schema, required: false, closed: false },
      ...sitesOf(main.items as Schema, [...path, 0], depth + 1),
    ];
  }
  // A map (answers by item, counts by name): members with a name of its kind and of another.
  const values =
    main.type === 'object' && typeof main.additionalProperties === 'object' ? (main.additionalProperties as Schema) : undefined;
  if (values) return ['1', 'Ёж', 'sessions'].map((key) => ({ path: [...path, key], schema: values, required: false, closed: false }));
  return [];
}

/** The objects of a body that refuse unknown members, by path. */
export function closedObjects(schema: Schema, path: Path = [], depth = 0): Path[] {
  const main = mainBranch(schema);
  if (depth > 4) return [];
  if (main.type === 'object') {
    const own = main.additionalProperties === false ? [path] : [];
    return [
      ...own,
      ...Object.entries((main.properties ?? {}) as Record<string, Schema>).flatMap(([name, property]) =>
        closedObjects(property, [...path, name], depth + 1),
      ),
    ];
  }
  if (main.type === 'array' && main.items) return closedObjects(main.items as Schema, [...path, 0], depth + 1);
  return [];
}

/** Every value at a path whose numeric segments match any array index, with the path it is at. */
export function allAt(value: unknown, path: Path): unknown[] {
  if (path.length === 0) return [value];
  if (typeof value !== 'object' || value === null) return [];
  const [head, ...rest] = path as [string | number, ...Path];
  if (typeof head === 'number' && Array.isArray(value)) return value.flatMap((item) => allAt(item, rest));
  return allAt((value as Record<string | number, unknown>)[head], rest);
}

export function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** A copy of `value` with the member at `path` set (or deleted for `undefined`); unchanged when its parent is missing. */
export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (typeof value !== 'object' || value === null) return value;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string | number, unknown>;
  if (rest.length && (typeof copy[head] !== 'object' || copy[head] === null)) return value;
  if (rest.length) copy[head] = setAt(copy[head], rest, replacement);
  else if (replacement === undefined) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = replacement;
  return copy;
}

/** Every free-text string of `value`, with where it is, as its schema says. */
export function freeTexts(schema: Schema, value: unknown, path: Path = []): Array<{ path: Path; text: string }> {
  if (typeof value === 'string') {
    const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    const branches = union ? union.map((branch) => ({ ...schema, ...branch })) : [schema];
    return branches.some(isFreeText) ? [{ path, text: value }] : [];
  }
  const main = mainBranch(schema);
  if (Array.isArray(value) && main.items) return value.flatMap((item, i) => freeTexts(main.items as Schema, item, [...path, i]));
  if (typeof value === 'object' && value !== null && main.type === 'object') {
    const properties = (main.properties ?? {}) as Record<string, Schema>;
    const rest = typeof main.additionalProperties === 'object' ? (main.additionalProperties as Schema) : undefined;
    return Object.entries(value).flatMap(([name, member]) => {
      const memberSchema = properties[name] ?? rest;
      return memberSchema ? freeTexts(memberSchema, member, [...path, name]) : [];
    });
  }
  return [];
}

/**
 * Whether a parsed JSON body is one the service refuses before validation (src/http/json-body.ts):
 * a string that is not text (U+0000, half a surrogate pair) or nesting deeper than 64 levels.
 */
export function unusableJson(value: unknown): boolean {
  // eslint-disable-next-line no-control-regex -- U+0000 is one of the things it looks for
  const notText = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/;
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [member, depth] = next;
    if (typeof member === 'string' && notText.test(member)) return true;
    if (typeof member === 'object' && member !== null) {
      if (depth >= 64) return true;
      for (const [key, child] of Object.entries(member)) {
        if (notText.test(key)) return true;
        pending.push([child, depth + 1]);
      }
    }
  }
  return false;
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(allStrings);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Mutations: one invalid change to a valid request

export type BodyMutation =
  | { kind: 'drop'; path: Path }
  | { kind: 'set'; why: string; path: Path; value: unknown }
  | { kind: 'unknown-field'; path: Path; name: string; value: unknown };

function wrongTypeValues(schema: Schema): unknown[] {
  const main = mainBranch(schema);
  const types = new Set(
    [main.type, ...((schema.anyOf ?? schema.oneOf ?? []) as Schema[]).map((branch) => branch.type)].filter(Boolean) as string[],
  );
  const pool = [...types].flatMap((type) => OTHER_TYPES[type] ?? []);
  const wrong = pool.filter((value) => ![...types].some((type) => jsonTypeMatches(type, value)));
  return wrong.length ? wrong : [[]];
}

function jsonTypeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/** Invalid or edge values for one site, by what its schema expects. */
function siteMutation(site: Site): fc.Arbitrary<BodyMutation> {
  const main = mainBranch(site.schema);
  const set = (why: string, values: fc.Arbitrary<unknown>) =>
    values.map((value): BodyMutation => ({ kind: 'set', why, path: site.path, value }));
  const options: Array<fc.Arbitrary<BodyMutation>> = [
    set('wrong type', fc.constantFrom(...wrongTypeValues(site.schema))),
    set('deep nesting', fc.constantFrom<Lazy>({ $fuzz: 'deep', size: 200 }, { $fuzz: 'deep', size: 2000 })),
  ];
  if (site.required) options.push(fc.constant<BodyMutation>({ kind: 'drop', path: site.path }));
  if (main.type === 'string') {
    options.push(set('huge string', fc.constant<Lazy>({ $fuzz: 'huge', size: 100_000 })));
    options.push(
      set(
        'hostile text',
        fc.constantFrom(...HOSTILE_TEXT, '', ' ', '\u0000', 'x'.repeat(((main.maxLength as number | undefined) ?? 1000) + 1)),
      ),
    );
    if (main.format === 'date') options.push(set('boundary date', fc.constantFrom(...BOUNDARY_DATES)));
    if (main.format === 'date-time') options.push(set('boundary date-time', fc.constantFrom(...BOUNDARY_DATE_TIMES)));
    if (main.format === 'uuid')
      options.push(
        set(
          'not a uuid',
          fc.constantFrom(
            '00000000-0000-0000-0000-000000000000',
            'ZZZZZZZZ-0000-0000-0000-000000000000',
            "1' OR '1'='1",
            '12345',
            '{0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1}',
            '0F8C5BD0-6D0C-4F67-9A7E-3F1AC9E1F2B1',
          ),
        ),
      );
    if (main.format === 'uuid') options.push(set('unknown id', fc.uuid()));
    if (Array.isArray(main.enum))
      options.push(set('not in the enumeration', fc.constantFrom('', 'ACTIVE', 'unknown', 'Ёжик', "active'; --")));
  }
  if (main.type === 'integer' || main.type === 'number') {
    const edges = [main.minimum, main.maximum].filter((n): n is number => typeof n === 'number').flatMap((n) => [n - 1, n, n + 1]);
    options.push(set('boundary number', fc.constantFrom(...BOUNDARY_NUMBERS, ...edges)));
  }
  if (main.type === 'array') {
    options.push(set('empty array', fc.constant([])));
    options.push(set('long array', fc.constant(Array.from({ length: 600 }, () => '0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1'))));
  }
  if (main.type === 'object')
    options.push(set('wide object', fc.constantFrom<unknown>({ $fuzz: 'wide', size: 1000 } as Lazy, {}, { __proto__x: 1 })));
  return fc.oneof(...options);
}

export function bodyMutationArbitrary(schema: Schema): fc.Arbitrary<BodyMutation> | undefined {
  const sites = sitesOf(schema);
  const closed = closedObjects(schema);
  const options: Array<fc.Arbitrary<BodyMutation>> = [];
  if (sites.length) options.push(fc.constantFrom(...sites).chain(siteMutation));
  if (closed.length) {
    options.push(
      fc
        .tuple(
          fc.constantFrom(...closed),
          fc.constantFrom('unknownField', 'id', 'createdAt', 'organization_id', '__proto__', 'constructor', 'Ёж', "'; --"),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([path, name, value]): BodyMutation => ({ kind: 'unknown-field', path, name, value })),
    );
  }
  options.push(
    fc.constantFrom<BodyMutation>(
      { kind: 'set', why: 'body of another type', path: [], value: [] },
      { kind: 'set', why: 'body of another type', path: [], value: 'text' },
      { kind: 'set', why: 'body of another type', path: [], value: 42 },
      { kind: 'set', why: 'body of another type', path: [], value: null },
      { kind: 'set', why: 'empty object', path: [], value: {} },
      { kind: 'set', why: 'deep nesting', path: [], value: { $fuzz: 'deep', size: 500 } },
    ),
  );
  return fc.oneof(...options);
}

export function applyBodyMutation(body: unknown, mutation: BodyMutation): unknown {
  switch (mutation.kind) {
    case 'drop':
      return setAt(body, mutation.path, undefined);
    case 'set':
      return setAt(body, mutation.path, materialize(mutation.value));
    case 'unknown-field': {
      const target = getAt(body, mutation.path);
      if (typeof target !== 'object' || target === null || Array.isArray(target)) return body;
      // JSON.parse makes `__proto__` an own member; so does defineProperty here.
      const copy = { ...target };
      Object.defineProperty(copy, mutation.name, {
        value: materialize(mutation.value),
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return setAt(body, mutation.path, copy);
    }
  }
}

/** Whole payloads that are not the JSON the operation takes, or JSON at its edges. */
export const RAW_PAYLOADS = [
  'truncated',
  'invalid-utf8',
  'proto-pollution',
  'constructor-pollution',
  'empty',
  'trailing-comma',
  'single-quotes',
  'infinity',
  'duplicate-keys',
  'bom',
  'oversize',
  'very-deep',
  'nul-escape',
  'lone-surrogate',
] as const;
export type RawPayload = (typeof RAW_PAYLOADS)[number];

/** Bytes that are not UTF-8: a lone continuation byte, an overlong '/', a surrogate half, 0xFF. */
export const INVALID_UTF8 = Buffer.from([0xc3, 0x28, 0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xfe]);
const MARK = 'MARK\u0001MARK';

/**
 * The raw body of a payload kind, made from a valid JSON body; `firstText` is where a string of
 * it can carry bad characters. Whether the server may take it is for the caller to decide.
 */
export function rawPayload(kind: RawPayload, body: unknown, firstText: Path | undefined): string | Buffer {
  const json = JSON.stringify(body ?? {});
  const members = json === '{}' ? '' : `,${json.slice(1, -1)}`;
  const inText = (text: string) => {
    const marked = JSON.stringify(firstText ? setAt(body, firstText, MARK) : { ...(body as object), fuzzNote: MARK });
    return marked.replace(JSON.stringify(MARK).slice(1, -1), text);
  };
  switch (kind) {
    case 'truncated':
      return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
    case 'invalid-utf8': {
      const [before, after] = inText('SPLIT-HERE').split('SPLIT-HERE') as [string, string];
      return Buffer.concat([Buffer.from(before), INVALID_UTF8, Buffer.from(after)]);
    }
    case 'proto-pollution':
      return `{"__proto__":{"role":"admin"}${members}}`;
    case 'constructor-pollution':
      return `{"constructor":{"prototype":{"role":"admin"}}${members}}`;
    case 'empty':
      return '';
    case 'trailing-comma':
      return json.replace(/\}$/, ',}');
    case 'single-quotes':
      return json === '{}' ? "{'a':1}" : json.replace(/"/g, "'");
    case 'infinity':
      return `{"x":1e999${members}}`;
    case 'duplicate-keys':
      return `{"a":1,"a":2${members}}`;
    case 'bom':
      return `\uFEFF${json}`;
    case 'oversize':
      return `{"padding":"${'я'.repeat(600_000)}"${members}}`;
    case 'very-deep':
      return `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}${members}}`;
    case 'nul-escape':
      return inText('\\u0000');
    case 'lone-surrogate':
      return inText('\\ud800');
  }
}

export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
  'application/x-ndjson',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;',
  'text/html; charset=utf-8',
  '*/*',
  'garbage',
] as const;

// ---------------------------------------------------------------------------------------------
// Checking what was sent and what came back

function compiler(options: ConstructorParameters<typeof Ajv>[0]): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, ...options });
  addFormats.default(ajv);
  return ajv;
}

/** Validators of requests as the server's own are configured (src/http/validation.ts) and of answers. */
export class ContractValidator {
  // Defaults never make a body valid or invalid; without them a body needs no copy to be checked.
  private readonly body = compiler({ coerceTypes: false });
  private readonly text = compiler({ coerceTypes: 'array', useDefaults: true });
  private readonly answers = compiler({});
  private readonly cache = new Map<unknown, ValidateFunction>();

  constructor(private readonly components: OpenApiDocument['components']) {}

  private compiled(ajv: Ajv, schema: Schema): ValidateFunction {
    let validate = this.cache.get(schema);
    if (!validate) {
      // The document's own components, so that `#/components/schemas/Problem` resolves.
      validate = ajv.compile({ ...schema, components: this.components });
      this.cache.set(schema, validate);
    }
    return validate;
  }

  /** Whether a JSON body is valid by the operation's schema. */
  bodyErrors(schema: Schema, value: unknown): string | undefined {
    const validate = this.compiled(this.body, schema);
    return validate(value) ? undefined : this.body.errorsText(validate.errors);
  }

  /** Whether path or query values (strings, coerced as the server does) are valid. */
  textErrors(name: string, parameters: Parameter[], values: Record<string, string | string[] | undefined>): string | undefined {
    let validate = this.cache.get(name);
    if (!validate) {
      const properties = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema]));
      const required = parameters
        .filter((parameter) => parameter.required && parameter.schema.default === undefined)
        .map((parameter) => parameter.name);
      validate = this.text.compile({ type: 'object', properties, required });
      this.cache.set(name, validate);
    }
    const names = new Set(parameters.map((parameter) => parameter.name));
    const known = Object.fromEntries(Object.entries(values).filter(([key, value]) => names.has(key) && value !== undefined));
    return validate(known) ? undefined : this.text.errorsText(validate.errors);
  }

  answerErrors(schema: Schema, value: unknown): string | undefined {
    const validate = this.compiled(this.answers, schema);
    return validate(value) ? undefined : this.answers.errorsText(validate.errors);
  }
}

/** A stable 32-bit hash of a name (FNV-1a), to give each operation a seed of its own. */
export function hashOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
