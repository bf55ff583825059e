/**
 * A stage whose work is to write every record of a batch as one row of a Cassandra / Amazon
 * Keyspaces store, producing nothing. The pipeline gives it how a record becomes a row; this
 * owns what every such stage does with the batch:
 *
 * - A record that cannot become a row is rejected for good, with the reason `toRow` gave.
 * - The batch's rows go to the writer in one call (one bounded-concurrency wave), awaited once;
 *   records sharing an id (a redelivery inside one batch) are written once and answered alike.
 * - A write error fails exactly the affected records, transiently ({@link storageFailure}: the
 *   event source mapping retries them, then sends them to the stage's on-failure topic), never
 *   as a reject: the data is fine, the storage was not.
 * - A written record is DONE, with its event time for the pipeline-age metric.
 */
import type { StageRecord } from '../../kafka/types.ts';
import type { StageName } from '../../pipeline/types.ts';
import type { DoneOutcome, RejectOutcome } from '../../runtime/outcome.ts';
import type { RecordResult, Stage } from '../../runtime/stage.ts';
import type { RowWriteResult } from './row-writer.ts';
import { storageFailure } from './write-failure.ts';

/** What writes the rows: a repository's `upsertMany` (one result per row, in order, never throwing for a write error). */
export interface RowSink<Row> {
  upsertMany(rows: readonly Row[]): Promise<readonly RowWriteResult[]>;
}

/** A record read into its row, under the record's deterministic id. */
export interface RowToStore<Row> {
  readonly kind: 'row';
  /** The record's idempotency key: copies of one id in a batch are written once. */
  readonly id: string;
  readonly row: Row;
  /** The record's event time (epoch ms), for the pipeline-age metric. */
  readonly eventTimeMs?: number;
}

/** How {@link rowStoreStage} is wired. */
export interface RowStoreStageOptions<Row> {
  readonly name: StageName;
  /** The stage's reject topic (its `rejectTopic` in the pipeline definition). */
  readonly rejectTopic?: string;
  /** The writer, or a function resolving it (e.g. connecting lazily on the first batch). */
  readonly writer: RowSink<Row> | (() => Promise<RowSink<Row>>);
  /**
   * One record → its row, or a reject for a record that can never be stored. Bad data must come
   * back as a reject; a throw fails the whole batch transiently (a bug, not the data).
   */
  readonly toRow: (record: StageRecord, storedAt: Date) => RowToStore<Row> | RejectOutcome;
  /** Clock of the batch's `storedAt`. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Builds a store stage.
 *
 * @example
 * const stage = rowStoreStage<EventRow>({
 *   name: 'store', rejectTopic: 'events.rejected', writer: repository,
 *   toRow: (record, storedAt) => { const e = read(record); return e.ok ? { kind: 'row', id: e.id, row: rowOf(e, storedAt) } : reject(e.reason, e.message); },
 * });
 */
export function rowStoreStage<Row>(options: RowStoreStageOptions<Row>): Stage {
  const now = options.now ?? (() => new Date());
  return {
    name: options.name,
    ...(options.rejectTopic !== undefined ? { rejectTopic: options.rejectTopic } : {}),
    async processBatch(records: readonly StageRecord[]): Promise<RecordResult[]> {
      const results = new Array<RecordResult>(records.length);
      const storedAt = now();
      const writes = new Map<string, { row: Row; done: DoneOutcome; indexes: number[] }>();
      records.forEach((record, index) => {
        const read = options.toRow(record, storedAt);
        if (read.kind === 'reject') {
          results[index] = read;
          return;
        }
        const existing = writes.get(read.id);
        if (existing) existing.indexes.push(index);
        else {
          const done: DoneOutcome =
            read.eventTimeMs === undefined
              ? { kind: 'done' }
              : { kind: 'done', eventTimeMs: read.eventTimeMs };
          writes.set(read.id, { row: read.row, done, indexes: [index] });
        }
      });
      if (writes.size === 0) return results;

      const pending = [...writes.values()];
      let outcomes: readonly RowWriteResult[];
      try {
        const writer = typeof options.writer === 'function' ? await options.writer() : options.writer;
        outcomes = await writer.upsertMany(pending.map((w) => w.row));
      } catch (error) {
        // Could not even start (no connection at cold start…): every write of the batch failed.
        outcomes = pending.map(() => ({ ok: false, error }));
      }
      pending.forEach((write, i) => {
        const outcome = outcomes[i];
        const result: RecordResult = outcome?.ok
          ? write.done
          : {
              kind: 'failed',
              error: storageFailure(outcome && !outcome.ok ? outcome.error : new Error('no write result')),
            };
        for (const index of write.indexes) results[index] = result;
      });
      return results;
    },
  };
}
