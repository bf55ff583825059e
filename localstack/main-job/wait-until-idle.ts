/**
 * Waits until the pipeline has nothing left to do — every mapping's lag is 0 and no record is in
 * flight, twice in a row — while showing live progress; gives up when nothing moved for a while.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { readLag } from '../esm/lag.ts';
import type { RunningPipeline } from '../esm/pipeline.ts';
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
}

/**
 * Resolves `true` once idle, `false` when it gave up (stalled).
 * @example const idle = await waitUntilIdle({ kafka, admin, definition, pipeline, view, … });
 */
export async function waitUntilIdle(watch: IdleWatch): Promise<boolean> {
  let quietPolls = 0;
  let lastMovedAt = Date.now();
  let lastSignature = '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, watch.pollMs ?? 1_000));
    const [lag, rejectedNow, dlqNow] = await Promise.all([
      readLag(watch.kafka, watch.admin, watch.definition.stages, { withAge: false }),
      endOffsets(watch.admin, [watch.definition.rejectTopic]),
      endOffsets(watch.admin, watch.definition.deadLetterTopics),
    ]);
    const { generated, generating } = watch.producer();
    const stages = watch.pipeline.stageTotals();
    const lagByStage = lagPerStage(lag);
    const rejected = recordsBetween(watch.rejectedFrom, rejectedNow);
    const dlq = recordsBetween(watch.dlqFrom, dlqNow);
    watch.view.show({ atMs: Date.now(), generated, generating, stages, lagByStage, rejected, dlq });
    const pending = Object.values(stages).reduce((n, t) => n + t.recordsPending, 0);
    const totalLag = Object.values(lagByStage).reduce((n, v) => n + v, 0);
    const signature = JSON.stringify([generated, totalLag, pending, rejected, dlq]);
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastMovedAt = Date.now();
    }
    if (!generating && totalLag === 0 && pending === 0) {
      if (++quietPolls >= 2) return true;
    } else quietPolls = 0;
    if (!generating && Date.now() - lastMovedAt > watch.stallTimeoutMs) return false;
  }
}
