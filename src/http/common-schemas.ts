import { Type, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid', examples: ['0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1'] });
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-24T09:30:00.000Z'] });

/*
 * The ranges of the register's dates, checked by the schema before any value reaches the database
 * (whose own limits, year 1 to 294276, would answer with its own text). A calendar date reaches
 * back to 1900, so that it holds the birth date of everyone alive; a month or a moment is of the
 * service itself (sessions, monitoring), which no record predates 2000. All end with 2100.
 *
 * The years are a `pattern` beside the `format`, which checks the rest: the contract's JSON Schema
 * has no range keyword for dates, and ajv-formats' `formatMinimum` is not one the contract may use.
 */

/** Patterns of these schemas in words, for the field's message in a 400 (src/http/error-handler.ts). */
export const PATTERN_MEANINGS = new Map<string, string>();

function explained(pattern: string, meaning: string): string {
  PATTERN_MEANINGS.set(pattern, meaning);
  return pattern;
}

const DAY_YEARS = explained('^(19[0-9]{2}|20[0-9]{2}|2100)-', 'must be a day from 1900-01-01 to 2100-12-31');
const MONTH = explained('^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$', 'must be a month from 2000-01 to 2100-12');
const MOMENT_YEARS = explained('^(20[0-9]{2}|2100)-', 'must be a moment in the years 2000 to 2100');

/** A calendar day (ISO 8601 `YYYY-MM-DD`) from 1900-01-01 to 2100-12-31, with what it means. */
export function Day(meaning = 'A day.') {
  return Type.String({
    format: 'date',
    pattern: DAY_YEARS,
    description: `${meaning} From 1900-01-01 to 2100-12-31.`,
    examples: ['2026-03-27'],
  });
}

export const CalendarDate = Day();

/** A month of the service (`YYYY-MM`), from 2000-01 to 2100-12. */
export const Month = Type.String({ pattern: MONTH, description: 'A month from 2000-01 to 2100-12.', examples: ['2025-02'] });

/** A moment of the service a caller names (RFC 3339, with its offset) in the years 2000 to 2100, with what it means. */
export function Instant(meaning = 'A moment.', examples = ['2025-02-04T10:00:00+03:00']) {
  return Type.String({
    format: 'date-time',
    pattern: MOMENT_YEARS,
    description: `${meaning} In the years 2000 to 2100, as written with its offset.`,
    examples,
  });
}

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** `limit` and `cursor`, shared by every list. */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page.' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The opaque cursor from the `next` link of the previous page.' })),
};

/** The shape of every list: a page of items and the URL of the next page, null on the last. */
export function Page<T extends TSchema>(item: T, title: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      next: Type.Union([Type.String(), Type.Null()], {
        description: 'The URL of the next page, or null on the last page.',
        examples: ['/v1/staff?limit=50&cursor=MGY4YzViZDAtNmQwYy00ZjY3LTlhN2UtM2YxYWM5ZTFmMmIx'],
      }),
    },
    { title },
  );
}

/**
 * At least one character that shows: a text of whitespace, control characters or invisible format
 * characters (the zero-width space U+200B, joiners, direction marks, which \s does not cover) is blank.
 * Ajv compiles patterns with the `u` flag, which `\p{…}` needs.
 */
const VISIBLE = '[^\\s\\p{Cc}\\p{Cf}]';

/** A text a person reads (a name, a title, a note): length-limited, with at least one visible character. */
export function Text(maxLength: number, options: Record<string, unknown> = {}) {
  return Type.String({ minLength: 1, maxLength, pattern: VISIBLE, ...options });
}
