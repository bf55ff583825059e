/**
 * Waits until the pipeline has nothing left to do — every mapping's lag is 0 and no record is in
 * flight, no HTTP request in flight and every stream stage caught up with its table, twice in a
 * row — while showing live progress; gives up when nothing moved for a while.
 */
import type { Admin, Kafka } from 'kafkajs';
import { isTransientKafkaRead } from '../../shared/kafka/errors.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { type PartitionLag, readLag } from '../esm/lag.ts';
import type { RunningPipeline } from '../esm/pipeline.ts';
import type { PipelineFunctionCounters, RunningPipelineFunctions } from '../esm/pipeline-functions.ts';
import { lagPerStage, type ProgressView } from './progress.ts';
import { type EndOffsets, endOffsets, recordsBetween } from './topic-window.ts';

/** What the wait watches. */
export interface IdleWatch {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** The definition: its stages' lag, its reject and dead-letter topics. */
  readonly definition: PipelineDefinition;
  readonly pipeline: RunningPipeline;
  readonly view: ProgressView;
  /** Rejected / dead-letter counts are shown relative to these snapshots (reject topic, dead-letter topics). */
  readonly rejectedFrom: EndOffsets;
  readonly dlqFrom: EndOffsets;
  /** Records produced so far and whether production goes on (the wait does not end before). */
  readonly producer: () => { generated: number; generating: boolean };
  readonly stallTimeoutMs: number;
  readonly pollMs?: number;
  /**
   * The pipeline's HTTP APIs and stream stages, when it has any: idle also means no request in
   * flight and every stream mapping caught up with its table. @default none
   */
  readonly functions?: Pick<RunningPipelineFunctions, 'counters' | 'waitUntilCaughtUp'>;
}

/** Stream records pending and HTTP requests in flight, and what moved (for the stall check). */
function functionsActivity(counters: PipelineFunctionCounters | undefined): {
  busy: number;
  moved: number[];
} {
  if (!counters) return { busy: 0, moved: [] };
  const { httpApis, streamStages } = counters;
  const apis = Object.values(httpApis);
  const streams = Object.values(streamStages);
  return {
    busy: apis.reduce((n, a) => n + a.inFlight, 0) + streams.reduce((n, s) => n + s.pending, 0),
    moved: [...apis.map((a) => a.requests), ...streams.map((s) => s.records)],
  };
}

/** True once every stream mapping has done what its table holds (a short wait; false if not yet). */
async function streamsCaughtUp(functions: IdleWatch['functions'], timeoutMs: number): Promise<boolean> {
  if (!functions) return true;
  return functions.waitUntilCaughtUp({ timeoutMs }).then(
    () => true,
    () => false,
  );
}

/** Where the pipeline stood when the wait gave up: what kept it from being idle. */
export interface StallSnapshot {
  /** Partitions the groups have not committed to their end (at most {@link STALL_PARTITIONS_SHOWN}). */
  readonly laggingPartitions: readonly Pick<
    PartitionLag,
    'stage' | 'topic' | 'partition' | 'committed' | 'end'
  >[];
  /** Records fetched by a stage's mappings and not done yet, per stage (only those with some). */
  readonly pendingByStage: Readonly<Record<string, number>>;
  /** HTTP requests in flight and stream records pending. */
  readonly functionsBusy: number;
}

/** How many lagging partitions a {@link StallSnapshot} lists. */
export const STALL_PARTITIONS_SHOWN = 10;

/** The end of a wait: idle, or stalled with where it stood. */
export type IdleOutcome = { readonly idle: true } | { readonly idle: false; readonly stall: StallSnapshot };

/**
 * Resolves `{ idle: true }` once idle, `{ idle: false, stall }` when nothing moved for
 * `stallTimeoutMs` (the snapshot says what was still not done).
 * @example const { idle } = await waitUntilIdle({ kafka, admin, definition, pipeline, view, … });
 */
export async function waitUntilIdle(watch: IdleWatch): Promise<IdleOutcome> {
  let quietPolls = 0;
  let lastMovedAt = Date.now();
  let lastSignature = '';
  let unreadableSince: number | undefined;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, watch.pollMs ?? 1_000));
    let read: [PartitionLag[], EndOffsets, EndOffsets];
    try {
      read = await Promise.all([
        readLag(watch.kafka, watch.admin, watch.definition.stages, { withAge: false }),
        endOffsets(watch.admin, [watch.definition.rejectTopic]),
        endOffsets(watch.admin, watch.definition.deadLetterTopics),
      ]);
      unreadableSince = undefined;
    } catch (error) {
      // kafkajs' admin gives up on a broker that is away without retrying (fetchTopicOffsets
      // bails on a connection error, fetchOffsets has no retry at all): a broker failover
      // skips these polls instead of failing the run, for as long as a stall would be allowed.
      if (!isTransientKafkaRead(error)) throw error;
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince > watch.stallTimeoutMs) throw error;
      // The admin would keep asking the former leader (NOT_LEADER_OR_FOLLOWER) until its metadata
      // expires (kafkajs' metadataMaxAge, 5 min); listGroups is the read-only admin call that
      // refreshes it first.
      await watch.admin.listGroups().catch(() => undefined);
      quietPolls = 0;
      continue;
    }
    const [lag, rejectedNow, dlqNow] = read;
    const { generated, generating } = watch.producer();
    const stages = watch.pipeline.stageTotals();
    const lagByStage = lagPerStage(lag);
    const rejected = recordsBetween(watch.rejectedFrom, rejectedNow);
    const dlq = recordsBetween(watch.dlqFrom, dlqNow);
    const functions = watch.functions?.counters();
    watch.view.show({
      atMs: Date.now(),
      generated,
      generating,
      stages,
      lagByStage,
      rejected,
      dlq,
      ...(functions ? { functions } : {}),
    });
    const pending = Object.values(stages).reduce((n, t) => n + t.recordsPending, 0);
    const totalLag = Object.values(lagByStage).reduce((n, v) => n + v, 0);
    const activity = functionsActivity(functions);
    const signature = JSON.stringify([generated, totalLag, pending, rejected, dlq, activity.moved]);
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastMovedAt = Date.now();
    }
    const quiet =
      !generating &&
      totalLag === 0 &&
      pending === 0 &&
      activity.busy === 0 &&
      // Written to a streamed table but not read yet shows nowhere else: ask the mappings.
      (await streamsCaughtUp(watch.functions, 5 * (watch.pollMs ?? 1_000)));
    if (quiet) {
      if (++quietPolls >= 2) return { idle: true };
    } else quietPolls = 0;
    if (!generating && Date.now() - lastMovedAt > watch.stallTimeoutMs) {
      return {
        idle: false,
        stall: {
          laggingPartitions: lag
            .filter((row) => row.lag > 0)
            .slice(0, STALL_PARTITIONS_SHOWN)
            .map(({ stage, topic, partition, committed, end }) => ({
              stage,
              topic,
              partition,
              committed,
              end,
            })),
          pendingByStage: Object.fromEntries(
            Object.entries(stages)
              .filter(([, t]) => t.recordsPending > 0)
              .map(([stage, t]) => [stage, t.recordsPending]),
          ),
          functionsBusy: activity.busy,
        },
      };
    }
  }
}

/**
 * A stall in one line: the lagging partitions and what each stage still held.
 * @example describeStall(stall) // 'forward toy.in[2] committed 120 of 131; pending forward 11'
 */
export function describeStall(stall: StallSnapshot): string {
  const parts = stall.laggingPartitions.map(
    (p) => `${p.stage} ${p.topic}[${p.partition}] committed ${p.committed ?? 'nothing'} of ${p.end}`,
  );
  const pending = Object.entries(stall.pendingByStage).map(([stage, n]) => `${stage} ${n}`);
  if (pending.length > 0) parts.push(`pending ${pending.join(', ')}`);
  if (stall.functionsBusy > 0)
    parts.push(`${stall.functionsBusy} HTTP request(s) or stream record(s) not done`);
  return parts.length > 0 ? parts.join('; ') : 'no lag and nothing pending, but not quiet';
}
