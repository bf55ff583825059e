/**
 * After a crash between publish and checkpoint, finds which records of the unfinished batch did
 * reach their target topics, by their deterministic `orion.replay.id` header.
 */
import type { Admin, Kafka } from 'kafkajs';
import { headerText } from '../kafka/headers.ts';
import { REPLAY_HEADER } from './constants.ts';
import { readRanges } from './range-reader.ts';

/**
 * The replay ids among `wanted` that appear on `topics` in records written at or after `since`
 * (epoch ms, broker or producer time), up to each partition's current end.
 *
 * @example await findPublishedReplayIds(kafka, admin, ['orders'], pendingAt - 30_000, new Set(ids))
 */
export async function findPublishedReplayIds(
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
  since: number,
  wanted: ReadonlySet<string>,
): Promise<Set<string>> {
  const found = new Set<string>();
  if (wanted.size === 0) return found;
  for (const topic of topics) {
    const [from, high] = await Promise.all([
      admin.fetchTopicOffsetsByTimestamp(topic, since),
      admin.fetchTopicOffsets(topic),
    ]);
    const startOf = new Map(from.map((o) => [o.partition, Number(o.offset)]));
    const cursors = high.map((h) => ({
      partition: h.partition,
      next: startOf.get(h.partition) ?? Number(h.high),
      end: Number(h.high),
    }));
    await readRanges({
      kafka,
      topic,
      cursors,
      onRecords: async (_partition, records) => {
        for (const r of records) {
          const id = headerText(r.headers, REPLAY_HEADER.id);
          if (id !== undefined && wanted.has(id)) found.add(id);
        }
        return found.size === wanted.size ? 'stop' : 'continue';
      },
    });
    if (found.size === wanted.size) break;
  }
  return found;
}
