/**
 * One event poller of a Kafka event source mapping: a consumer in the mapping's consumer group that
 * fetches records, cuts batches, invokes the function, and commits offsets once a batch is done.
 *
 * - Consumer group and starting position: the group is the mapping's `ConsumerGroupId`; when the
 *   group has committed offsets, "Lambda ignores the StartingPosition … Instead, Lambda begins
 *   processing records according to the committed offset of the consumer group"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html); otherwise
 *   TRIM_HORIZON reads from the oldest record and LATEST "just after the most recent record"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/kafka-starting-positions.html).
 * - Batching: the function is invoked when the batching window (counted from the first buffered
 *   record) expires, the batch size is met, or the payload reaches 6 MB
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching).
 * - Commits: "After Lambda processes each batch, it commits the offsets of the messages in that
 *   batch" (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html): the poller
 *   commits, per partition, the offset after the last done record, or the first record still
 *   pending when the mapping stops mid-batch — the record Lambda resumes from. Offsets are never
 *   committed before the batch is processed or its exhausted records are on the on-failure topic.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { topicPartitionKey } from '../../shared/kafka/msk-event.ts';
import {
  type EventSourceMappingSettings,
  effectiveMaximumRetryAttempts,
} from '../../shared/pipeline/esm-settings.ts';
import { applyBatchEvent, type BatchEvent, type ExhaustedRecord, processBatch } from './batch-processor.ts';
import { type FetchedRecord, toFetchedRecord } from './fetched-record.ts';
import { type EventSourceInfo, invokeHandler } from './invoke.ts';
import { envelopeBytes, MAX_INVOCATION_PAYLOAD_BYTES } from './payload-size.ts';
import { RecordBuffer } from './record-buffer.ts';
import type { KafkaEventHandler, MappingCounters } from './types.ts';

/** Most bytes one fetch returns (across partitions), and per partition. */
const FETCH_MAX_BYTES = 2 * 1024 * 1024;
const FETCH_MAX_BYTES_PER_PARTITION = 512 * 1024;
/**
 * A fetch is answered once this many bytes are there, or after {@link FETCH_MAX_WAIT_MS}. At low
 * rates a fetch answered at its first record carries a handful of records (7 per invocation on
 * average in a stage fed by ten topics at 1,000 records/s), each fetch and each tiny invocation with
 * its produce costing the same fixed CPU. Waiting up to 100 ms per fetch gathers what arrives
 * meanwhile, a bounded delay per hop; at full speed fetches fill at once. Measured back to back at
 * 1,000 records/s (20,000 records): 1,280 → 1,138 µs of CPU per record over all processes, stage workers
 * 14.3 → 13.1 s, P50 7.1 → 5.7 s.
 */
const FETCH_MIN_BYTES = 256 * 1024;
const FETCH_MAX_WAIT_MS = 100;

/**
 * Group session of the emulated pollers (the emulator's choice: in AWS the real event source
 * mapping runs its own consumers). A SIGKILLed stage worker leaves no LeaveGroup: its partitions
 * stay with the dead member until the coordinator expires its session, and with kafkajs' default of
 * 30 s the replacement idled that long (the `worker-kill` fault run). 10 s (the Java client's
 * default until Kafka 3.0) with a heartbeat every 3 s allows three missed heartbeats; the fetch
 * loop only buffers (invocations run beside it, see {@link Poller}) and heartbeats while it waits
 * for space, so a slow function never holds a heartbeat back.
 */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 3_000;

/** How long `start()` waits for the first group assignment before returning anyway. */
const JOIN_TIMEOUT_MS = 30_000;

/** What a poller needs. */
export interface PollerDeps {
  readonly kafka: Kafka;
  readonly config: EventSourceMappingSettings;
  readonly handler: KafkaEventHandler;
  readonly source: EventSourceInfo;
  readonly counters: MappingCounters;
  readonly sendToOnFailure: (records: readonly ExhaustedRecord[]) => Promise<void>;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly functionTimeoutMs: number;
  /** Batches in flight at once (each of other partitions than the others). */
  readonly invocationsPerPoller: number;
  /** Reports errors the poller survives (commit refused during a rebalance …). */
  readonly onError: (error: unknown) => void;
}

/**
 * One consumer of a mapping's group.
 * @example const poller = new Poller(deps); await poller.start(); … await poller.stop();
 */
export class Poller {
  private readonly consumer: Consumer;
  private readonly buffer = new RecordBuffer();
  /** Per partition: offset after the last done record (what to commit). */
  private readonly done = new Map<number, number>();
  /** Per partition: the offset the broker acknowledged last (from kafkajs' COMMIT_OFFSETS event). */
  private readonly committed = new Map<number, number>();
  /** Per partition: incremented each time the partition is (re)assigned to this consumer. */
  private readonly ownership = new Map<number, number>();
  private assigned = new Set<string>();
  private stopping = false;
  private killed = false;
  private loop: Promise<void> | undefined;
  private spaceWaiters: Array<() => void> = [];
  private commitRunning: Promise<void> | undefined;
  private commitAgain = false;

  constructor(private readonly deps: PollerDeps) {
    this.consumer = deps.kafka.consumer({
      groupId: deps.config.consumerGroupId,
      allowAutoTopicCreation: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      // The batching window is applied here; the fetch only gathers what arrives within a short wait.
      minBytes: FETCH_MIN_BYTES,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      // Small fetches keep the buffered backlog (and the worker's memory) bounded: a 10 MB fetch
      // (kafkajs' default) of snappy records is tens of thousands of records held at once.
      maxBytes: FETCH_MAX_BYTES,
      maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[deps.config.topic] ?? [];
      const previous = this.assigned;
      this.assigned = new Set(partitions.map((p) => topicPartitionKey(deps.config.topic, p)));
      // A partition that is (re)assigned starts a new ownership: offsets done under an earlier one are
      // stale (another consumer may have committed further meanwhile) and must never be committed.
      for (const p of partitions) {
        if (!previous.has(topicPartitionKey(deps.config.topic, p))) {
          this.ownership.set(p, (this.ownership.get(p) ?? 0) + 1);
          this.done.delete(p);
          this.committed.delete(p);
        }
      }
      // Records of partitions taken away are forgotten: the new owner (or a later fetch) reads them again.
      const dropped = this.buffer.retainOnly(this.assigned);
      this.deps.counters.recordsPending -= dropped;
      this.deps.counters.recordsIn -= dropped;
      this.joined();
    });
    // What the broker acknowledged, not what `commitOffsets` resolved: kafkajs resolves it without
    // committing anything while its runner is not running (between a crash on a broker failover
    // and the restart; runner.js `commitOffsets`: "consumer not running, exiting"). Counting those
    // offsets as committed left them uncommitted for good once the partition went quiet: lag that
    // never reached 0, a stalled run (the broker-kill fault run).
    this.consumer.on(this.consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      for (const { topic, partitions } of payload.topics) {
        if (topic !== deps.config.topic) continue;
        for (const { partition, offset } of partitions) {
          const at = Number(String(offset));
          if (at > (this.committed.get(partition) ?? -1)) this.committed.set(partition, at);
        }
      }
      this.deps.counters.commits++;
    });
    // A fetch the client cannot decode (e.g. a codec it lacks) crashes and restarts the consumer
    // over and over without a single record read: say so instead of polling silently.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      deps.onError(
        new Error(
          `poller of ${deps.config.topic} (${deps.config.consumerGroupId}): ${payload.error.message}`,
          {
            cause: payload.error,
          },
        ),
      );
    });
  }

  private joined: () => void = () => {};
  /** Resolves once the consumer has joined its group (first assignment received). */
  private readonly hasJoined = new Promise<void>((resolve) => {
    this.joined = resolve;
  });

  /** Joins the group and starts fetching and invoking. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: this.deps.config.topic,
      fromBeginning: this.deps.config.startingPosition === 'TRIM_HORIZON',
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onFetched(payload),
    });
    this.loop = this.invokeLoop().catch((error) => this.deps.onError(error));
    await Promise.race([this.hasJoined, new Promise((resolve) => setTimeout(resolve, JOIN_TIMEOUT_MS))]);
  }

  /** Finishes the in-flight batch (no new invocation, no new retry), commits, and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.buffer.wake();
    this.releaseSpace();
    await this.loop;
    await this.commitRunning;
    await this.commit();
    await this.consumer.disconnect();
  }

  /** Leaves the group at once without committing anything more (simulates a crash). */
  async kill(): Promise<void> {
    this.killed = true;
    this.stopping = true;
    this.buffer.wake();
    this.releaseSpace();
    await this.consumer.disconnect();
  }

  private async onFetched({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.messages.length === 0) return;
    const records = batch.messages.map((m) => toFetchedRecord(batch.topic, batch.partition, m));
    const added = this.buffer.push(records, Date.now());
    this.deps.counters.recordsIn += added;
    this.deps.counters.recordsPending += added;
    // Fetch position only: nothing is committed until the function is done with the records.
    resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    // Back-pressure: hold the fetch loop while the buffer has more than a few batches.
    const highWater = Math.max(4 * this.deps.config.batchSize, 4000);
    while (
      !this.stopping &&
      isRunning() &&
      !isStale() &&
      (this.buffer.count > highWater || this.buffer.bytes > 2 * MAX_INVOCATION_PAYLOAD_BYTES)
    ) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.spaceWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await heartbeat();
    }
  }

  private releaseSpace(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  private async invokeLoop(): Promise<void> {
    const { config } = this.deps;
    const windowMs = config.maximumBatchingWindowInSeconds * 1000;
    const envelope = envelopeBytes({ eventSource: 'aws:kafka', ...this.deps.source });
    const inFlight = new Set<Promise<void>>();
    /** Partitions with a batch in flight: no second batch of theirs starts before it is done. */
    const busy = new Set<string>();
    const somethingFinishes = () => Promise.race(inFlight);
    while (!this.stopping) {
      if (inFlight.size >= this.deps.invocationsPerPoller) {
        await somethingFinishes();
        continue;
      }
      if (this.buffer.count === 0) {
        await Promise.race([this.buffer.waitForPush(1000), ...inFlight]);
        if (this.buffer.count === 0) this.requestCommit();
        continue;
      }
      if (windowMs > 0) {
        while (
          !this.stopping &&
          this.buffer.count < config.batchSize &&
          this.buffer.bytes < MAX_INVOCATION_PAYLOAD_BYTES
        ) {
          const wait = (this.buffer.oldestArrival() ?? Date.now()) + windowMs - Date.now();
          if (wait <= 0) break;
          await this.buffer.waitForPush(wait);
        }
      } else {
        // Let the rest of the current fetch (other partitions) reach the buffer first.
        await nextTurn();
      }
      if (this.stopping) break;
      const batch = this.buffer.takeBatch(config.batchSize, MAX_INVOCATION_PAYLOAD_BYTES, envelope, busy);
      this.releaseSpace();
      if (batch.length === 0) {
        // Only partitions already in flight have records: wait for one of them (or new records).
        await Promise.race([this.buffer.waitForPush(1000), ...inFlight]);
        continue;
      }
      const keys = new Set(batch.map((r) => topicPartitionKey(r.topic, r.partition)));
      for (const key of keys) busy.add(key);
      const run: Promise<void> = this.runBatch(batch)
        .catch((error) => this.deps.onError(error))
        .finally(() => {
          for (const key of keys) busy.delete(key);
          inFlight.delete(run);
          this.buffer.wake();
        });
      inFlight.add(run);
    }
    await Promise.all(inFlight);
  }

  /** Drives one batch to completion, then records what can be committed. */
  private async runBatch(batch: FetchedRecord[]): Promise<void> {
    const { config } = this.deps;
    const owned = new Map(batch.map((r) => [r.partition, this.ownership.get(r.partition) ?? 0]));
    const result = await processBatch(batch, {
      maximumRetryAttempts: effectiveMaximumRetryAttempts(config),
      maximumRecordAgeInSeconds: config.maximumRecordAgeInSeconds,
      bisectBatchOnFunctionError: config.bisectBatchOnFunctionError,
      reportBatchItemFailures: config.functionResponseTypes.includes('ReportBatchItemFailures'),
      invoke: (records) =>
        invokeHandler(this.deps.handler, records, {
          functionName: config.functionName,
          timeoutMs: this.deps.functionTimeoutMs,
          source: this.deps.source,
        }),
      sendToOnFailure: (records) => this.deps.sendToOnFailure(records),
      backoff: (retry) =>
        sleep(
          Math.min(this.deps.retryBackoffMaxMs, this.deps.retryBackoffMs * 2 ** (retry - 1)),
          () => this.stopping,
        ),
      now: Date.now,
      isStopping: () => this.stopping,
      onEvent: (event) => this.count(event),
    });
    if (this.killed) return;
    this.deps.counters.recordsPending -= batch.length - result.pending.length;
    this.markDone(batch, result.pending, owned);
    this.requestCommit();
  }

  /**
   * Commits in the background so the next batch does not wait for the broker's round trip: one
   * commit at a time, the latest done offsets each time (offsets only ever move forward).
   */
  private requestCommit(): void {
    if (this.commitRunning) {
      this.commitAgain = true;
      return;
    }
    this.commitRunning = (async () => {
      do {
        this.commitAgain = false;
        await this.commit();
      } while (this.commitAgain && !this.killed);
    })().finally(() => {
      this.commitRunning = undefined;
    });
  }

  /** Per partition of the batch: the next offset to commit. */
  private markDone(
    batch: readonly { partition: number; offset: number }[],
    pending: readonly { partition: number; offset: number }[],
    owned: ReadonlyMap<number, number>,
  ) {
    const next = new Map<number, number>();
    for (const r of batch) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));
    for (const r of pending) next.set(r.partition, Math.min(next.get(r.partition)!, r.offset));
    for (const [partition, offset] of next) {
      // Taken away (and maybe given back) while the batch ran: the new owner decides what is committed.
      if (owned.get(partition) !== (this.ownership.get(partition) ?? 0)) continue;
      if (offset > (this.done.get(partition) ?? -1)) this.done.set(partition, offset);
    }
  }

  private async commit(): Promise<void> {
    if (this.killed) return;
    const { topic } = this.deps.config;
    const partitions = [...this.done]
      .filter(
        ([p, offset]) =>
          offset > (this.committed.get(p) ?? -1) && this.assigned.has(topicPartitionKey(topic, p)),
      )
      .map(([partition, offset]) => ({ topic, partition, offset: String(offset) }));
    if (partitions.length === 0) return;
    try {
      // `committed` moves on the COMMIT_OFFSETS event only: a commit kafkajs skipped is asked again
      // by the next one (the invoke loop asks every second while idle).
      await this.consumer.commitOffsets(partitions);
    } catch (error) {
      // Refused during a rebalance: the next commit (or the new owner) covers these offsets.
      this.deps.onError(error);
    }
  }

  private count(event: BatchEvent): void {
    applyBatchEvent(this.deps.counters, event);
  }
}

/** Sleeps `ms`, waking early (checked every 50 ms) once `stop()` is true. */
async function sleep(ms: number, stop: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stop() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, until - Date.now())));
  }
}
