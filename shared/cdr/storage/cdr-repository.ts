/**
 * Hot-storage repository for enriched CDRs: idempotent upserts into both query tables (through
 * the storage adapter's {@link RowWriter}), reporting success or failure per row, and read-backs
 * for tests and reports.
 */
import type cassandra from 'cassandra-driver';
import { type RowWriteOptions, type RowWriteResult, RowWriter } from '../../storage/cassandra/row-writer.ts';
import { CDR_COLUMNS, type CdrRow } from './cdr-row.ts';
import { CDR_TABLE } from './cdr-schema.ts';

/**
 * Where and how the repository writes. Measured on the embedded stack at 800 CDR/s, the default
 * `unlogged-batch` write mode gave end-to-end P50 69 ms / P99 1.1 s against 1.5 s / 3.6 s with
 * `independent`.
 */
export type CdrRepositoryOptions = RowWriteOptions;

const TABLES = [CDR_TABLE.bySubscriberDay, CDR_TABLE.byId] as const;

/**
 * @example
 * const repo = new CdrRepository(client, { keyspace: 'orion', writeConcurrency: 32 });
 * const results = await repo.upsertMany(rows); // one result per row, in order
 */
export class CdrRepository {
  readonly #client: cassandra.Client;
  readonly #options: CdrRepositoryOptions;
  readonly #writer: RowWriter<CdrRow>;

  constructor(client: cassandra.Client, options: CdrRepositoryOptions) {
    this.#client = client;
    this.#options = options;
    this.#writer = new RowWriter<CdrRow>(client, { tables: TABLES, columns: CDR_COLUMNS }, options);
  }

  /**
   * Upserts every row into both tables with at most `writeConcurrency` requests in flight.
   * Never throws for a write error: each row gets `{ ok: false, error }` if its write failed (either
   * statement, or the batch), so the caller fails only the affected records.
   */
  upsertMany(rows: readonly CdrRow[]): Promise<RowWriteResult[]> {
    return this.#writer.upsertMany(rows);
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
