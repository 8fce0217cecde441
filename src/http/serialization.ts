import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Schema = Record<string, unknown>;

const COMBINATORS = ['anyOf', 'oneOf', 'allOf'];
const isBareNull = (schema: Schema): boolean => Object.keys(schema).length === 1 && schema.type === 'null';
const isStringConstant = (schema: Schema): boolean => schema.type === 'string' && typeof schema.const === 'string';

/**
 * The schema as fast-json-stringify serializes it fastest. For an `anyOf` it picks the branch by
 * validating the value with ajv, for every value: a page of clients validated each client's
 * latest assessment, formats and all, before writing it. A type list it tells apart by `typeof`.
 * So a nullable value of one type (TypeBox's `Union([T, Null()])`) becomes `type: [T, 'null']`,
 * and a union of string literals (and null) a string (or null). The contract keeps its `anyOf`s:
 * only what the serializer compiles is rewritten.
 */
export function withNullableTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNullableTypes);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node: Schema = {};
  for (const [key, value] of Object.entries(schema)) node[key] = withNullableTypes(value);
  const { anyOf, ...siblings } = node;
  if (!Array.isArray(anyOf) || anyOf.some((member) => typeof member !== 'object' || member === null)) return node;
  const members = (anyOf as Schema[]).filter((member) => !isBareNull(member));
  const nullable = members.length < anyOf.length;
  const [only] = members;
  if (members.length === 1 && nullable && typeof only?.type === 'string' && !COMBINATORS.some((keyword) => keyword in only)) {
    return { ...siblings, ...only, type: [only.type, 'null'] };
  }
  if (members.length > 1 && members.every(isStringConstant)) return { ...siblings, type: nullable ? ['string', 'null'] : 'string' };
  return node;
}

/** Fastify's own serializer compiler (fast-json-stringify), given the response schemas `withNullableTypes` made. */
const buildSerializer: NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer'] = (
  externalSchemas,
  options,
) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => compile({ ...route, schema: withNullableTypes(route.schema) });
};

export const schemaController: FastifyServerOptions['schemaController'] = { compilersFactory: { buildSerializer } };
