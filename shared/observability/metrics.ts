/**
 * Stage metrics as CloudWatch Embedded Metric Format (Powertools Metrics), namespace
 * `METRICS_NAMESPACE`, dimension `stage`. One batch publishes one EMF line, plus one line per
 * distinct reject reason (dimension `reason`); never one per record. Names and dimensions are
 * framework vocabulary (`shared/pipeline/metrics.ts`), read by the dashboards and alarms too.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../pipeline/environment.ts';
import { METRIC, METRIC_DIMENSION } from '../pipeline/metrics.ts';
import type { StageName } from '../pipeline/types.ts';
import { quantileSample } from './quantile-sample.ts';

export { METRIC, METRICS_NAMESPACE };

/** Values of `PipelineAgeMs` per batch line (EMF allows 100 values per metric). */
export const PIPELINE_AGE_SAMPLES = 99;

/** What one batch reports. */
export interface BatchMetrics {
  readonly recordsIn: number;
  readonly forwarded: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly failed: number;
  readonly heldBack: number;
  readonly durationMs: number;
  /** One value per record whose event time is known. */
  readonly pipelineAgesMs: readonly number[];
}

/**
 * Creates the metrics emitter of a stage (once per execution environment).
 * @example const metrics = createStageMetrics('validation');
 */
export function createStageMetrics(stage: StageName, serviceName?: string): Metrics {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'orion',
    defaultDimensions: { [METRIC_DIMENSION.stage]: stage },
  });
  metrics.setThrowOnEmptyMetrics(false);
  return metrics;
}

/**
 * Adds a batch's figures to `metrics` and flushes them.
 * @example publishBatchMetrics(metrics, { recordsIn: 500, forwarded: 498, rejectedByReason: { MISSING_FIELD: 2 },
 *   failed: 0, heldBack: 0, durationMs: 12, pipelineAgesMs: ages })
 */
export function publishBatchMetrics(metrics: Metrics, batch: BatchMetrics): void {
  metrics.addMetric(METRIC.recordsIn, MetricUnit.Count, batch.recordsIn);
  metrics.addMetric(METRIC.recordsForwarded, MetricUnit.Count, batch.forwarded);
  let rejected = 0;
  for (const count of Object.values(batch.rejectedByReason)) rejected += count;
  metrics.addMetric(METRIC.recordsRejected, MetricUnit.Count, rejected);
  metrics.addMetric(METRIC.recordsFailed, MetricUnit.Count, batch.failed);
  metrics.addMetric(METRIC.recordsHeldBack, MetricUnit.Count, batch.heldBack);
  metrics.addMetric(METRIC.batchDurationMs, MetricUnit.Milliseconds, batch.durationMs);
  // 99, not 100: Powertools flushes on its own when a metric reaches 100 values, which would
  // split the batch over two lines.
  for (const age of quantileSample(batch.pipelineAgesMs, PIPELINE_AGE_SAMPLES)) {
    metrics.addMetric(METRIC.pipelineAgeMs, MetricUnit.Milliseconds, age);
  }
  metrics.publishStoredMetrics();
  for (const [reason, count] of Object.entries(batch.rejectedByReason)) {
    const single = metrics.singleMetric();
    single.addDimension(METRIC_DIMENSION.reason, reason);
    single.addMetric(METRIC.recordsRejected, MetricUnit.Count, count);
  }
}
