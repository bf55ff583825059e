/**
 * Idempotent upserts of rows into one or more Cassandra / Amazon Keyspaces tables that carry the
 * same columns (query tables of one entity, differing only by primary key): prepared INSERTs with
 * bounded concurrency, one result per row.
 *
 * A plain INSERT is an upsert in CQL: writing the same key again (redelivery, replay) rewrites the
 * same rows and never adds one. No lightweight transactions (`IF NOT EXISTS`) on this path: they
 * cost four round trips and Keyspaces bills them as such.
 */
import cassandra from 'cassandra-driver';
import { chunk } from '../../util/chunk.ts';
import { mapBounded } from '../../util/map-bounded.ts';

/** The result of writing one row: every table written, or the first error met. */
export type RowWriteResult = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * How the INSERTs of a row are sent.
 *
 * - `independent`: each INSERT is its own request. If one fails the row fails and its retry (or
 *   DLQ replay) converges every table, one write unit per table.
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

/** The tables a {@link RowWriter} writes every row to, and their shared columns. */
export interface RowTables<Row> {
  /** Table names (unqualified), each written with every row. */
  readonly tables: readonly string[];
  /** The columns of every table, in the order the INSERTs bind them. */
  readonly columns: readonly (keyof Row & string)[];
}

/**
 * @example
 * const writer = new RowWriter<EventRow>(client, { tables: ['events_by_id', 'events_by_day'], columns: EVENT_COLUMNS }, config);
 * const results = await writer.upsertMany(rows); // one result per row, in order
 */
export class RowWriter<Row extends object> {
  readonly #client: cassandra.Client;
  readonly #tables: RowTables<Row>;
  readonly #options: RowWriteOptions;
  readonly #inserts: ReadonlyMap<string, string>;

  constructor(client: cassandra.Client, tables: RowTables<Row>, options: RowWriteOptions) {
    this.#client = client;
    this.#tables = tables;
    this.#options = options;
    const columns = tables.columns.join(', ');
    const markers = tables.columns.map(() => '?').join(', ');
    this.#inserts = new Map(
      tables.tables.map((table) => [
        table,
        `INSERT INTO ${options.keyspace}.${table} (${columns}) VALUES (${markers})`,
      ]),
    );
  }

  /**
   * Upserts every row into every table with at most `writeConcurrency` requests in flight.
   * Never throws for a write error: each row gets `{ ok: false, error }` if its write failed (any
   * statement, or the batch), so the caller fails only the affected records.
   */
  async upsertMany(rows: readonly Row[]): Promise<RowWriteResult[]> {
    if (rows.length === 0) return [];
    switch (this.#options.writeMode ?? 'unlogged-batch') {
      case 'logged-batch':
        return this.#upsertBatched(rows);
      case 'unlogged-batch':
        return this.#upsertUnlogged(rows);
      default:
        return this.#upsertIndependent(rows);
    }
  }

  async #upsertUnlogged(rows: readonly Row[]): Promise<RowWriteResult[]> {
    const groups = chunk(rows, this.#options.rowsPerBatch ?? DEFAULT_ROWS_PER_BATCH);
    // One single-table batch per group and table: Keyspaces refuses more than 30 statements per
    // batch, and cross-table unlogged batches have been reported to fail there.
    const requests = groups.flatMap((group, index) =>
      this.#tables.tables.map((table) => ({
        index,
        queries: group.map((row) => ({ query: this.#insertOf(table), params: this.#bind(row) })),
      })),
    );
    const errors = new Map<number, unknown>();
    await mapBounded(requests, this.#options.writeConcurrency, async ({ index, queries }) => {
      try {
        await this.#client.batch(queries, { prepare: true, logged: false });
      } catch (error) {
        if (!errors.has(index)) errors.set(index, error);
      }
    });
    return groups.flatMap((group, index): RowWriteResult[] => {
      const error = errors.get(index);
      return group.map(() => (errors.has(index) ? { ok: false, error } : { ok: true }));
    });
  }

  async #upsertIndependent(rows: readonly Row[]): Promise<RowWriteResult[]> {
    const queries = rows.flatMap((row) => this.#queriesOf(row));
    const group = await cassandra.concurrent.executeConcurrent(this.#client, queries, {
      concurrencyLevel: this.#options.writeConcurrency,
      raiseOnFirstError: false,
      collectResults: true,
      maxErrors: queries.length,
    });
    const perRow = this.#tables.tables.length;
    return rows.map((_, i): RowWriteResult => {
      const error = group.resultItems.slice(perRow * i, perRow * (i + 1)).find((r) => r instanceof Error);
      return error ? { ok: false, error } : { ok: true };
    });
  }

  async #upsertBatched(rows: readonly Row[]): Promise<RowWriteResult[]> {
    return mapBounded(rows, this.#options.writeConcurrency, async (row): Promise<RowWriteResult> => {
      try {
        await this.#client.batch(this.#queriesOf(row), { prepare: true, logged: true });
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  #queriesOf(row: Row): { query: string; params: unknown[] }[] {
    const params = this.#bind(row);
    return this.#tables.tables.map((table) => ({ query: this.#insertOf(table), params }));
  }

  #insertOf(table: string): string {
    return this.#inserts.get(table) as string;
  }

  /** Row → positional parameters; `null` and `[]` become "unset" (no tombstone written). */
  #bind(row: Row): unknown[] {
    return this.#tables.columns.map((column) => {
      const value = row[column];
      return value === null || (Array.isArray(value) && value.length === 0) ? cassandra.types.unset : value;
    });
  }
}
