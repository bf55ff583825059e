/**
 * The CloudWatch metrics ORION watches, defined once for the alarms and the dashboard:
 *
 * - event source mapping metrics (`AWS/Lambda`, dimension `EventSourceMappingUUID`; the mapping's
 *   `MetricsConfig` opts in): `SumOffsetLag` (KafkaMetrics), `OnFailureDestinationDeliveredEventCount`
 *   and `DroppedEventCount` (EventCount);
 * - MSK consumer-lag metrics (`AWS/Kafka`, dimensions `Cluster Name`, `Consumer Group`, `Topic`):
 *   `EstimatedMaxTimeLag`, seconds to drain the lag, emitted while the group is STABLE or EMPTY;
 * - function metrics (`AWS/Lambda`, dimension `FunctionName`): `Invocations`, `Errors`;
 * - the runtime's custom metrics (namespace `Orion`, Powertools dimensions `service` + `stage`):
 *   `RecordsIn`, `RecordsForwarded`, `RecordsRejected`, `RecordsFailed`, `PipelineAgeMs`.
 */
import { aws_cloudwatch as cloudwatch, Duration } from 'aws-cdk-lib';
import { METRIC, METRICS_NAMESPACE } from '../../shared/observability/metrics.ts';
import type { EventSourceMappingSpec, StageSpec } from '../../shared/pipeline/index.ts';

const ONE_MINUTE = Duration.minutes(1);

/**
 * Powertools dimensions of a stage's custom metrics: `service` (from `POWERTOOLS_SERVICE_NAME`,
 * set by the stack to `orion-<stage>`) and `stage` (the runtime's default dimension).
 */
export function stageMetricDimensions(stage: StageSpec): Record<string, string> {
  return { service: stageServiceName(stage), stage: stage.name };
}

/** `POWERTOOLS_SERVICE_NAME` of a stage function. @example stageServiceName(stageSpec('storage')) // 'orion-storage' */
export function stageServiceName(stage: StageSpec): string {
  return `orion-${stage.name}`;
}

/** A custom metric of the stage runtime (`Orion` namespace). */
export function runtimeMetric(stage: StageSpec, name: string, statistic = 'Sum'): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: stageMetricDimensions(stage),
    statistic,
    period: ONE_MINUTE,
  });
}

/** P99 of the runtime's pipeline age (now − CDR event time), ms. */
export function pipelineAgeP99(stage: StageSpec): cloudwatch.Metric {
  return runtimeMetric(stage, METRIC.pipelineAgeMs, 'p99');
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

/** MSK's estimate, in seconds, of the time a mapping's consumer group needs to drain its lag. */
export function mappingTimeLag(clusterName: string, mapping: EventSourceMappingSpec): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Kafka',
    metricName: 'EstimatedMaxTimeLag',
    dimensionsMap: {
      'Cluster Name': clusterName,
      'Consumer Group': mapping.consumerGroupId,
      Topic: mapping.topic,
    },
    statistic: 'Maximum',
    period: ONE_MINUTE,
  });
}

/**
 * Error rate of a stage: the larger of the function's invocation error rate (`Errors` /
 * `Invocations`) and the runtime's transient record failure rate (`RecordsFailed` / `RecordsIn`),
 * since a partial batch response reports failed records without a function error.
 */
export function stageErrorRate(stage: StageSpec, functionName: string): cloudwatch.MathExpression {
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
      recordsIn: runtimeMetric(stage, METRIC.recordsIn),
      recordsFailed: runtimeMetric(stage, METRIC.recordsFailed),
    },
    period: ONE_MINUTE,
    label: `${stage.name} error rate`,
  });
}
