/**
 * The `AWS::Lambda::EventSourceMapping` of a stream stage: one DynamoDB stream, one function. The
 * settings are built and validated ONCE, by `streamStageMappingSettings`
 * (`shared/pipeline/stream-esm-settings.ts`, which cites AWS's ranges); this file only maps them
 * to the CloudFormation properties (the batching and retry ones, shared with Kafka mappings, by
 * `batchRetryMappingProps`). The L1 resource rather than the L2 `DynamoEventSource`,
 * whose BatchSize check still stops at 1,000 where Lambda accepts 10,000 (services-ddb-params).
 *
 * - `DestinationConfig.OnFailure`: "Standard Amazon SQS queue or standard Amazon SNS topic
 *   destination for discarded records" (services-ddb-params); Lambda sends there a JSON record
 *   with the batch's metadata (shard, sequence numbers, approximate arrival times, the reason),
 *   not the records themselves ("Retain discarded records for a DynamoDB event source in
 *   Lambda", https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 * - `MetricsConfig`: `EventCount` only, the one group a stream source accepts (`ErrorCount` and
 *   `KafkaMetrics` are for Kafka sources: "EventSourceMappingMetricsConfig",
 *   https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html); it adds
 *   `OnFailureDestinationDeliveredEventCount` and `DroppedEventCount` per mapping.
 */
import type { aws_lambda as lambda } from 'aws-cdk-lib';
import type { StreamMappingSettings } from '../../shared/pipeline/stream-esm-settings.ts';
import { batchRetryMappingProps } from '../kafka/kafka-event-source-mapping.ts';

/** The event source mapping metric groups a DynamoDB Streams mapping enables. */
export const STREAM_ESM_METRICS = ['EventCount'] as const;

/** Where the mapping runs, beyond its settings. */
export interface StreamEventSourceMappingTarget {
  /** The function to invoke (a reference, so CloudFormation orders the mapping after it). */
  readonly functionName: string;
  /** `EventSourceArn`: the table's stream ARN (`Table.tableStreamArn`). */
  readonly streamArn: string;
  /** ARN of the SQS queue (or SNS topic) receiving the metadata of discarded batches. @default none */
  readonly onFailureDestinationArn?: string;
}

/**
 * The L1 properties of a DynamoDB Streams mapping from its validated settings.
 *
 * @example
 * new lambda.CfnEventSourceMapping(this, 'Mapping', streamEventSourceMappingProps(streamStageMappingSettings(stage), {
 *   functionName: fn.functionName, streamArn: table.tableStreamArn!, onFailureDestinationArn: queue.queueArn,
 * }));
 */
export function streamEventSourceMappingProps(
  settings: StreamMappingSettings,
  target: StreamEventSourceMappingTarget,
): lambda.CfnEventSourceMappingProps {
  return {
    functionName: target.functionName,
    eventSourceArn: target.streamArn,
    enabled: true,
    ...batchRetryMappingProps(settings),
    parallelizationFactor: settings.parallelizationFactor,
    destinationConfig: target.onFailureDestinationArn
      ? { onFailure: { destination: target.onFailureDestinationArn } }
      : undefined,
    metricsConfig: { metrics: [...STREAM_ESM_METRICS] },
  };
}
