/**
 * The `AWS::Lambda::EventSourceMapping` of one pipeline mapping (one topic, one consumer group),
 * built from the pipeline definition. The L2 `ManagedKafkaEventSource` cannot express the
 * provisioned-mode error handling, a Kafka on-failure destination or the metrics config, so the
 * L1 properties are produced here and checked against the ranges of the CloudFormation / Lambda
 * API reference before anything is deployed:
 *
 * - `BatchSize` 1–10,000; `MaximumBatchingWindowInSeconds` 0–300;
 * - `ProvisionedPollerConfig` (provisioned mode; Kafka: `MinimumPollers` 1–200, `MaximumPollers` 1–2,000);
 * - `MaximumRetryAttempts` −1 or 0–10,000 and `MaximumRecordAgeInSeconds` −1 or 60–604,800,
 *   `BisectBatchOnFunctionError`: for Kafka sources these error-handling controls need provisioned mode;
 * - `DestinationConfig.OnFailure.Destination` `kafka://<topic>`: a topic of the same cluster, never
 *   the source topic (Lambda refuses the loop);
 * - `MetricsConfig.Metrics` ⊆ {EventCount, ErrorCount, KafkaMetrics};
 * - `ProvisionedPollerConfig.PollerGroupName`: mappings of one VPC that share Event Poller Unit
 *   capacity (≤ 100 mappings per group, ≤ 2,000 maximum pollers summed over the group).
 */
import type { aws_lambda as lambda } from 'aws-cdk-lib';
import {
  allEventSourceMappings,
  type EventSourceMappingSpec,
  type StageSpec,
} from '../../shared/pipeline/index.ts';

/** The ESM metric groups ORION enables: events, errors, and Kafka consumer lag. */
export const ESM_METRICS = ['EventCount', 'ErrorCount', 'KafkaMetrics'] as const;

/** Limits of one provisioned poller group (Lambda API reference, `ProvisionedPollerConfig`). */
export const POLLER_GROUP_LIMITS = { mappings: 100, maximumPollers: 2_000 } as const;

/** Options of {@link kafkaEventSourceMappingProps}. */
export interface KafkaEventSourceMappingOptions {
  /** Share EPU capacity with the other mappings of this group. @default no group */
  readonly pollerGroupName?: string;
}

/** A pipeline value outside what AWS accepts for a Kafka event source mapping. */
export class EventSourceMappingConfigError extends Error {
  constructor(
    readonly property: string,
    message: string,
  ) {
    super(`Event source mapping ${property}: ${message}`);
    this.name = 'EventSourceMappingConfigError';
  }
}

/**
 * The on-failure destination URI of a Kafka topic.
 * @example kafkaDestination('cdr.dlq') // 'kafka://cdr.dlq'
 */
export function kafkaDestination(topic: string): string {
  return `kafka://${topic}`;
}

/**
 * L1 properties of the MSK event source mapping `mapping` of `stage`.
 *
 * @example
 * const [mapping] = eventSourceMappingsOf(stageSpec('normalization'));
 * kafkaEventSourceMappingProps(stageSpec('normalization'), mapping, clusterArn, fn.functionName);
 */
export function kafkaEventSourceMappingProps(
  stage: StageSpec,
  mapping: EventSourceMappingSpec,
  clusterArn: string,
  functionName: string,
  options: KafkaEventSourceMappingOptions = {},
): lambda.CfnEventSourceMappingProps {
  validate(stage, mapping);
  return {
    functionName,
    eventSourceArn: clusterArn,
    enabled: true,
    topics: [mapping.topic],
    amazonManagedKafkaEventSourceConfig: { consumerGroupId: mapping.consumerGroupId },
    startingPosition: stage.startingPosition,
    batchSize: stage.batchSize,
    maximumBatchingWindowInSeconds: stage.maximumBatchingWindowInSeconds,
    provisionedPollerConfig: {
      minimumPollers: stage.pollers.minimum,
      maximumPollers: stage.pollers.maximum,
      ...(options.pollerGroupName ? { pollerGroupName: options.pollerGroupName } : {}),
    },
    maximumRetryAttempts: stage.retry.maximumRetryAttempts,
    maximumRecordAgeInSeconds: stage.retry.maximumRecordAgeInSeconds,
    bisectBatchOnFunctionError: stage.retry.bisectBatchOnFunctionError,
    functionResponseTypes: stage.retry.reportBatchItemFailures ? ['ReportBatchItemFailures'] : undefined,
    destinationConfig: { onFailure: { destination: kafkaDestination(stage.onFailureTopic) } },
    metricsConfig: { metrics: [...ESM_METRICS] },
  };
}

/**
 * Throws when the stages' mappings cannot share one poller group.
 * @example assertFitsOnePollerGroup(STAGES) // 13 mappings, 58 maximum pollers: fine
 */
export function assertFitsOnePollerGroup(stages: readonly StageSpec[]): void {
  const mappings = allEventSourceMappings(stages);
  const pollers = stages.reduce((n, s) => n + s.pollers.maximum * s.sourceTopics.length, 0);
  if (mappings.length > POLLER_GROUP_LIMITS.mappings || pollers > POLLER_GROUP_LIMITS.maximumPollers) {
    throw new EventSourceMappingConfigError(
      'ProvisionedPollerConfig.PollerGroupName',
      `${mappings.length} mappings with ${pollers} maximum pollers exceed one poller group ` +
        `(${POLLER_GROUP_LIMITS.mappings} mappings, ${POLLER_GROUP_LIMITS.maximumPollers} pollers)`,
    );
  }
}

function validate(stage: StageSpec, mapping: EventSourceMappingSpec): void {
  const where = `${stage.name}/${mapping.topic}`;
  inRange(where, 'BatchSize', stage.batchSize, 1, 10_000);
  inRange(where, 'MaximumBatchingWindowInSeconds', stage.maximumBatchingWindowInSeconds, 0, 300);
  inRange(where, 'ProvisionedPollerConfig.MinimumPollers', stage.pollers.minimum, 1, 200);
  inRange(where, 'ProvisionedPollerConfig.MaximumPollers', stage.pollers.maximum, 1, 2_000);
  if (stage.pollers.minimum > stage.pollers.maximum) {
    throw new EventSourceMappingConfigError(
      'ProvisionedPollerConfig',
      `${where}: MinimumPollers > MaximumPollers`,
    );
  }
  const retries = stage.retry.maximumRetryAttempts;
  if (retries !== -1) inRange(where, 'MaximumRetryAttempts', retries, 0, 10_000);
  const age = stage.retry.maximumRecordAgeInSeconds;
  if (age !== -1) inRange(where, 'MaximumRecordAgeInSeconds', age, 60, 604_800);
  if (stage.onFailureTopic === mapping.topic) {
    throw new EventSourceMappingConfigError(
      'DestinationConfig',
      `${where}: on-failure topic equals the source topic`,
    );
  }
  if (!/^[a-zA-Z0-9._-]{1,200}$/.test(mapping.consumerGroupId)) {
    throw new EventSourceMappingConfigError(
      'ConsumerGroupId',
      `${where}: "${mapping.consumerGroupId}" is not valid`,
    );
  }
}

function inRange(where: string, property: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EventSourceMappingConfigError(property, `${where}: ${value} is outside ${min}–${max}`);
  }
}
