/** Reads what a topic holds now (all of it, its first or its last records) without a committing group. */
import type { Admin, Kafka } from 'kafkajs';
import type { StageRecord } from '../kafka/types.ts';
import { type ReadCursor, readRanges } from './range-reader.ts';

/** Options of {@link scanTopic}. */
export interface ScanOptions {
  /** Only these partitions (default all). */
  readonly partitions?: readonly number[];
  /** With `tail`, read only the last `tail` records of each partition. */
  readonly tail?: number;
  /** Stop once this many records were delivered. */
  readonly limit?: number;
}

/**
 * Delivers the records between each partition's current low and high watermark (fixed when the
 * scan starts) to `onRecords`, partition block by partition block.
 *
 * @example await scanTopic(kafka, admin, 'orders.dlq', {}, (records) => tally(records))
 */
export async function scanTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  options: ScanOptions,
  onRecords: (records: StageRecord[]) => void,
): Promise<{ partitions: number; records: number }> {
  const watermarks = await admin.fetchTopicOffsets(topic);
  const cursors: ReadCursor[] = watermarks
    .filter((w) => !options.partitions || options.partitions.includes(w.partition))
    .map((w) => {
      const low = Number(w.low);
      const high = Number(w.high);
      return {
        partition: w.partition,
        next: options.tail ? Math.max(low, high - options.tail) : low,
        end: high,
      };
    });
  let delivered = 0;
  await readRanges({
    kafka,
    topic,
    cursors,
    onRecords: async (_partition, records) => {
      const take = options.limit === undefined ? records : records.slice(0, options.limit - delivered);
      delivered += take.length;
      onRecords(take);
      return options.limit !== undefined && delivered >= options.limit ? 'stop' : 'continue';
    },
  });
  return { partitions: cursors.length, records: delivered };
}
