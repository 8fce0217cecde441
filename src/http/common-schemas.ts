import { Type, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid', examples: ['0f8c5bd0-6d0c-4f67-9a7e-3f1ac9e1f2b1'] });
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-24T09:30:00.000Z'] });

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

/** A non-blank, trimmed-length-limited text field. */
export function Text(maxLength: number, options: Record<string, unknown> = {}) {
  return Type.String({ minLength: 1, maxLength, pattern: '\\S', ...options });
}
