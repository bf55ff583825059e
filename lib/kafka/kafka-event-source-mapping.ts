/**
 * The `AWS::Lambda::EventSourceMapping` of one pipeline mapping (one topic, one consumer group).
 * The settings are built and validated ONCE, by `eventSourceMappingSettings`
 * (`shared/pipeline/esm-settings.ts`, which cites AWS's ranges); this file only maps them to the
 * CloudFormation properties. The L2 `ManagedKafkaEventSource` cannot express the provisioned-mode
 * error handling, a Kafka on-failure destination or the metrics config, hence the L1 properties.
 * For Kafka sources the retry controls (retries, record age, bisect) and the `kafka://`
 * destination require provisioned mode, which every mapping is in.
 */
import type { aws_lambda as lambda } from 'aws-cdk-lib';
import type { MappingBatchRetrySettings } from '../../shared/pipeline/esm-settings.ts';
import { ESM_METRICS, type EventSourceMappingSettings } from '../../shared/pipeline/index.ts';

/** Where the mapping runs, beyond its settings. */
export interface KafkaEventSourceMappingTarget {
  /** ARN of the MSK cluster (`EventSourceArn`). */
  readonly eventSourceArn: string;
  /**
   * The function to invoke, usually `fn.functionName` (a reference, so CloudFormation orders the
   * mapping after the function). @default `settings.functionName`
   */
  readonly functionName?: string;
  /** Share Event Poller Unit capacity with the other mappings of this group. @default no group */
  readonly pollerGroupName?: string;
}

/**
 * The L1 properties of a mapping from its validated settings.
 *
 * @example
 * const settings = eventSourceMappingSettings(stage, mapping, { functionName: 'orion-dev-orders' });
 * new lambda.CfnEventSourceMapping(this, 'Mapping', kafkaEventSourceMappingProps(settings, { eventSourceArn: cluster.clusterArn }));
 */
export function kafkaEventSourceMappingProps(
  settings: EventSourceMappingSettings,
  target: KafkaEventSourceMappingTarget,
): lambda.CfnEventSourceMappingProps {
  return {
    functionName: target.functionName ?? settings.functionName,
    eventSourceArn: target.eventSourceArn,
    enabled: true,
    topics: [settings.topic],
    amazonManagedKafkaEventSourceConfig: { consumerGroupId: settings.consumerGroupId },
    ...batchRetryMappingProps(settings),
    provisionedPollerConfig: {
      minimumPollers: settings.provisionedPollers.minimum,
      maximumPollers: settings.provisionedPollers.maximum,
      ...(target.pollerGroupName ? { pollerGroupName: target.pollerGroupName } : {}),
    },
    destinationConfig: settings.onFailureDestination
      ? { onFailure: { destination: settings.onFailureDestination } }
      : undefined,
    metricsConfig: { metrics: [...ESM_METRICS] },
  };
}

/**
 * The L1 properties of the batching and retry settings every mapping has, Kafka and DynamoDB
 * Streams alike (`FunctionResponseTypes` left out when empty).
 * @example batchRetryMappingProps(settings).batchSize // 500
 */
export function batchRetryMappingProps(
  settings: MappingBatchRetrySettings,
): Pick<
  lambda.CfnEventSourceMappingProps,
  | 'startingPosition'
  | 'batchSize'
  | 'maximumBatchingWindowInSeconds'
  | 'maximumRetryAttempts'
  | 'maximumRecordAgeInSeconds'
  | 'bisectBatchOnFunctionError'
  | 'functionResponseTypes'
> {
  return {
    startingPosition: settings.startingPosition,
    batchSize: settings.batchSize,
    maximumBatchingWindowInSeconds: settings.maximumBatchingWindowInSeconds,
    maximumRetryAttempts: settings.maximumRetryAttempts,
    maximumRecordAgeInSeconds: settings.maximumRecordAgeInSeconds,
    bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
    functionResponseTypes:
      settings.functionResponseTypes.length > 0 ? [...settings.functionResponseTypes] : undefined,
  };
}
