/**
 * Idempotent upserts of rows into one or more Cassandra / Amazon Keyspaces tables of one entity
 * (query tables differing by primary key, each with its own columns): prepared INSERTs with
 * bounded concurrency, one result per row.
 *
 * A plain INSERT is an upsert in CQL: writing the same key again (redelivery, replay) rewrites the
 * same rows and never adds one. No lightweight transactions (`IF NOT EXISTS`) on this path: they
 * cost four round trips and Keyspaces bills them as such.
 *
 * Tables are written in the order given, and a row goes to a table only once every earlier table
 * took it (except in `logged-batch` mode, atomic per row): a row found in a later table (a lookup
 * table, say) is in every earlier one. A row that failed somewhere is retried whole, which the
 * upserts make safe.
 */
import cassandra from 'cassandra-driver';
import { chunk } from '../../util/chunk.ts';
import { mapBounded } from '../../util/map-bounded.ts';

/** The result of writing one row: every table written, or the first error met. */
export type RowWriteResult = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * How the INSERTs of a row are sent.
 *
 * - `independent`: each INSERT is its own request.
 * - `logged-batch`: the INSERTs of a row in one LOGGED BATCH, so the tables never disagree even
 *   for a record that ends in the DLQ; Amazon Keyspaces performs two underlying writes per batched
 *   row (prepare + commit), so check the write cost before choosing it.
 * - `unlogged-batch`: the INSERTs of up to `rowsPerBatch` rows into one table in one UNLOGGED
 *   BATCH request (one request per group of rows and table) instead of one request per INSERT:
 *   the same write units on Keyspaces, no atomicity. A failed batch fails every row of its group
 *   (the upserts are idempotent, so their retry is safe).
 */
export type WriteMode = 'independent' | 'logged-batch' | 'unlogged-batch';

/** Rows (statements) per unlogged batch by default: the Amazon Keyspaces per-batch limit. */
export const DEFAULT_ROWS_PER_BATCH = 30;

/** Where and how rows are written; `CassandraConfig` satisfies it. */
export interface RowWriteOptions {
  readonly keyspace: string;
  /** Requests in flight at once (a statement, a row's logged batch, or an unlogged batch of rows). */
  readonly writeConcurrency: number;
  /** @default 'unlogged-batch' */
  readonly writeMode?: WriteMode;
  /**
   * Rows per UNLOGGED BATCH in `unlogged-batch` mode, 1–30. Amazon Keyspaces refuses batches of
   * more than 30 statements ("Batches with more than 30 statements are not supported").
   * @default 30
   */
  readonly rowsPerBatch?: number;
}

/** One table a {@link RowWriter} writes, with the columns of the row its INSERT binds. */
export interface RowTable<Row> {
  /** Table name (unqualified). */
  readonly name: string;
  /** The row's columns this table has, in the order the INSERT binds them. */
  readonly columns: readonly (keyof Row & string)[];
}

/** The tables a {@link RowWriter} writes every row to, in order. */
export interface RowTables<Row> {
  /** Each table, by name (it has {@link columns}) or with its own columns. */
  readonly tables: readonly (string | RowTable<Row>)[];
  /** The columns of the tables given by name, in the order their INSERTs bind them. */
  readonly columns?: readonly (keyof Row & string)[];
}

interface PreparedTable<Row> {
  readonly columns: readonly (keyof Row & string)[];
  readonly insert: string;
}

/**
 * @example
 * const writer = new RowWriter<EventRow>(client, {
 *   tables: [{ name: 'events_by_day', columns: EVENT_COLUMNS }, { name: 'event_lookup', columns: ['event_id', 'day'] }],
 * }, config);
 * const results = await writer.upsertMany(rows); // one result per row, in order
 */
export class RowWriter<Row extends object> {
  readonly #client: cassandra.Client;
  readonly #options: RowWriteOptions;
  readonly #tables: readonly PreparedTable<Row>[];

  constructor(client: cassandra.Client, tables: RowTables<Row>, options: RowWriteOptions) {
    this.#client = client;
    this.#options = options;
    this.#tables = tables.tables.map((table) => {
      const name = typeof table === 'string' ? table : table.name;
      const columns = typeof table === 'string' ? tables.columns : table.columns;
      if (!columns?.length) throw new RangeError(`table ${name} has no columns to write`);
      const markers = columns.map(() => '?').join(', ');
      return {
        columns,
        insert: `INSERT INTO ${options.keyspace}.${name} (${columns.join(', ')}) VALUES (${markers})`,
      };
    });
  }

  /**
   * Upserts every row into every table with at most `writeConcurrency` requests in flight.
   * Never throws for a write error: each row gets `{ ok: false, error }` if its write failed (any
   * statement, or the batch), so the caller fails only the affected records.
   */
  async upsertMany(rows: readonly Row[]): Promise<RowWriteResult[]> {
    if (rows.length === 0) return [];
    const mode = this.#options.writeMode ?? 'unlogged-batch';
    if (mode === 'logged-batch') return this.#upsertLogged(rows);
    const results: RowWriteResult[] = rows.map(() => ({ ok: true }));
    let pending = rows.map((_, i) => i);
    for (const table of this.#tables) {
      if (pending.length === 0) break;
      const errors =
        mode === 'unlogged-batch'
          ? await this.#writeUnlogged(
              table,
              pending.map((i) => rows[i] as Row),
            )
          : await this.#writeIndependent(
              table,
              pending.map((i) => rows[i] as Row),
            );
      pending = pending.filter((rowIndex, k) => {
        const error = errors.get(k);
        if (error === undefined) return true;
        results[rowIndex] = { ok: false, error };
        return false;
      });
    }
    return results;
  }

  /** Writes `rows` into one table in UNLOGGED BATCHes; the errors by index in `rows`. */
  async #writeUnlogged(table: PreparedTable<Row>, rows: readonly Row[]): Promise<Map<number, unknown>> {
    const size = this.#options.rowsPerBatch ?? DEFAULT_ROWS_PER_BATCH;
    const groups = chunk(rows, size);
    const errors = new Map<number, unknown>();
    await mapBounded(groups, this.#options.writeConcurrency, async (group, index) => {
      try {
        await this.#client.batch(
          group.map((row) => ({ query: table.insert, params: this.#bind(table, row) })),
          { prepare: true, logged: false },
        );
      } catch (error) {
        for (let k = 0; k < group.length; k++) errors.set(index * size + k, error);
      }
    });
    return errors;
  }

  /** Writes `rows` into one table, one request per INSERT; the errors by index in `rows`. */
  async #writeIndependent(table: PreparedTable<Row>, rows: readonly Row[]): Promise<Map<number, unknown>> {
    const group = await cassandra.concurrent.executeConcurrent(
      this.#client,
      rows.map((row) => ({ query: table.insert, params: this.#bind(table, row) })),
      {
        concurrencyLevel: this.#options.writeConcurrency,
        raiseOnFirstError: false,
        collectResults: true,
        maxErrors: rows.length,
      },
    );
    const errors = new Map<number, unknown>();
    group.resultItems.forEach((item, k) => {
      if (item instanceof Error) errors.set(k, item);
    });
    return errors;
  }

  async #upsertLogged(rows: readonly Row[]): Promise<RowWriteResult[]> {
    return mapBounded(rows, this.#options.writeConcurrency, async (row): Promise<RowWriteResult> => {
      try {
        await this.#client.batch(
          this.#tables.map((table) => ({ query: table.insert, params: this.#bind(table, row) })),
          { prepare: true, logged: true },
        );
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  /** Row → positional parameters of a table's INSERT; `null` and `[]` become "unset" (no tombstone written). */
  #bind(table: PreparedTable<Row>, row: Row): unknown[] {
    return table.columns.map((column) => {
      const value = row[column];
      return value === null || (Array.isArray(value) && value.length === 0) ? cassandra.types.unset : value;
    });
  }
}
