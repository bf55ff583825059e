/**
 * The mapping's work on one shard: read it in order, cut batches ({@link batchDueAt},
 * {@link batchLength}), drive each batch to completion with the ESM's batch processor
 * (`processBatch`: retries, bisect, record age, on-failure) under the DynamoDB Streams rules, and
 * move the shard's checkpoint as records are done.
 *
 * Error handling, from "Retain discarded records for a DynamoDB event source in Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html):
 * - "If the function receives the records but returns an error, Lambda retries until the records
 *   in the batch expire, exceed the maximum age, or reach the configured retry quota": the whole
 *   batch is invoked again, and nothing later of the shard (its lane) runs meanwhile;
 * - "you can also configure BisectBatchOnFunctionError, to split a failed batch into two smaller
 *   batches … Splitting a batch does not consume the retry quota": each half is retried on its
 *   own, the first one first;
 * - "If the error handling measures fail, Lambda discards the records and continues processing
 *   batches from the stream": discarded records go to the on-failure destination and the
 *   checkpoint moves past them;
 * - partial batch responses (`batch-response.ts`): the records before the lowest reported
 *   sequence number are done, that record and the rest of the batch are retried. With both
 *   `BisectBatchOnFunctionError` and `ReportBatchItemFailures`, "the batch is bisected at the
 *   returned sequence number and Lambda retries only the remaining records"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html), which
 *   is the same thing. Such a retry counts towards `MaximumRetryAttempts` (only splits on a
 *   function error are documented as free).
 */

import {
  applyBatchEvent,
  type ExhaustedRecord,
  type InvocationOutcome,
  processBatch,
} from '../batch-processor.ts';
import { streamBatchVerdict } from './batch-response.ts';
import { batchDueAt, batchLength, laneOf } from './batching.ts';
import { type ShardRecord, toShardRecord } from './event.ts';
import type { DynamoDbStreamMappingSettings } from './settings.ts';
import { effectiveStreamRecordAgeSeconds, effectiveStreamRetryAttempts } from './settings.ts';
import type { ShardProgress } from './shard-progress.ts';
import type { ShardReader } from './stream-reader.ts';
import type { StreamMappingCounters } from './types.ts';

/** What a shard consumer needs. */
export interface ShardConsumerDeps {
  readonly streamArn: string;
  readonly reader: Pick<ShardReader, 'shardId' | 'read' | 'ended'>;
  readonly settings: DynamoDbStreamMappingSettings;
  readonly progress: ShardProgress;
  readonly counters: StreamMappingCounters;
  invoke(records: readonly ShardRecord[]): Promise<InvocationOutcome>;
  sendToOnFailure(records: readonly ExhaustedRecord<ShardRecord>[]): Promise<void>;
  /** The shard's checkpoint moved to `sequenceNumber`. */
  onCheckpoint(sequenceNumber: string): void;
  readonly pollIntervalMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  isStopping(): boolean;
  onError(error: unknown): void;
  now(): number;
}

interface Waiting {
  readonly record: ShardRecord;
  readonly readAt: number;
}

interface Lane {
  readonly waiting: Waiting[];
  waitingBytes: number;
  busy: boolean;
  previousCompletedAt: number;
}

/** Delay after a failed read before the next one. */
const READ_ERROR_BACKOFF_MS = 1000;

/**
 * Reads and processes one shard until it ends (closed and every record done) or the mapping stops.
 * @example const ended = await new ShardConsumer(deps).run();
 */
export class ShardConsumer {
  private readonly lanes: Lane[];
  private waitingTotal = 0;
  private inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  /** Reads started so far (read numbers, for caught-up detection). */
  readsStarted = 0;
  /** Number of the last read that found nothing new (0: none yet). */
  private lastEmptyRead = 0;
  finished = false;

  constructor(private readonly deps: ShardConsumerDeps) {
    this.lanes = Array.from({ length: deps.settings.parallelizationFactor }, () => ({
      waiting: [],
      waitingBytes: 0,
      busy: false,
      previousCompletedAt: Number.NEGATIVE_INFINITY,
    }));
  }

  /**
   * Nothing read is waiting or in flight, and a read started after read number `read` (a
   * {@link readsStarted} value taken earlier) found nothing new.
   */
  caughtUpAfter(read: number): boolean {
    if (this.finished) return true;
    return this.waitingTotal === 0 && this.inFlight.size === 0 && this.lastEmptyRead > read;
  }

  /** Interrupts the current wait (stop, new work). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Runs until the shard ends (true) or the mapping stops (false). */
  async run(): Promise<boolean> {
    const { deps } = this;
    const { batchSize } = deps.settings;
    const windowMs = deps.settings.maximumBatchingWindowInSeconds * 1000;
    // Records read ahead of the function: a few batches per lane, at least one read.
    const highWater = Math.max(2 * batchSize * this.lanes.length, 1000);
    let nextReadAt = deps.now();
    while (!deps.isStopping()) {
      if (!deps.reader.ended && deps.now() >= nextReadAt && this.waitingTotal < highWater) {
        nextReadAt = await this.readOnce();
        if (deps.isStopping()) break;
      }
      const now = deps.now();
      let nextDue = Number.POSITIVE_INFINITY;
      for (const lane of this.lanes) {
        if (lane.busy || lane.waiting.length === 0) continue;
        const due = batchDueAt(
          {
            waiting: lane.waiting.length,
            waitingBytes: lane.waitingBytes,
            oldestReadAt: lane.waiting[0]!.readAt,
            previousCompletedAt: lane.previousCompletedAt,
            shardEnded: deps.reader.ended,
          },
          { batchSize, windowMs },
        );
        if (due <= now) this.dispatch(lane);
        else nextDue = Math.min(nextDue, due);
      }
      if (deps.reader.ended && this.waitingTotal === 0 && this.inFlight.size === 0) {
        this.finished = true;
        return true;
      }
      const readDue =
        deps.reader.ended || this.waitingTotal >= highWater ? Number.POSITIVE_INFINITY : nextReadAt;
      await this.waitUntil(Math.min(readDue, nextDue));
    }
    await Promise.all(this.inFlight);
    return false;
  }

  /** One `GetRecords`; returns when the next read is due. */
  private async readOnce(): Promise<number> {
    const { deps } = this;
    const readNumber = ++this.readsStarted;
    let sdkRecords: Awaited<ReturnType<ShardReader['read']>>;
    try {
      sdkRecords = await deps.reader.read();
    } catch (error) {
      deps.onError(error);
      return deps.now() + READ_ERROR_BACKOFF_MS;
    }
    const readAt = deps.now();
    if (sdkRecords.length === 0) {
      this.lastEmptyRead = readNumber;
      return readAt + deps.pollIntervalMs;
    }
    const records = sdkRecords.map((r) =>
      toShardRecord(r, { streamArn: deps.streamArn, shardId: deps.reader.shardId, readAt }),
    );
    deps.progress.track(records.map((r) => r.id));
    deps.counters.recordsIn += records.length;
    deps.counters.recordsPending += records.length;
    for (const record of records) {
      const lane = this.lanes[laneOf(record.itemKey, this.lanes.length)]!;
      lane.waiting.push({ record, readAt });
      lane.waitingBytes += record.jsonBytes;
    }
    this.waitingTotal += records.length;
    // Records are flowing: read again at once (the base rate applies when a shard is idle).
    return readAt;
  }

  private dispatch(lane: Lane): void {
    const n = batchLength(
      lane.waiting.map((w) => w.record),
      this.deps.settings.batchSize,
    );
    const batch = lane.waiting.splice(0, n).map((w) => w.record);
    for (const r of batch) lane.waitingBytes -= r.jsonBytes;
    this.waitingTotal -= batch.length;
    lane.busy = true;
    const run: Promise<void> = this.runBatch(batch)
      .catch((error) => this.deps.onError(error))
      .finally(() => {
        lane.busy = false;
        lane.previousCompletedAt = this.deps.now();
        this.inFlight.delete(run);
        this.wake();
      });
    this.inFlight.add(run);
  }

  private async runBatch(batch: readonly ShardRecord[]): Promise<void> {
    const { deps } = this;
    const { settings } = deps;
    const reportBatchItemFailures = settings.functionResponseTypes.includes('ReportBatchItemFailures');
    await processBatch<ShardRecord>(batch, {
      maximumRetryAttempts: effectiveStreamRetryAttempts(settings),
      maximumRecordAgeInSeconds: effectiveStreamRecordAgeSeconds(settings),
      bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
      reportBatchItemFailures,
      readResponse: (response, invoked) => streamBatchVerdict(response, invoked, reportBatchItemFailures),
      invoke: (records) => deps.invoke(records),
      sendToOnFailure: (records) => deps.sendToOnFailure(records),
      onSettled: (records) => {
        deps.counters.recordsPending -= records.length;
        if (deps.progress.settle(records.map((r) => r.id)) && deps.progress.checkpoint !== undefined) {
          deps.onCheckpoint(deps.progress.checkpoint);
        }
      },
      backoff: (retry) =>
        this.sleepUnlessStopping(Math.min(deps.retryBackoffMaxMs, deps.retryBackoffMs * 2 ** (retry - 1))),
      now: deps.now,
      isStopping: () => deps.isStopping(),
      onEvent: (event) => applyBatchEvent(deps.counters, event),
    });
  }

  private waitUntil(at: number): Promise<void> {
    const ms = Math.max(0, Math.min(at - this.deps.now(), 1000));
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Sleeps `ms`, waking early (checked every 50 ms) once the mapping stops. */
  private async sleepUnlessStopping(ms: number): Promise<void> {
    const until = this.deps.now() + ms;
    while (!this.deps.isStopping() && this.deps.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, until - this.deps.now())));
    }
  }
}
