/**
 * End offsets of a topic before and after a run, and what the records written in between say:
 * the main job counts its rejects and dead letters this way, so records left by earlier runs
 * never enter its accounting.
 */
import type { Admin, Kafka } from 'kafkajs';
import { decodeDeadLetters } from '../../shared/replay/decode.ts';
import { type DeadLetterStats, DeadLetterTally } from '../../shared/replay/inspect.ts';
import { readRanges } from '../../shared/replay/range-reader.ts';

/** End offset per partition. */
export type EndOffsets = ReadonlyMap<number, number>;

/** The end offsets of `topic` now. */
export async function endOffsets(admin: Admin, topic: string): Promise<EndOffsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Records written to the topic between two snapshots. */
export function recordsBetween(before: EndOffsets, after: EndOffsets): number {
  let total = 0;
  for (const [partition, end] of after) total += end - (before.get(partition) ?? 0);
  return total;
}

/**
 * Tallies (by reason, stage, country …) the dead letters written between two snapshots.
 * @example const stats = await tallyBetween(kafka, 'cdr.rejected', before, after);
 */
export async function tallyBetween(
  kafka: Kafka,
  topic: string,
  before: EndOffsets,
  after: EndOffsets,
  samples = 2,
): Promise<DeadLetterStats> {
  const tally = new DeadLetterTally(samples);
  await readRanges({
    kafka,
    topic,
    cursors: [...after].map(([partition, end]) => ({ partition, next: before.get(partition) ?? 0, end })),
    onRecords: async (_partition, records) => {
      for (const r of records) tally.addRecord(r.timestamp, decodeDeadLetters(r));
      return 'continue';
    },
  });
  return tally.stats();
}
