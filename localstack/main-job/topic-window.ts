/**
 * End offsets of a set of topics before and after a run, and what the records written in between
 * say: the main job counts its rejects and dead letters this way, so records left by earlier runs
 * never enter its accounting.
 */
import type { Kafka } from 'kafkajs';
import { type TopicEndOffsets, topicEndOffsets } from '../../shared/kafka/topic-describe.ts';
import type { StageRecord } from '../../shared/kafka/types.ts';
import { decodeDeadLetters } from '../../shared/replay/decode.ts';
import { type DeadLetterStats, DeadLetterTally } from '../../shared/replay/inspect.ts';
import { readRanges } from '../../shared/replay/range-reader.ts';

/** End offset per partition, per topic. */
export type EndOffsets = TopicEndOffsets;

/**
 * The end offsets of `topics` now.
 * @example const before = await endOffsets(admin, pipeline.deadLetterTopics);
 */
export const endOffsets = topicEndOffsets;

/** Records written to the topics between two snapshots. */
export function recordsBetween(before: EndOffsets, after: EndOffsets): number {
  let total = 0;
  for (const [topic, partitions] of after) {
    const base = before.get(topic);
    for (const [partition, end] of partitions) total += end - (base?.get(partition) ?? 0);
  }
  return total;
}

/**
 * Tallies (by reason, stage, source topic …) the dead letters written to the topics between two
 * snapshots.
 * @example const stats = await tallyBetween(kafka, before, after);
 */
export async function tallyBetween(
  kafka: Kafka,
  before: EndOffsets,
  after: EndOffsets,
  samples = 2,
): Promise<DeadLetterStats> {
  const tally = new DeadLetterTally(samples);
  await forEachRecordBetween(kafka, before, after, (r) => tally.addRecord(r.timestamp, decodeDeadLetters(r)));
  return tally.stats();
}

/**
 * Calls `onRecord` for every record written to the topics between two snapshots, topic by topic,
 * each partition in offset order.
 * @example await forEachRecordBetween(kafka, before, after, (r) => ids.add(r.key?.toString()));
 */
export async function forEachRecordBetween(
  kafka: Kafka,
  before: EndOffsets,
  after: EndOffsets,
  onRecord: (record: StageRecord) => void,
): Promise<void> {
  for (const [topic, partitions] of after) {
    const base = before.get(topic);
    await readRanges({
      kafka,
      topic,
      cursors: [...partitions].map(([partition, end]) => ({
        partition,
        next: base?.get(partition) ?? 0,
        end,
      })),
      onRecords: async (_partition, records) => {
        for (const r of records) onRecord(r);
        return 'continue';
      },
    });
  }
}
