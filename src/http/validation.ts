import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const common: Options = {
  // Unknown fields are refused (400), not silently dropped.
  removeAdditional: false,
  allErrors: true,
  useDefaults: true,
  strict: false,
};

function compiler(options: Options): Ajv {
  const ajv = new Ajv({ ...common, ...options });
  addFormats.default(ajv);
  return ajv;
}

/*
 * A JSON body means what it says: `"regionCode": 37` is a wrong type, not the string "37".
 * Paths, query strings and headers are text by nature, so their values are converted.
 */
const bodies = compiler({ coerceTypes: false });
const byPart: Record<string, Ajv> = {
  body: bodies,
  params: compiler({ coerceTypes: 'array' }),
  querystring: compiler({ coerceTypes: 'array' }),
  headers: compiler({ coerceTypes: 'array' }),
};

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = byPart[httpPart ?? 'body'] ?? bodies;
  return ajv.compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
};

/** A validator for JSON documents outside a request's body, such as the lines of a bulk import. */
export function compileDocumentValidator(schema: object) {
  return bodies.compile(schema);
}
