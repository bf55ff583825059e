/**
 * Reads offset ranges `[next, end)` of a topic's partitions and stops exactly at each range's end.
 *
 * kafkajs has no `assign()`: a consumer always belongs to a group. This reader therefore uses a
 * transient group of its own (`REPLAY_READER_GROUP_PREFIX` + a UUID, one member, so it is assigned every
 * partition), never commits an offset (`autoCommit: false`; `seek` then only moves the fetch
 * position), positions each partition with `seek`, pauses a partition as soon as its range is
 * read, and deletes the group when done. It does register that group with the broker while it
 * runs; it never joins or disturbs a stage's consumer group.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { stageRecordOf } from '../kafka/kafkajs-record.ts';
import type { StageRecord } from '../kafka/types.ts';
import { REPLAY_READER_GROUP_PREFIX } from '../pipeline/replay.ts';

/** One partition's part of the range: read offsets `[next, end)`. */
export interface ReadCursor {
  readonly partition: number;
  /** Next offset to read. */
  readonly next: number;
  /** Exclusive end. */
  readonly end: number;
}

/** What the reader's caller answers after a block of records. */
export type ReadDecision = 'continue' | 'stop';

/** How a read ended. */
export interface ReadOutcome {
  /** Every range was read to its end. */
  readonly complete: boolean;
}

/** Options of {@link readRanges}. */
export interface ReadRangesOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly cursors: readonly ReadCursor[];
  /**
   * Called with consecutive records of one partition, in offset order, all inside the range.
   * Resolve `'stop'` to end the read early (time or record budget).
   */
  readonly onRecords: (
    partition: number,
    records: StageRecord[],
    heartbeat: () => Promise<void>,
  ) => Promise<ReadDecision>;
  /** Stops the read between two blocks. */
  readonly signal?: AbortSignal;
}

/**
 * Reads the given ranges and returns when each is read or the caller stops.
 *
 * @example
 * await readRanges({ kafka, topic: 'orders.dlq', cursors: [{ partition: 0, next: 10, end: 20 }],
 *   onRecords: async (p, records) => { handle(records); return 'continue'; } })
 */
export async function readRanges(options: ReadRangesOptions): Promise<ReadOutcome> {
  const { kafka, topic, onRecords, signal } = options;
  const pending = new Map<number, { next: number; end: number }>();
  for (const c of options.cursors) if (c.next < c.end) pending.set(c.partition, { next: c.next, end: c.end });
  if (pending.size === 0) return { complete: true };
  if (signal?.aborted) return { complete: false };

  const groupId = `${REPLAY_READER_GROUP_PREFIX}${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  const admin = kafka.admin();
  let finish: (outcome: ReadOutcome) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<ReadOutcome>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let over = false;
  const end = (outcome: ReadOutcome | Error) => {
    if (over) return;
    over = true;
    if (outcome instanceof Error) fail(outcome);
    else finish(outcome);
  };
  const onAbort = () => end({ complete: false });
  signal?.addEventListener('abort', onAbort, { once: true });

  const eachBatch = async ({ batch, heartbeat, resolveOffset }: EachBatchPayload) => {
    if (over) return;
    const cursor = pending.get(batch.partition);
    if (!cursor) return;
    // A fetch started before the seek can still deliver earlier offsets: keep only the range.
    const records = batch.messages
      .filter((m) => Number(m.offset) >= cursor.next && Number(m.offset) < cursor.end)
      .map((m) => stageRecordOf(topic, batch.partition, m));
    try {
      const decision = records.length > 0 ? await onRecords(batch.partition, records, heartbeat) : 'continue';
      if (records.length > 0) cursor.next = Number(records[records.length - 1]?.offset) + 1;
      // Moves the fetch position past this batch (nothing is committed: autoCommit is off).
      resolveOffset(batch.lastOffset());
      // Offsets past the range in this batch prove nothing before `end` is left (compaction gaps).
      if (batch.messages.some((m) => Number(m.offset) >= cursor.end)) cursor.next = cursor.end;
      if (cursor.next >= cursor.end) markDone(consumer, topic, pending, batch.partition);
      if (decision === 'stop' || signal?.aborted) end({ complete: false });
      else if (pending.size === 0) end({ complete: true });
    } catch (error) {
      end(error instanceof Error ? error : new Error(String(error)));
    }
  };

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) end(payload.error);
  });
  try {
    await consumer.connect();
    await admin.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch,
    });
    consumer.pause([{ topic }]);
    for (const [partition, cursor] of pending)
      consumer.seek({ topic, partition, offset: String(cursor.next) });
    consumer.resume([{ topic, partitions: [...pending.keys()] }]);
    return await finished;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => {});
    // The group never committed anything; delete it so it does not linger in `kafka-consumer-groups`.
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

function markDone(consumer: Consumer, topic: string, pending: Map<number, unknown>, partition: number): void {
  pending.delete(partition);
  consumer.pause([{ topic, partitions: [partition] }]);
}
