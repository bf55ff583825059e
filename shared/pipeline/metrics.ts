/**
 * The stage runtime's custom metrics, as vocabulary: their names and dimensions, so that the
 * runtime that emits them (`shared/observability/metrics.ts`) and the dashboards and alarms that
 * read them (`lib/`) spell them once. The namespace is `METRICS_NAMESPACE` (`environment.ts`).
 */

/**
 * Metric names.
 * @example new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: METRIC.recordsFailed, … })
 */
export const METRIC = {
  recordsIn: 'RecordsIn',
  recordsForwarded: 'RecordsForwarded',
  recordsRejected: 'RecordsRejected',
  /** Records that failed transiently (or whose output was not confirmed): retried by the ESM. */
  recordsFailed: 'RecordsFailed',
  /** Records after a failed one in the same partition: not produced, redelivered by the ESM. */
  recordsHeldBack: 'RecordsHeldBack',
  batchDurationMs: 'BatchDurationMs',
  /** now − the record's event time, per record, as at most 99 quantile values per batch. */
  pipelineAgeMs: 'PipelineAgeMs',
} as const;

/** Name of a runtime metric. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * Dimensions of the runtime's metrics: every metric carries `service` (the function's
 * `POWERTOOLS_SERVICE_NAME`) and `stage`; `RecordsRejected` is also published per `reason`.
 */
export const METRIC_DIMENSION = {
  service: 'service',
  stage: 'stage',
  reason: 'reason',
} as const;
