/**
 * How a DynamoDB Streams mapping cuts batches from what it has read of a shard. "Before invoking
 * the function, Lambda continues to read records from the event source until it has gathered a
 * full batch, the batching window expires, or the batch reaches the payload limit of 6 MB"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, and the batching section of
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html):
 *
 * - `BatchSize` records at most, and an event of at most 6 MB (cut before the record that would
 *   exceed it; a single record larger than that still goes alone);
 * - window 0 (the streams default): "Lambda invokes your function as soon as records are
 *   available"; otherwise the batch waits for the window, counted from the first record waiting
 *   but not before the previous invocation of the shard completed ("If you configure a batching
 *   window, the next window begins as soon as the previous function invocation completes");
 * - a batch holds records of one shard only, in shard order; with `ParallelizationFactor` > 1 the
 *   shard's records are spread over that many lanes by item key ("Lambda still ensures in-order
 *   processing at the item (partition and sort key) level"), each with one batch in flight.
 */
import { createHash } from 'node:crypto';
import { MAX_INVOCATION_PAYLOAD_BYTES } from '../payload-size.ts';
import { eventBytes, type ShardRecord } from './event.ts';

/**
 * How many of `waiting` (oldest first) the next batch takes: at most `batchSize`, at most
 * `maxPayloadBytes` of event (at least one record).
 * @example batchLength(records, 100) // 100 when 250 records of 1 KB wait
 */
export function batchLength(
  waiting: readonly Pick<ShardRecord, 'jsonBytes'>[],
  batchSize: number,
  maxPayloadBytes: number = MAX_INVOCATION_PAYLOAD_BYTES,
): number {
  let bytes = eventBytes([]);
  let n = 0;
  while (n < waiting.length && n < batchSize) {
    const grown = bytes + waiting[n]!.jsonBytes + (n > 0 ? 1 : 0);
    if (n > 0 && grown > maxPayloadBytes) break;
    bytes = grown;
    n++;
  }
  return n;
}

/** What decides whether a lane's waiting records are invoked now. */
export interface BatchReadiness {
  /** Records waiting in the lane. */
  readonly waiting: number;
  /** Their bytes in an event. */
  readonly waitingBytes: number;
  /** When the oldest waiting record was read. */
  readonly oldestReadAt: number;
  /** When the lane's previous invocation completed (-Infinity: none yet). */
  readonly previousCompletedAt: number;
  /** The shard is closed and read to its end: nothing more will come. */
  readonly shardEnded: boolean;
}

/**
 * When the waiting records should be invoked (ms timestamp; `now` or earlier: at once;
 * `Infinity`: nothing waits).
 * @example batchDueAt({ waiting: 3, waitingBytes: 900, oldestReadAt: 1000, previousCompletedAt: -Infinity, shardEnded: false }, { batchSize: 100, windowMs: 0 }) // 1000
 */
export function batchDueAt(
  lane: BatchReadiness,
  settings: { readonly batchSize: number; readonly windowMs: number },
): number {
  if (lane.waiting === 0) return Number.POSITIVE_INFINITY;
  const windowStart = Math.max(lane.oldestReadAt, lane.previousCompletedAt);
  if (settings.windowMs === 0 || lane.shardEnded) return windowStart;
  if (lane.waiting >= settings.batchSize || lane.waitingBytes >= MAX_INVOCATION_PAYLOAD_BYTES) {
    return Number.NEGATIVE_INFINITY;
  }
  return windowStart + settings.windowMs;
}

/**
 * The lane (0 … factor-1) of an item: all records of one item key share a lane, so they stay in
 * order when batches of a shard run concurrently.
 * @example laneOf('{"id":{"S":"a"}}', 4) // always the same lane for item a
 */
export function laneOf(itemKey: string, parallelizationFactor: number): number {
  if (parallelizationFactor <= 1) return 0;
  return createHash('md5').update(itemKey).digest().readUInt32BE(0) % parallelizationFactor;
}
