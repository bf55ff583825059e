/**
 * Resolves a request's range to concrete offsets `[start, end)` per partition, with the admin
 * API only (no consumer group). The end is fixed when the job is created, so records that reach
 * the dead-letter topic while the job runs belong to a later job.
 */
import type { Admin } from 'kafkajs';
import { ReplayError } from './errors.ts';
import type { ReplayRequest } from './request.ts';

/** Offsets `[start, end)` of one partition. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/**
 * Resolves `range` against the topic's current low/high watermarks: time bounds through
 * `ListOffsets` by timestamp (first offset whose timestamp ≥ the bound), explicit offsets clamped
 * to what the log still holds. Every partition of the topic gets an entry (empty when `start = end`),
 * except with explicit offsets, where only the listed partitions do.
 *
 * @example await resolvePartitionRanges(admin, 'orders.dlq', { kind: 'time', from: Date.parse('2026-03-12T08:00Z') })
 */
export async function resolvePartitionRanges(
  admin: Admin,
  topic: string,
  range: ReplayRequest['range'],
  now: number = Date.now(),
): Promise<PartitionRange[]> {
  const watermarks = await fetchWatermarks(admin, topic);
  const low = new Map(watermarks.map((w) => [w.partition, Number(w.low)]));
  const high = new Map(watermarks.map((w) => [w.partition, Number(w.high)]));
  const partitions = [...high.keys()].sort((a, b) => a - b);
  const clamp = (p: number, offset: number) => Math.min(Math.max(offset, low.get(p) ?? 0), high.get(p) ?? 0);

  switch (range.kind) {
    case 'all':
      return partitions.map((p) => ({ partition: p, start: low.get(p) ?? 0, end: high.get(p) ?? 0 }));
    case 'offsets':
      return range.partitions.map((r) => {
        if (!high.has(r.partition)) {
          throw new ReplayError('UNKNOWN_PARTITION', `Topic ${topic} has no partition ${r.partition}`);
        }
        const start = clamp(r.partition, r.start);
        const end = r.end === undefined ? (high.get(r.partition) ?? 0) : clamp(r.partition, r.end);
        return { partition: r.partition, start, end: Math.max(start, end) };
      });
    case 'time': {
      const from = await admin.fetchTopicOffsetsByTimestamp(topic, range.from);
      // `to` is exclusive: the first offset at or after `to` is the end. Absent: now.
      const to = await admin.fetchTopicOffsetsByTimestamp(topic, range.to ?? now);
      const startOf = new Map(from.map((o) => [o.partition, Number(o.offset)]));
      const endOf = new Map(to.map((o) => [o.partition, Number(o.offset)]));
      return partitions.map((p) => {
        const start = clamp(p, startOf.get(p) ?? 0);
        return { partition: p, start, end: Math.max(start, clamp(p, endOf.get(p) ?? 0)) };
      });
    }
  }
}

async function fetchWatermarks(admin: Admin, topic: string) {
  try {
    return await admin.fetchTopicOffsets(topic);
  } catch (error) {
    throw new ReplayError(
      'UNKNOWN_TOPIC',
      `Cannot read the offsets of topic ${topic}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
