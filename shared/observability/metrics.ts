/**
 * Stage metrics as CloudWatch Embedded Metric Format (Powertools Metrics), namespace
 * `METRICS_NAMESPACE`, dimension `stage`. One batch publishes, in one call at the end of the
 * batch, one EMF line, plus one line per distinct reject reason (dimension `reason`) and one per
 * distinct dimension set of the stage's own metrics ({@link StageMetric}); never one per record.
 * Names and dimensions are framework vocabulary (`shared/pipeline/metrics.ts`), read by the
 * dashboards and alarms too.
 *
 * EMF limits honoured here (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a dimension set holds at most 30 dimensions, a directive at most 100 metrics, a metric at most
 * 100 values; one EMF document has ONE value per dimension, hence one line per dimension set.
 * Dimension names and values follow CloudWatch's `Dimension` rules
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html): ASCII,
 * no control characters, at least one non-whitespace character, names 1–255 (not starting with
 * `:`), values 1–1024 characters.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../pipeline/environment.ts';
import { METRIC, METRIC_DIMENSION } from '../pipeline/metrics.ts';
import type { StageName } from '../pipeline/types.ts';
import { quantileSample } from './quantile-sample.ts';

export { METRIC, METRICS_NAMESPACE };

/** Values of `PipelineAgeMs` per batch line (EMF allows 100 values per metric). */
export const PIPELINE_AGE_SAMPLES = 99;

/** A unit Powertools (and CloudWatch) accepts, e.g. `Count`, `Milliseconds`. */
export type StageMetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/**
 * One figure a stage adds to its batch's metrics (`Stage.batchMetrics`): published by the runtime
 * in the batch's one metrics call, under the namespace and the `service` and `stage` dimensions,
 * plus its own `dimensions`. Metrics sharing a dimension set share one EMF line. Dimension values
 * must come from a small closed set (every distinct value is a new CloudWatch metric), never
 * from record data such as ids.
 *
 * @example { name: 'WidgetsSeen', value: 3, dimensions: { color: 'blue' } }
 */
export interface StageMetric {
  /** 1–255 printable ASCII characters; not a runtime metric name ({@link METRIC}) nor a dimension name of its line. */
  readonly name: string;
  /** A finite number (a count the stage summed over the batch). */
  readonly value: number;
  /** @default 'Count' */
  readonly unit?: StageMetricUnit;
  /**
   * Dimensions beside `service` and `stage` (which it may not redefine), at most
   * {@link MAX_STAGE_METRIC_DIMENSIONS}.
   * @default none: the metric is published per stage only
   */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Dimensions a {@link StageMetric} may add: EMF's 30 per dimension set, minus `service` and `stage`. */
export const MAX_STAGE_METRIC_DIMENSIONS = 28;

/** Metrics per EMF line (EMF: at most 100 metric definitions per directive). */
const MAX_METRICS_PER_LINE = 100;

/** Dimensions every line carries already. */
const DEFAULT_DIMENSIONS: ReadonlySet<string> = new Set([METRIC_DIMENSION.service, METRIC_DIMENSION.stage]);
const RUNTIME_METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(METRIC));
const UNITS: ReadonlySet<string> = new Set(Object.values(MetricUnit));
/** Printable ASCII with at least one non-space character. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$/;

/**
 * Why CloudWatch or the runtime would refuse `metric`, or `undefined` when it can be published.
 * @example stageMetricProblem({ name: 'WidgetsSeen', value: 1, dimensions: { stage: 'x' } })
 * // 'WidgetsSeen: dimension "stage" is set by the runtime'
 */
export function stageMetricProblem(metric: StageMetric): string | undefined {
  const name = typeof metric.name === 'string' ? metric.name.slice(0, 64) : String(metric.name);
  if (typeof metric.name !== 'string' || metric.name.length > 255 || !PRINTABLE_ASCII.test(metric.name))
    return `${JSON.stringify(name)}: a metric name is 1–255 printable ASCII characters`;
  if (RUNTIME_METRIC_NAMES.has(metric.name) || DEFAULT_DIMENSIONS.has(metric.name))
    return `${name}: the name is the runtime's`;
  if (typeof metric.value !== 'number' || !Number.isFinite(metric.value))
    return `${name}: the value is not a finite number`;
  if (metric.unit !== undefined && !UNITS.has(metric.unit)) return `${name}: unknown unit "${metric.unit}"`;
  const dimensions = Object.entries(metric.dimensions ?? {});
  if (dimensions.length > MAX_STAGE_METRIC_DIMENSIONS)
    return `${name}: ${dimensions.length} dimensions, at most ${MAX_STAGE_METRIC_DIMENSIONS}`;
  for (const [key, value] of dimensions) {
    if (key.length > 255 || key.startsWith(':') || !PRINTABLE_ASCII.test(key))
      return `${name}: dimension name ${JSON.stringify(key.slice(0, 64))} is not 1–255 printable ASCII characters (not starting with ':')`;
    if (DEFAULT_DIMENSIONS.has(key)) return `${name}: dimension "${key}" is set by the runtime`;
    if (key === metric.name) return `${name}: a dimension has the metric's name`;
    if (typeof value !== 'string' || value.length > 1024 || !PRINTABLE_ASCII.test(value))
      return `${name}: the value of dimension "${key}" is not 1–1024 printable ASCII characters`;
  }
  return undefined;
}

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
  /** The stage's own metrics of the batch. @default none */
  readonly extra?: readonly StageMetric[];
}

/** What {@link publishBatchMetrics} did. */
export interface PublishedBatchMetrics {
  /** EMF lines written. */
  readonly lines: number;
  /** Why each refused {@link StageMetric} was left out (see {@link stageMetricProblem}). */
  readonly skipped: readonly string[];
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
 * Adds a batch's figures to `metrics` and flushes them: the batch line, one line per reject
 * reason, one line per dimension set of `batch.extra` (refused extras are left out and named in
 * the result; nothing here throws for them).
 * @example publishBatchMetrics(metrics, { recordsIn: 500, forwarded: 498, rejectedByReason: { MISSING_FIELD: 2 },
 *   failed: 0, heldBack: 0, durationMs: 12, pipelineAgesMs: ages })
 */
export function publishBatchMetrics(metrics: Metrics, batch: BatchMetrics): PublishedBatchMetrics {
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
  const extra = publishStageMetrics(metrics, batch.extra ?? []);
  return { lines: 1 + Object.keys(batch.rejectedByReason).length + extra.lines, skipped: extra.skipped };
}

/** One line per dimension set (at most 100 metrics a line); a name repeated within a set is refused. */
function publishStageMetrics(metrics: Metrics, extra: readonly StageMetric[]): PublishedBatchMetrics {
  const skipped: string[] = [];
  const lines = new Map<
    string,
    { dimensions: [string, string][]; metrics: StageMetric[]; names: Set<string> }
  >();
  for (const metric of extra) {
    const problem = stageMetricProblem(metric);
    if (problem !== undefined) {
      skipped.push(problem);
      continue;
    }
    const dimensions = Object.entries(metric.dimensions ?? {}).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const key = JSON.stringify(dimensions);
    let line = lines.get(key);
    if (!line) {
      line = { dimensions, metrics: [], names: new Set() };
      lines.set(key, line);
    }
    if (line.names.has(metric.name)) {
      skipped.push(`${metric.name}: published twice with the same dimensions in one batch`);
      continue;
    }
    line.names.add(metric.name);
    line.metrics.push(metric);
  }
  let count = 0;
  for (const { dimensions, metrics: group } of lines.values()) {
    for (let start = 0; start < group.length; start += MAX_METRICS_PER_LINE) {
      for (const [name, value] of dimensions) metrics.addDimension(name, value);
      for (const m of group.slice(start, start + MAX_METRICS_PER_LINE))
        metrics.addMetric(m.name, m.unit ?? MetricUnit.Count, m.value);
      metrics.publishStoredMetrics(); // also clears this line's dimensions
      count++;
    }
  }
  return { lines: count, skipped };
}
