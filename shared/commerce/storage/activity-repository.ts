/**
 * Activity-storage repository: idempotent upserts of user-event rows into `activity_by_user_day`
 * through the storage adapter's {@link RowWriter} (prepared INSERTs, a whole Kafka batch in one
 * bounded-concurrency wave, one result per row), and the by-user-and-day read.
 */
import type cassandra from 'cassandra-driver';
import { type RowWriteOptions, type RowWriteResult, RowWriter } from '../../storage/cassandra/row-writer.ts';
import type { UserEventType } from '../events.ts';
import { ACTIVITY_COLUMNS, type ActivityRow } from './activity-row.ts';
import { ACTIVITY_TABLE } from './activity-schema.ts';

/** Where and how the repository writes (`CassandraConfig` satisfies it). */
export type ActivityRepositoryOptions = RowWriteOptions;

/**
 * @example
 * const repo = new ActivityRepository(client, { keyspace: 'orion_commerce', writeConcurrency: 64 });
 * const results = await repo.upsertMany(rows); // one result per row, in order
 * const today = await repo.byUserDay('100042', '2026-01-15');
 */
export class ActivityRepository {
  readonly #client: cassandra.Client;
  readonly #options: ActivityRepositoryOptions;
  readonly #writer: RowWriter<ActivityRow>;

  constructor(client: cassandra.Client, options: ActivityRepositoryOptions) {
    this.#client = client;
    this.#options = options;
    this.#writer = new RowWriter<ActivityRow>(
      client,
      { tables: [ACTIVITY_TABLE.byUserDay], columns: ACTIVITY_COLUMNS },
      options,
    );
  }

  /**
   * Upserts the rows with at most `writeConcurrency` requests in flight. Never throws for a write
   * error: each row gets `{ ok: false, error }` if its write failed, so the caller fails only the
   * affected records.
   */
  upsertMany(rows: readonly ActivityRow[]): Promise<RowWriteResult[]> {
    return this.#writer.upsertMany(rows);
  }

  /**
   * A shopper's activity on one UTC day, newest first.
   *
   * @example await repo.byUserDay('100042', '2026-01-15', { limit: 100 })
   */
  async byUserDay(userId: string, day: string, options: { limit?: number } = {}): Promise<ActivityRow[]> {
    const rs = await this.#client.execute(
      `SELECT ${ACTIVITY_COLUMNS.join(', ')} FROM ${this.#options.keyspace}.${ACTIVITY_TABLE.byUserDay} WHERE user_id = ? AND day = ? LIMIT ?`,
      [userId, day, options.limit ?? 10_000],
    );
    return rs.rows.map(fromDriverRow);
  }
}

/** Driver row → {@link ActivityRow} (the driver's `LocalDate` back to `YYYY-MM-DD`). */
function fromDriverRow(row: cassandra.types.Row): ActivityRow {
  const text = (column: string): string | null => (row.get(column) as string | null) ?? null;
  return {
    user_id: row.get('user_id') as string,
    day: String(row.get('day')),
    event_time: row.get('event_time') as Date,
    event_id: row.get('event_id') as string,
    event_type: row.get('event_type') as UserEventType,
    session_id: text('session_id'),
    item_id: text('item_id'),
    category: text('category'),
    source: text('source'),
    details: text('details'),
    stored_at: row.get('stored_at') as Date,
  };
}
