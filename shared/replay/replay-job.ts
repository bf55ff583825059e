/**
 * The replay job: reads a range of a dead-letter topic, keeps the records that match the
 * request, and republishes their original key and bytes to where they came from, in batches,
 * checkpointing each batch — the same code in the `replay` Lambda and in `orion replay`.
 *
 * ## Guarantee
 *
 * For one job id, each dead letter in the range is republished **at most once per successful
 * batch and, after a crash, never again if its first publish reached the target topic**:
 * - the range is fixed when the job is created; progress (`next` offset per partition) only
 *   moves forward through conditional writes made by the invocation holding the job's lock, so
 *   invoking again — even concurrently — never re-reads a committed batch;
 * - a batch is announced (`pendingEnd`) before it is sent and committed after `sendBatch` is
 *   acknowledged by all in-sync replicas. If the invocation dies in between, the next invocation
 *   re-reads that one batch, looks for its deterministic replay ids on the target topics (records
 *   written since the batch was announced) and republishes only those it does not find.
 * This is exactly-once republishing provided the target topics still retain the records of the
 *   unfinished batch (hours of retention vs. a one-minute lease) and nothing else writes the job's
 *   replay ids. Downstream, a pipeline whose records have deterministic ids stays exactly once
 *   even if a record were replayed twice by two different jobs.
 *
 * A dry run reads and counts only: no produce, no DynamoDB write.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { BatchProducer } from '../kafka/producer.ts';
import type { StageRecord } from '../kafka/types.ts';
import type { CheckpointStore, PartitionCheckpoint } from './checkpoint-store.ts';
import { REPLAY_DEFAULTS } from './constants.ts';
import type { DeadLetter } from './dead-letter.ts';
import { type DeadLetterPipeline, decodeDeadLetters } from './decode.ts';
import { ReplayError } from './errors.ts';
import { matchesFilter } from './filter.ts';
import { exceedsLoopGuard } from './loop-guard.ts';
import { resolvePartitionRanges } from './partition-range.ts';
import { findPublishedReplayIds } from './published-scan.ts';
import { readRanges } from './range-reader.ts';
import { RateLimiter } from './rate-limiter.ts';
import { replayIdOf } from './replay-id.ts';
import { type ReplayMessage, toReplayMessage } from './republisher.ts';
import { type ReplayRequest, requestIdentity } from './request.ts';
import {
  addCounters,
  emptyCounters,
  type PartitionProgress,
  type ReplayCounters,
  type ReplaySummary,
  type StopReason,
} from './summary.ts';

/** Progress reported after each batch. */
export interface ReplayProgress {
  readonly partitions: readonly PartitionProgress[];
  readonly invocation: ReplayCounters;
}

/** What the job needs from its environment; clients are created once and passed in. */
export interface ReplayDeps {
  readonly kafka: Kafka;
  /** Connected admin client. */
  readonly admin: Admin;
  /** The shared batched producer (idempotent, `acks=all`, one `sendBatch` per call). */
  readonly producer: BatchProducer;
  readonly checkpoints: CheckpointStore;
  /**
   * The pipeline whose dead letters are replayed: names the stage of an on-failure record (which
   * carries only its source topic and function), so that a `stages` filter matches it.
   */
  readonly pipeline: DeadLetterPipeline;
  /** Remaining time of the invocation (Lambda `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs?: () => number;
  /** Stop before this much time is left (default {@link REPLAY_DEFAULTS.safetyMarginMs}). */
  readonly safetyMarginMs?: number;
  /** Stops the job between two batches. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Lock lease (default {@link REPLAY_DEFAULTS.leaseMs}). */
  readonly leaseMs?: number;
  /**
   * Reads this topic instead of `request.source` (tests use a private copy of the dead-letter
   * topic so that other tests' records do not change their counts).
   */
  readonly sourceTopicOverride?: string;
  /** Test hook, called after a batch is published and before it is checkpointed. */
  readonly afterPublish?: (messages: readonly ReplayMessage[]) => Promise<void>;
}

interface Cursor {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
  next: number;
}

/**
 * Runs (or resumes) a replay job until its range is done, its time or record budget runs out,
 * or it is aborted.
 *
 * @example
 * const summary = await runReplay(parseReplayRequest({ jobId: 'outage-0312', filter: { reasons: ['STORAGE_UNAVAILABLE'] } }), deps)
 * if (summary.partial) await runReplay(sameRequest, deps) // continues where it stopped
 */
export async function runReplay(request: ReplayRequest, deps: ReplayDeps): Promise<ReplaySummary> {
  const started = Date.now();
  const topic = deps.sourceTopicOverride ?? request.source;
  const leaseMs = deps.leaseMs ?? REPLAY_DEFAULTS.leaseMs;
  // A batch must be sent well within the lease, whatever the rate limit.
  const batchSize = Math.max(
    1,
    Math.min(request.batchSize, Math.floor((request.ratePerSecond * leaseMs) / 2000)),
  );
  const invocation = emptyCounters();
  const limiter = new RateLimiter(request.ratePerSecond);
  const owner = randomUUID();
  let stoppedBecause: StopReason | undefined;

  // 1. The job's cursors: from its checkpoints, or a new job over the resolved range.
  const state = await deps.checkpoints.load(request.jobId);
  if (state && state.job.identity !== requestIdentity(request)) {
    throw new ReplayError(
      'JOB_REQUEST_MISMATCH',
      `Replay job ${request.jobId} exists with a different range, filter, target or loop guard; use a new job id`,
    );
  }
  let checkpoints: PartitionCheckpoint[] | undefined = state?.partitions;
  if (!request.dryRun) {
    if (!state) {
      const ranges = await resolvePartitionRanges(deps.admin, topic, request.range);
      const created = await deps.checkpoints.create(
        request.jobId,
        requestIdentity(request),
        topic,
        ranges,
        owner,
        leaseMs,
      );
      if (!created) return runReplay(request, deps); // created concurrently: resume it like any existing job
      checkpoints = ranges.map((r) => ({ ...r, next: r.start, counters: emptyCounters() }));
    } else {
      await deps.checkpoints.acquire(request.jobId, owner, leaseMs);
    }
  }
  const positions: Cursor[] =
    checkpoints?.map((c) => ({ partition: c.partition, start: c.start, end: c.end, next: c.next })) ??
    (await resolvePartitionRanges(deps.admin, topic, request.range)).map((r) => ({ ...r, next: r.start }));
  const cursors = new Map<number, Cursor>(positions.map((c) => [c.partition, c]));
  const progress = (): PartitionProgress[] =>
    [...cursors.values()].map((c) => ({
      partition: c.partition,
      start: c.start,
      end: c.end,
      next: c.next,
      done: c.next >= c.end,
    }));

  const budgetLeft = (): StopReason | undefined => {
    if (deps.signal?.aborted) return 'aborted';
    if (
      deps.remainingTimeMs &&
      deps.remainingTimeMs() < (deps.safetyMarginMs ?? REPLAY_DEFAULTS.safetyMarginMs)
    )
      return 'deadline';
    if (request.maxRecords !== undefined && invocation.read >= request.maxRecords) return 'maxRecords';
    return undefined;
  };

  /** Classifies, publishes and checkpoints one batch of consecutive records of a partition. */
  const processBatch = async (cursor: Cursor, records: StageRecord[], recovery?: { since: number }) => {
    const counters = emptyCounters();
    counters.read = records.length;
    const toSend: ReplayMessage[] = [];
    for (const record of records) {
      for (const letter of decodeDeadLetters(record, deps.pipeline)) {
        const verdict = classify(letter, request);
        if (verdict !== 'replay') {
          counters.skipped[verdict] += 1;
          continue;
        }
        counters.matched += 1;
        const target = request.target ?? (letter.source?.topic as string);
        toSend.push(toReplayMessage(letter, target, replayIdOf(request.jobId, letter), request.jobId));
      }
    }
    // Offsets after a record the broker no longer has (compaction) are skipped with it.
    const newNext = (records[records.length - 1]?.offset ?? cursor.next - 1) + 1;
    let send = toSend;
    if (recovery && toSend.length > 0) {
      const targets = [...new Set(toSend.map((m) => m.topic))];
      const since = recovery.since - REPLAY_DEFAULTS.recoverySkewMs;
      const found = await findPublishedReplayIds(
        deps.kafka,
        deps.admin,
        targets,
        since,
        new Set(toSend.map((m) => m.replayId)),
      );
      send = toSend.filter((m) => !found.has(m.replayId));
      counters.skipped.alreadyDone += toSend.length - send.length;
    }
    counters.republished = send.length;
    if (!request.dryRun) {
      if (send.length > 0) {
        await limiter.take(send.length);
        if (!recovery)
          await deps.checkpoints.beginBatch(request.jobId, owner, cursor.partition, cursor.next, newNext);
        await deps.producer.send(send);
        await deps.afterPublish?.(send);
      }
      await deps.checkpoints.commitBatch(
        request.jobId,
        owner,
        cursor.partition,
        cursor.next,
        newNext,
        counters,
        leaseMs,
      );
    }
    cursor.next = newNext;
    addCounters(invocation, counters);
    deps.onProgress?.({ partitions: progress(), invocation });
  };

  let complete = false;
  try {
    // 2. A batch left unfinished by a crashed invocation is settled first.
    for (const cp of checkpoints ?? []) {
      if (request.dryRun || cp.pendingEnd === undefined) continue;
      const cursor = cursors.get(cp.partition) as Cursor;
      const since = cp.pendingAt ?? 0;
      const pendingRecords: StageRecord[] = [];
      await readRanges({
        kafka: deps.kafka,
        topic,
        cursors: [{ partition: cp.partition, next: cp.next, end: cp.pendingEnd }],
        onRecords: async (_p, recs) => {
          pendingRecords.push(...recs);
          return 'continue';
        },
      });
      await processBatch(cursor, pendingRecords, { since });
    }

    // 3. The rest of the range, batch by batch.
    stoppedBecause = budgetLeft();
    if (!stoppedBecause) {
      const outcome = await readRanges({
        kafka: deps.kafka,
        topic,
        cursors: [...cursors.values()].map((c) => ({ partition: c.partition, next: c.next, end: c.end })),
        signal: deps.signal,
        onRecords: async (partition, records, heartbeat) => {
          const cursor = cursors.get(partition) as Cursor;
          for (let i = 0; i < records.length; ) {
            stoppedBecause = budgetLeft();
            if (stoppedBecause) return 'stop';
            const room =
              request.maxRecords === undefined
                ? batchSize
                : Math.min(batchSize, request.maxRecords - invocation.read);
            const batch = records.slice(i, i + room);
            await processBatch(cursor, batch);
            await heartbeat();
            i += batch.length;
          }
          stoppedBecause = budgetLeft();
          return stoppedBecause ? 'stop' : 'continue';
        },
      });
      if (!outcome.complete && !stoppedBecause) stoppedBecause = 'aborted';
    }
    complete = [...cursors.values()].every((c) => c.next >= c.end);
  } finally {
    if (!request.dryRun) await deps.checkpoints.release(request.jobId, owner, complete ? 'done' : 'partial');
  }

  const total = request.dryRun ? invocation : await totalsOf(deps.checkpoints, request.jobId);
  return {
    jobId: request.jobId,
    source: topic,
    dryRun: request.dryRun,
    partial: !complete,
    ...(complete ? {} : { stoppedBecause: stoppedBecause ?? 'aborted' }),
    invocation,
    total,
    partitions: progress(),
    durationMs: Date.now() - started,
  };
}

/** Whether a dead letter is replayed, or why not. */
function classify(
  letter: DeadLetter,
  request: ReplayRequest,
): 'replay' | 'filtered' | 'loopGuard' | 'noTarget' {
  if (!matchesFilter(letter, request.filter)) return 'filtered';
  if (exceedsLoopGuard(letter.replayCount, request.maxReplays)) return 'loopGuard';
  if (request.target === undefined && letter.source === undefined) return 'noTarget';
  return 'replay';
}

async function totalsOf(store: CheckpointStore, jobId: string): Promise<ReplayCounters> {
  const state = await store.load(jobId);
  const total = emptyCounters();
  for (const p of state?.partitions ?? []) addCounters(total, p.counters);
  return total;
}
