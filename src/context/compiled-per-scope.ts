import { randomUUID } from 'node:crypto';
import type { CompiledQuery, SelectQueryBuilder } from 'kysely';
import type { Context } from './request-context.js';

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** Where the call's value goes among the statement's parameters. */
  valueAt: number;
}

/**
 * A hot read that Kysely builds and compiles once per scope rather than on every call: for a
 * client read by id that was about 7% of the read's CPU (README, issue 16). `build` makes the
 * query with a placeholder standing for the one value a call passes; each call then runs the
 * compiled text with its value in the placeholder's place, on the caller's own database (its
 * transaction, if it is in one).
 *
 * The compilation is kept only where the statement depends on nothing but the scope and the
 * value: every organization, or one organization, whose id keys it. A medical partner's grant
 * holds today's date, so its reads are built on each call.
 */
export function compiledPerScope<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a select of any owned table
  build: (ctx: Context, value: string) => SelectQueryBuilder<any, any, Row>,
): (ctx: Context, value: string) => Promise<Row[]> {
  const compiled = new Map<string, Compiled<Row>>();
  return async (ctx, value) => {
    const { scope } = ctx;
    const key = scope.kind === 'all' ? '' : scope.kind === 'organization' ? scope.organizationId : undefined;
    if (key === undefined) return build(ctx, value).execute();
    let statement = compiled.get(key);
    if (statement === undefined) {
      const placeholder = randomUUID();
      const query = build(ctx, placeholder).compile();
      const valueAt = query.parameters.indexOf(placeholder);
      if (valueAt < 0 || query.parameters.lastIndexOf(placeholder) !== valueAt) {
        throw new Error('A statement compiled per scope takes its value exactly once');
      }
      statement = { query, valueAt };
      compiled.set(key, statement);
    }
    const parameters = [...statement.query.parameters];
    parameters[statement.valueAt] = value;
    const query: CompiledQuery<Row> = { ...statement.query, parameters };
    return (await ctx.scoped.execute(query)).rows;
  };
}
