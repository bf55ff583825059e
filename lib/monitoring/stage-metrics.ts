/**
 * The CloudWatch metrics ORION watches, defined once for the alarms and the dashboard. Each name,
 * namespace, dimension and statistic comes from AWS's documentation:
 *
 * - Event source mapping metrics, `AWS/Lambda`, dimension `EventSourceMappingUUID` (Lambda guide,
 *   "Viewing metrics for Lambda functions", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html:
 *   "you can filter and sort function metrics by function name, alias, version, or event source
 *   mapping UUID"). The mapping opts in per group with `MetricsConfig` (ORION: `EventCount`,
 *   `ErrorCount`, `KafkaMetrics`). From "Types of metrics for Lambda functions", section "Event
 *   source mapping metrics" (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics),
 *   whose table marks each of these "Yes" for "Amazon MSK and self-managed Apache Kafka":
 *   - `SumOffsetLag` (group `KafkaMetrics`): "The sum of the offset lags across all partitions in
 *     the event source mapping." Statistic: `Maximum` over a minute (a gauge).
 *   - `PolledEventCount` (`EventCount`): "If Lambda polls for events but receives an empty poll (no
 *     new records), Lambda emits a 0 value for this metric. Use this metric to detect whether your
 *     event source mapping is correctly polling for new events." Statistic: `SampleCount`, so an
 *     idle mapping (a 0 value) still counts as polling and only a silent one does not.
 *   - `OnFailureDestinationDeliveredEventCount` (`EventCount`): "the number of events sent to that
 *     destination"; and `DroppedEventCount` (`EventCount`): records dropped on expiry or retry
 *     exhaustion, which includes those whose delivery to the destination failed ("If delivery to the
 *     destination fails ... For the DroppedEventCount metric, Lambda emits a number equal to the
 *     number of events that failed delivery"). Statistic: `Sum`.
 *   The same page: "If your event source mapping is disabled, you won't receive event source
 *   mapping metrics."
 * - MSK consumer-lag metric `EstimatedMaxTimeLag`, `AWS/Kafka`, dimensions `Cluster Name`,
 *   `Consumer Group`, `Topic`, "A time estimate of the MaxOffsetLag metric" (MSK developer guide,
 *   "Monitor MSK Serverless clusters", https://docs.aws.amazon.com/msk/latest/developerguide/serverless-monitoring.html,
 *   DEFAULT level; Standard brokers publish it at DEFAULT level too, "Amazon MSK metrics for
 *   monitoring Standard brokers with CloudWatch", metrics-details.html). "Consumer lag metrics
 *   are emitted only if a consumer group is in a STABLE or EMPTY state" ("Monitor consumer lags",
 *   https://docs.aws.amazon.com/msk/latest/developerguide/consumer-lag.html). Statistic: `Maximum`.
 * - Function metrics, `AWS/Lambda`, dimension `FunctionName`: `Invocations`, `Errors`, "View these
 *   metrics with the Sum statistic" (monitoring-metrics-types.html, "Invocation metrics").
 * - The runtime's custom metrics (namespace `Orion`, Powertools dimensions `service` + `stage`):
 *   `RecordsIn`, `RecordsForwarded`, `RecordsRejected`, `RecordsFailed`, `PipelineAgeMs`.
 */
import { aws_cloudwatch as cloudwatch, Duration } from 'aws-cdk-lib';
import {
  type EventSourceMappingSpec,
  METRIC,
  METRIC_DIMENSION,
  METRICS_NAMESPACE,
  type PipelineDefinition,
  type StageSpec,
  serviceNameOf,
} from '../../shared/pipeline/index.ts';

const ONE_MINUTE = Duration.minutes(1);

/**
 * Powertools dimensions of a stage's custom metrics: `service` (its `POWERTOOLS_SERVICE_NAME`,
 * `serviceNameOf`) and `stage` (the runtime's default dimension).
 * @example stageMetricDimensions(pipeline, stage) // { service: 'orion-orders', stage: 'orders' }
 */
export function stageMetricDimensions(
  pipeline: PipelineDefinition,
  stage: StageSpec,
): Record<string, string> {
  return {
    [METRIC_DIMENSION.service]: serviceNameOf(pipeline, stage.name),
    [METRIC_DIMENSION.stage]: stage.name,
  };
}

/**
 * A custom metric of the stage runtime (`Orion` namespace).
 * @example runtimeMetric(pipeline, stage, METRIC.recordsIn)
 */
export function runtimeMetric(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  name: string,
  statistic = 'Sum',
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: stageMetricDimensions(pipeline, stage),
    statistic,
    period: ONE_MINUTE,
  });
}

/** P99 of the runtime's pipeline age (now − the record's event time), ms. */
export function pipelineAgeP99(pipeline: PipelineDefinition, stage: StageSpec): cloudwatch.Metric {
  return runtimeMetric(pipeline, stage, METRIC.pipelineAgeMs, 'p99');
}

/** An event source mapping metric, by mapping UUID (`Ref` of the mapping). */
export function mappingMetric(mappingUuid: string, name: string, statistic = 'Sum'): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName: name,
    dimensionsMap: { EventSourceMappingUUID: mappingUuid },
    statistic,
    period: ONE_MINUTE,
  });
}

/** Offset lag of a mapping's consumer group, summed over partitions (`SumOffsetLag`, maximum per minute). */
export function mappingOffsetLag(mappingUuid: string): cloudwatch.Metric {
  return mappingMetric(mappingUuid, 'SumOffsetLag', 'Maximum');
}

/**
 * How many `PolledEventCount` data points a mapping published in `period`: at least one while
 * it polls, empty polls included; none when it is disabled or cannot reach the cluster.
 */
export function mappingPolls(mappingUuid: string, period: Duration): cloudwatch.Metric {
  return mappingMetric(mappingUuid, 'PolledEventCount', 'SampleCount').with({ period });
}

/**
 * Records that left a mapping for its on-failure topic in a minute, plus records dropped because
 * even that delivery failed: `FILL(delivered, 0) + FILL(dropped, 0)`. `key` makes the metric ids
 * unique when several mappings share a graph (letters, digits, `_`).
 */
export function mappingFailedRecords(mappingUuid: string, key = ''): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `FILL(delivered${key}, 0) + FILL(dropped${key}, 0)`,
    usingMetrics: {
      [`delivered${key}`]: mappingMetric(mappingUuid, 'OnFailureDestinationDeliveredEventCount'),
      [`dropped${key}`]: mappingMetric(mappingUuid, 'DroppedEventCount'),
    },
    period: ONE_MINUTE,
    label: 'records sent to the on-failure topic or dropped',
  });
}

/**
 * MSK's estimate, in seconds, of the time a mapping's consumer group needs to drain its lag:
 * `MAX([FILL(byCluster, 0), FILL(byGroup, 0)])` of `EstimatedMaxTimeLag` (`Maximum` per minute) under the two
 * dimension sets MSK documents. CloudWatch matches a metric only on its exact dimension set, and
 * the MSK guide gives two: `Cluster Name, Consumer Group, Topic` for MSK Serverless
 * ("Monitor MSK Serverless clusters", serverless-monitoring.html) and `Consumer Group, Topic` in
 * the DEFAULT-level table for Standard brokers ("Amazon MSK metrics for monitoring Standard
 * brokers with CloudWatch", https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html).
 * Whichever the cluster publishes feeds the alarm; the other stays empty (0). A minute without
 * data reads 0, as MSK publishes nothing while the group is neither STABLE nor EMPTY: a mapping
 * that stops consuming altogether is the not-polling alarm's case. `key` makes the metric
 * ids unique when several mappings share a graph (letters, digits, `_`).
 */
export function mappingTimeLag(
  clusterName: string,
  mapping: EventSourceMappingSpec,
  key = '',
): cloudwatch.MathExpression {
  const timeLag = (dimensionsMap: Record<string, string>) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName: 'EstimatedMaxTimeLag',
      dimensionsMap,
      statistic: 'Maximum',
      period: ONE_MINUTE,
    });
  const group = { 'Consumer Group': mapping.consumerGroupId, Topic: mapping.topic };
  return new cloudwatch.MathExpression({
    expression: `MAX([FILL(byCluster${key}, 0), FILL(byGroup${key}, 0)])`,
    usingMetrics: {
      [`byCluster${key}`]: timeLag({ 'Cluster Name': clusterName, ...group }),
      [`byGroup${key}`]: timeLag(group),
    },
    period: ONE_MINUTE,
    label: `${mapping.consumerGroupId} time lag (s)`,
  });
}

/**
 * Error rate of a stage: the larger of the function's invocation error rate (`Errors` /
 * `Invocations`) and the runtime's transient record failure rate (`RecordsFailed` / `RecordsIn`),
 * since a partial batch response reports failed records without a function error.
 */
export function stageErrorRate(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  functionName: string,
): cloudwatch.MathExpression {
  const fn = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: functionName },
      statistic: 'Sum',
      period: ONE_MINUTE,
    });
  return new cloudwatch.MathExpression({
    expression:
      'MAX([IF(invocations > 0, errors / invocations, 0), IF(recordsIn > 0, recordsFailed / recordsIn, 0)])',
    usingMetrics: {
      invocations: fn('Invocations'),
      errors: fn('Errors'),
      recordsIn: runtimeMetric(pipeline, stage, METRIC.recordsIn),
      recordsFailed: runtimeMetric(pipeline, stage, METRIC.recordsFailed),
    },
    period: ONE_MINUTE,
    label: `${stage.name} error rate`,
  });
}
