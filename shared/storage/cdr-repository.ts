/**
 * Hot-storage repository for enriched CDRs: idempotent upserts into both query tables through
 * prepared statements with bounded concurrency, reporting success or failure per row, and
 * read-backs for tests and reports.
 *
 * A plain INSERT is an upsert in CQL: writing the same `cdr_id` again (redelivery, replay) rewrites
 * the same rows and never adds one. No lightweight transactions (`IF NOT EXISTS`) on this path:
 * they cost four round trips and Keyspaces bills them as such.
 */
import cassandra from 'cassandra-driver';
import { chunk } from '../util/chunk.ts';
import { mapBounded } from '../util/map-bounded.ts';
import { CDR_COLUMNS, type CdrRow } from './cdr-row.ts';
import { CDR_TABLE } from './cdr-schema.ts';

/** The result of writing one row: both tables written, or the first error met. */
export type RowWriteResult = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** Where and how the repository writes. */
export interface CdrRepositoryOptions {
  readonly keyspace: string;
  /** Requests in flight at once (a statement, a row's logged batch, or an unlogged batch of rows). */
  readonly writeConcurrency: number;
  /**
   * `independent`: the two INSERTs of a row are separate requests. If one fails the
   * record fails and its retry (or DLQ replay) converges both tables, one write unit per table.
   * `logged-batch`: both INSERTs in one LOGGED BATCH, so the two tables never disagree even for a
   * record that ends in the DLQ; Amazon Keyspaces performs two underlying writes per batched row
   * (prepare + commit), so check the write cost before choosing it.
   * `unlogged-batch` (default): the INSERTs of up to `rowsPerBatch` CDRs into one table in one
   * UNLOGGED BATCH request (two requests per group of CDRs, one per table) instead of one request
   * per INSERT: the same write units on Keyspaces, no atomicity. A failed batch fails every CDR of
   * its group (the upserts are idempotent, so their retry is safe). Measured on the embedded stack at 800 CDR/s:
   * end-to-end P50 69 ms / P99 1.1 s against 1.5 s / 3.6 s with `independent`.
   */
  readonly writeMode?: CdrWriteMode;
  /**
   * CDRs per UNLOGGED BATCH in `unlogged-batch` mode, 1–30. Default 30: Amazon Keyspaces refuses
   * batches of more than 30 statements ("Batches with more than 30 statements are not supported").
   */
  readonly rowsPerBatch?: number;
}

/** How the two inserts of a CDR are sent. */
export type CdrWriteMode = 'independent' | 'logged-batch' | 'unlogged-batch';

/** Default CDRs (statements) per unlogged batch: the Amazon Keyspaces per-batch limit. */
export const DEFAULT_ROWS_PER_BATCH = 30;

const TABLES = [CDR_TABLE.bySubscriberDay, CDR_TABLE.byId] as const;

/**
 * @example
 * const repo = new CdrRepository(client, { keyspace: 'orion', writeConcurrency: 32 });
 * const results = await repo.upsertMany(rows); // one result per row, in order
 */
export class CdrRepository {
  readonly #client: cassandra.Client;
  readonly #options: CdrRepositoryOptions;
  readonly #inserts: Record<(typeof TABLES)[number], string>;

  constructor(client: cassandra.Client, options: CdrRepositoryOptions) {
    this.#client = client;
    this.#options = options;
    const insert = (table: string): string =>
      `INSERT INTO ${options.keyspace}.${table} (${CDR_COLUMNS.join(', ')}) VALUES (${CDR_COLUMNS.map(() => '?').join(', ')})`;
    this.#inserts = {
      cdr_by_subscriber_day: insert(CDR_TABLE.bySubscriberDay),
      cdr_by_id: insert(CDR_TABLE.byId),
    };
  }

  /**
   * Upserts every row into both tables with at most `writeConcurrency` requests in flight.
   * Never throws for a write error: each row gets `{ ok: false, error }` if its write failed (either
   * statement, or the batch), so the caller fails only the affected records.
   */
  async upsertMany(rows: readonly CdrRow[]): Promise<RowWriteResult[]> {
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

  async #upsertUnlogged(rows: readonly CdrRow[]): Promise<RowWriteResult[]> {
    const groups = chunk(rows, this.#options.rowsPerBatch ?? DEFAULT_ROWS_PER_BATCH);
    // One single-table batch per group and table: Keyspaces refuses more than 30 statements per
    // batch, and cross-table unlogged batches have been reported to fail there.
    const requests = groups.flatMap((group, index) =>
      TABLES.map((table) => ({
        index,
        queries: group.map((row) => ({ query: this.#inserts[table], params: bindParams(row) })),
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

  async #upsertIndependent(rows: readonly CdrRow[]): Promise<RowWriteResult[]> {
    const queries = rows.flatMap((row) => this.#queriesOf(row));
    const group = await cassandra.concurrent.executeConcurrent(this.#client, queries, {
      concurrencyLevel: this.#options.writeConcurrency,
      raiseOnFirstError: false,
      collectResults: true,
      maxErrors: queries.length,
    });
    return rows.map((_, i): RowWriteResult => {
      const error = [group.resultItems[2 * i], group.resultItems[2 * i + 1]].find((r) => r instanceof Error);
      return error ? { ok: false, error } : { ok: true };
    });
  }

  async #upsertBatched(rows: readonly CdrRow[]): Promise<RowWriteResult[]> {
    return mapBounded(rows, this.#options.writeConcurrency, async (row): Promise<RowWriteResult> => {
      try {
        await this.#client.batch(this.#queriesOf(row), { prepare: true, logged: true });
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  #queriesOf(row: CdrRow): { query: string; params: unknown[] }[] {
    const params = bindParams(row);
    return TABLES.map((table) => ({ query: this.#inserts[table], params }));
  }

  /**
   * The row of a CDR id, from `cdr_by_id`.
   *
   * @example await repo.byId('fr-3f2a…')
   */
  async byId(cdrId: string): Promise<CdrRow | undefined> {
    const rs = await this.#client.execute(
      `SELECT ${CDR_COLUMNS.join(', ')} FROM ${this.#options.keyspace}.${CDR_TABLE.byId} WHERE cdr_id = ?`,
      [cdrId],
    );
    const row = rs.first();
    return row ? fromDriverRow(row) : undefined;
  }

  /**
   * A subscriber's CDRs of one UTC day, newest first, from `cdr_by_subscriber_day`.
   *
   * @example await repo.bySubscriberDay(imsi, '2026-11-22', { limit: 100 })
   */
  async bySubscriberDay(imsi: string, day: string, options: { limit?: number } = {}): Promise<CdrRow[]> {
    const rs = await this.#client.execute(
      `SELECT ${CDR_COLUMNS.join(', ')} FROM ${this.#options.keyspace}.${CDR_TABLE.bySubscriberDay} WHERE imsi = ? AND day = ? LIMIT ?`,
      [imsi, day, options.limit ?? 10_000],
    );
    return rs.rows.map(fromDriverRow);
  }

  /**
   * Seconds left before a stored CDR expires (`TTL(payload)` in `cdr_by_id`), or `undefined` when
   * the row does not exist or has no TTL.
   */
  async remainingTtlSeconds(cdrId: string): Promise<number | undefined> {
    const rs = await this.#client.execute(
      `SELECT TTL(payload) AS ttl FROM ${this.#options.keyspace}.${CDR_TABLE.byId} WHERE cdr_id = ?`,
      [cdrId],
    );
    const ttl = rs.first()?.get('ttl') as number | null | undefined;
    return ttl ?? undefined;
  }

  /**
   * Counts the rows of a CDR table by a full scan: for small local tables (tests, reports) only,
   * never in a hot path or against Keyspaces.
   */
  async countAll(table: (typeof TABLES)[number]): Promise<number> {
    const query = `SELECT cdr_id FROM ${this.#options.keyspace}.${table}`;
    let count = 0;
    let pageState: string | undefined;
    do {
      const rs = await this.#client.execute(query, [], {
        fetchSize: 5_000,
        ...(pageState ? { pageState } : {}),
      });
      count += rs.rowLength;
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return count;
  }
}

/** Row → positional parameters; `null` and `[]` become "unset" (no tombstone written). */
function bindParams(row: CdrRow): unknown[] {
  return CDR_COLUMNS.map((column) => {
    const value = row[column];
    return value === null || (Array.isArray(value) && value.length === 0) ? cassandra.types.unset : value;
  });
}

/** Driver row → {@link CdrRow} (driver LocalDate / Long / BigDecimal back to plain values). */
function fromDriverRow(row: cassandra.types.Row): CdrRow {
  const text = (column: string): string | null => (row.get(column) as string | null) ?? null;
  const long = (column: string): number => (row.get(column) as cassandra.types.Long).toNumber();
  return {
    cdr_id: row.get('cdr_id') as string,
    imsi: row.get('imsi') as string,
    day: String(row.get('day')),
    start_time: row.get('start_time') as Date,
    end_time: row.get('end_time') as Date,
    country: row.get('country') as string,
    record_type: row.get('record_type') as string,
    direction: row.get('direction') as string,
    roaming: Boolean(row.get('roaming')),
    msisdn: row.get('msisdn') as string,
    counterpart: text('counterpart'),
    duration_s: row.get('duration_s') as number,
    volume_bytes: long('volume_bytes'),
    charge_minor_units: long('charge_minor_units'),
    currency: row.get('currency') as string,
    cell_id: row.get('cell_id') as string,
    site_id: text('site_id'),
    region: text('region'),
    technology: text('technology'),
    segment: text('segment'),
    plan: text('plan'),
    payment: text('payment'),
    roaming_status: row.get('roaming_status') as string,
    fraud_score: row.get('fraud_score') as number,
    fraud_reasons: (row.get('fraud_reasons') as string[] | null) ?? [],
    payload: row.get('payload') as string,
    stored_at: row.get('stored_at') as Date,
  };
}
