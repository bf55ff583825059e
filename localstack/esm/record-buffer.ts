/**
 * The records a poller has fetched and not yet handed to the function, per topic-partition, and
 * how the next batch is cut from them: up to `BatchSize` records, and never more than the 6 MB
 * payload (the batch is cut before the record that would exceed it; a single record larger than
 * the limit still goes alone). "A single Lambda payload can contain messages from multiple
 * partitions" (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html); partitions
 * take turns at the head of the batch so that none starves.
 */
import { topicPartitionKey } from '../../shared/kafka/msk-event.ts';
import type { FetchedRecord } from './fetched-record.ts';
import { PayloadSize } from './payload-size.ts';

interface Entry {
  readonly record: FetchedRecord;
  readonly arrivedAt: number;
}

/**
 * Buffer of fetched records, per partition, in offset order.
 * @example const buffer = new RecordBuffer(); buffer.push(records, Date.now()); buffer.takeBatch(500, 6 << 20, 200);
 */
export class RecordBuffer {
  private readonly queues = new Map<string, Entry[]>();
  /** Per partition: the offset after the last record accepted (re-fetched records below it are dropped). */
  private readonly fetchedUpTo = new Map<string, number>();
  private rotation = 0;
  private waiters: Array<() => void> = [];
  count = 0;
  bytes = 0;

  /** Adds fetched records (one partition, offset order); returns how many were new. */
  push(records: readonly FetchedRecord[], now: number): number {
    let added = 0;
    for (const record of records) {
      const key = topicPartitionKey(record.topic, record.partition);
      const upTo = this.fetchedUpTo.get(key);
      if (upTo !== undefined && record.offset < upTo) continue;
      let queue = this.queues.get(key);
      if (!queue) {
        queue = [];
        this.queues.set(key, queue);
      }
      queue.push({ record, arrivedAt: now });
      this.fetchedUpTo.set(key, record.offset + 1);
      this.count++;
      this.bytes += record.jsonBytes;
      added++;
    }
    if (added > 0) this.wake();
    return added;
  }

  /**
   * Forgets the partitions not in `assigned` (after a rebalance took them away) and returns how many
   * records were dropped; a partition that comes back is fetched again from its committed offset.
   */
  retainOnly(assigned: ReadonlySet<string>): number {
    let dropped = 0;
    for (const key of [...this.fetchedUpTo.keys()]) {
      if (assigned.has(key)) continue;
      for (const { record } of this.queues.get(key) ?? []) {
        dropped++;
        this.bytes -= record.jsonBytes;
      }
      this.queues.delete(key);
      this.fetchedUpTo.delete(key);
    }
    this.count -= dropped;
    return dropped;
  }

  /** Arrival time of the record that has waited longest, or `undefined` when empty. */
  oldestArrival(): number | undefined {
    let oldest: number | undefined;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (head && (oldest === undefined || head.arrivedAt < oldest)) oldest = head.arrivedAt;
    }
    return oldest;
  }

  /**
   * Cuts the next batch: at most `batchSize` records and `maxPayloadBytes` of event, from partitions
   * not in `exclude` (those with a batch in flight).
   */
  takeBatch(
    batchSize: number,
    maxPayloadBytes: number,
    envelopeBytes: number,
    exclude: ReadonlySet<string> = new Set(),
  ): FetchedRecord[] {
    const keys = [...this.queues.keys()].filter(
      (k) => (this.queues.get(k)?.length ?? 0) > 0 && !exclude.has(k),
    );
    if (keys.length === 0) return [];
    const start = this.rotation++ % keys.length;
    const ordered = [...keys.slice(start), ...keys.slice(0, start)];
    const size = new PayloadSize(envelopeBytes);
    const batch: FetchedRecord[] = [];
    outer: for (const key of ordered) {
      const queue = this.queues.get(key)!;
      let taken = 0;
      while (taken < queue.length && batch.length < batchSize) {
        const record = queue[taken]!.record;
        if (batch.length > 0 && size.bytes + size.growthWith(record) > maxPayloadBytes) {
          queue.splice(0, taken);
          break outer;
        }
        size.add(record);
        batch.push(record);
        taken++;
      }
      queue.splice(0, taken);
      if (batch.length >= batchSize) break;
    }
    for (const record of batch) this.bytes -= record.jsonBytes;
    this.count -= batch.length;
    return batch;
  }

  /** Resolves at the next push, or after `timeoutMs`. */
  waitForPush(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Wakes everything waiting for a push (also used to interrupt waits when stopping). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
