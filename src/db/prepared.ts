import { createHash } from 'node:crypto';
import {
  PostgresDialect,
  PostgresQueryCompiler,
  type CompiledQuery,
  type KyselyPlugin,
  type QueryCompiler,
  type QueryId,
  type RootOperationNode,
} from 'kysely';
import pg from 'pg';

/**
 * The hot reads (a client by id, a page of clients) run as named prepared statements: each
 * connection parses and plans such a statement once and then only binds and executes it, which
 * halved PostgreSQL's CPU per client read in the benchmark (README, issue 16). Only statements
 * marked with `preparedStatement` are prepared, so the number of statements a connection keeps
 * stays the number of their variants (one per scope and filter combination), not one per text
 * the service ever sends.
 *
 * The marking crosses three layers that share only the query's id and its SQL text: the plugin
 * notes the id, the compiler names the compiled text, and the pg client sends a text it knows
 * by name as a named statement.
 */

const markedQueries = new WeakSet<QueryId>();
/** Statement names by SQL text; a name is the text's hash, so every instance names a text alike. */
const statementNames = new Map<string, string>();

/** `query.withPlugin(preparedStatement)` runs the query as a prepared statement. */
export const preparedStatement: KyselyPlugin = {
  transformQuery({ node, queryId }) {
    markedQueries.add(queryId);
    return node;
  },
  transformResult: async ({ result }) => result,
};

class PreparingQueryCompiler extends PostgresQueryCompiler {
  override compileQuery(node: RootOperationNode, queryId: QueryId): CompiledQuery {
    const compiled = super.compileQuery(node, queryId);
    if (markedQueries.has(queryId) && !statementNames.has(compiled.sql)) {
      statementNames.set(compiled.sql, `hot_${createHash('sha256').update(compiled.sql).digest('hex').slice(0, 24)}`);
    }
    return compiled;
  }
}

/** Kysely's PostgreSQL dialect, compiling marked queries as named statements. */
export class PreparingDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new PreparingQueryCompiler();
  }
}

/** PostgreSQL's "cached plan must not change result type" (feature_not_supported). */
const RESULT_TYPE_CHANGED = '0A000';

/** pg's own parts of a query's result that describing its rows sets (pg/lib/result.js). */
interface ResultInternals {
  fields: unknown[];
  _parsers: unknown[];
  _prebuiltEmptyResultObject: object;
}

type Shape = Pick<ResultInternals, '_parsers' | '_prebuiltEmptyResultObject'>;

/**
 * pg describes a statement's rows anew on every execution: for each column it looks up a parser
 * and builds the empty row that parsing copies, about 9 µs for a client's 36 columns, which is as
 * much as the rest of pg spends on the read. What a prepared statement answers cannot change
 * while it stays prepared (PostgreSQL refuses the execution with 0A000 instead, and the client
 * prepares it again under its next name), so one connection builds it once per statement name.
 */
class ShapedResult extends pg.Result {
  constructor(
    rowMode: string,
    private readonly statement: string,
    private readonly shapes: Map<string, Shape>,
  ) {
    // No types of its own: the client gives the result its connection's parsers before it runs.
    super(rowMode, undefined as never);
  }

  addFields(fields: unknown[]): void {
    const self = this as unknown as ResultInternals;
    const shape = this.shapes.get(this.statement);
    if (shape === undefined) {
      (pg.Result.prototype as unknown as { addFields(fields: unknown[]): void }).addFields.call(this, fields);
      this.shapes.set(this.statement, { _parsers: self._parsers, _prebuiltEmptyResultObject: self._prebuiltEmptyResultObject });
      return;
    }
    self.fields = fields;
    self._parsers = shape._parsers;
    self._prebuiltEmptyResultObject = shape._prebuiltEmptyResultObject;
  }
}

/**
 * A named statement's execution whose rows are parsed with the connection's known shape. It is
 * made from the text and values, as pg makes an unnamed query, and named afterwards: a config
 * object is copied property by property first (pg's cloneQueryConfig, 3% of a client read's CPU).
 */
class ShapedQuery extends pg.Query {
  constructor(
    name: string,
    text: string,
    values: unknown[],
    shapes: Map<string, Shape>,
    callback: (error: Error | undefined, result: pg.QueryResult) => void,
  ) {
    super(text, values, callback as never);
    const self = this as unknown as { name: string; _rowMode: string; _result: pg.Result; _results: pg.Result };
    self.name = name;
    self._result = self._results = new ShapedResult(self._rowMode, name, shapes);
  }
}

/**
 * A pg client sending the named texts as prepared statements (the pool's `Client`). A statement
 * prepared before a migration changed what it answers (a column added to a table it selects
 * whole, a column's type changed) fails with 0A000 on its next execution: the client then drops
 * it, prepares the text again under its next name and runs it once more, so a rolling deploy
 * needs no restart after a migration. In a transaction that retry cannot run (the failure ended
 * the transaction) and the error stands; the hot reads run outside transactions.
 */
export class PreparingClient extends pg.Client {
  /** Texts whose statement on this connection was dropped after a migration, with how many times. */
  readonly #replaced = new Map<string, number>();
  /** The rows each named statement answers on this connection, by name. */
  readonly #shapes = new Map<string, Shape>();

  // Kysely calls query(text, values), which this intercepts; every other form passes on as given.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads cannot all be restated
  override query(...args: any[]): any {
    const [text, values, callback] = args as unknown[];
    const name = typeof text === 'string' && Array.isArray(values) && callback === undefined ? statementNames.get(text) : undefined;
    if (name === undefined) return (super.query as (...given: unknown[]) => unknown).apply(this, args);
    return this.#executeNamed(name, text as string, values as unknown[]);
  }

  async #executeNamed(baseName: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    const replaced = this.#replaced.get(text) ?? 0;
    const name = replaced ? `${baseName}_${replaced}` : baseName;
    try {
      return await this.#execute(name, text, values);
    } catch (error) {
      if ((error as { code?: string }).code !== RESULT_TYPE_CHANGED) throw error;
      await super.query(`DEALLOCATE "${name}"`).catch(() => {
        throw error;
      });
      this.#replaced.set(text, replaced + 1);
      return this.#execute(`${baseName}_${replaced + 1}`, text, values);
    }
  }

  #execute(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      super.query(new ShapedQuery(name, text, values, this.#shapes, (error, result) => (error ? reject(error) : resolve(result))));
    });
  }
}
