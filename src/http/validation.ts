import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { firstUnusable } from './json-body.js';

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

type Validator = ValidateFunction & ReturnType<FastifySchemaCompiler<object>>;

/**
 * Paths and query strings are percent-decoded before any schema sees them, so `?name=%00` is a
 * U+0000 that PostgreSQL would refuse with its own text. Such a value is a 400 naming the
 * parameter, as the same character in a JSON body is (src/http/json-body.ts).
 */
function refusingUnstorableText(validate: ValidateFunction): Validator {
  const guarded = ((data: unknown) => {
    const unusable = firstUnusable(data);
    if (unusable) {
      guarded.errors = [{ instancePath: unusable.pointer, schemaPath: '', keyword: 'text', params: {}, message: unusable.message }];
      return false;
    }
    const valid = validate(data);
    guarded.errors = validate.errors;
    return valid;
  }) as Validator;
  return guarded;
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'body';
  const validate = (byPart[part] ?? bodies).compile(schema);
  // A JSON body is checked as it is parsed; headers cannot carry U+0000 past node's parser.
  return part === 'params' || part === 'querystring' ? refusingUnstorableText(validate) : (validate as Validator);
};

/** A validator for JSON documents outside a request's body, such as the lines of a bulk import. */
export function compileDocumentValidator(schema: object) {
  return bodies.compile(schema);
}
