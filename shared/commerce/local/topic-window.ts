/**
 * A run's window on a set of topics: their end offsets when it opens, and the records written
 * between then and a later end. The commerce local run reads back `payments`, `orders`, the
 * alerts and the failures of the payment consumers this way, so that records of earlier runs
 * (and of other producers before the window) never enter its counts.
 */
import type { Kafka } from 'kafkajs';
import { type TopicEndOffsets, topicEndOffsets } from '../../kafka/topic-describe.ts';
import type { StageRecord } from '../../kafka/types.ts';
import { readRanges } from '../../replay/range-reader.ts';

/** End offset per partition, per topic. */
export type TopicOffsets = TopicEndOffsets;

/**
 * The end offsets of `topics` now.
 * @example const opened = await topicEnds(admin, ['payments', 'orders']);
 */
export const topicEnds = topicEndOffsets;

/**
 * Calls `onRecord` for every record of `topic` written between the `from` and `to` snapshots
 * (a partition missing from `from` is read from offset 0), partition by partition.
 * @example await readWindow(kafka, 'payments', opened, closed, (r) => ids.add(eventIdOf(r)));
 */
export async function readWindow(
  kafka: Kafka,
  topic: string,
  from: TopicOffsets,
  to: TopicOffsets,
  onRecord: (record: StageRecord) => void,
): Promise<void> {
  const start = from.get(topic);
  const cursors = [...(to.get(topic) ?? new Map<number, number>())].map(([partition, end]) => ({
    partition,
    next: start?.get(partition) ?? 0,
    end,
  }));
  await readRanges({
    kafka,
    topic,
    cursors,
    onRecords: async (_partition, records) => {
      for (const r of records) onRecord(r);
      return 'continue';
    },
  });
}
