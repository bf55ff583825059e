/**
 * End offsets of a set of topics before and after a run, and what the records written in between
 * say: the main job counts its rejects and dead letters this way, so records left by earlier runs
 * never enter its accounting.
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeDeadLetters } from '../../shared/replay/decode.ts';
import { type DeadLetterStats, DeadLetterTally } from '../../shared/replay/inspect.ts';
import { readRanges } from '../../shared/replay/range-reader.ts';

/** End offset per partition, per topic. */
export type EndOffsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/**
 * The end offsets of `topics` now.
 * @example const before = await endOffsets(admin, pipeline.deadLetterTopics);
 */
export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<EndOffsets> {
  const entries = await Promise.all(
    topics.map(async (topic) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return [topic, new Map(offsets.map((o) => [o.partition, Number(o.high)]))] as const;
    }),
  );
  return new Map(entries);
}

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
        for (const r of records) tally.addRecord(r.timestamp, decodeDeadLetters(r));
        return 'continue';
      },
    });
  }
  return tally.stats();
}
