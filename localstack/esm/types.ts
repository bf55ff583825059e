/**
 * Types of the local Kafka event source mapping (ESM) emulator. Field names follow the AWS
 * `CreateEventSourceMapping` API so that a reader can map each setting to its AWS documentation.
 */

import type { KafkaEvent } from '../../shared/kafka/msk-event.ts';
import type { StageName, StartingPosition } from '../../shared/pipeline/types.ts';

/** `FunctionResponseTypes` values accepted for Kafka mappings. */
export type FunctionResponseType = 'ReportBatchItemFailures';

/** One Kafka event source mapping as the emulator runs it (provisioned mode). */
export interface EventSourceMappingConfig {
  /** Name of the function the mapping invokes (for the Lambda context and on-failure metadata). */
  readonly functionName: string;
  /** The one topic of the mapping (AWS: `Topics`, exactly one for Kafka). */
  readonly topic: string;
  /** `AmazonManagedKafkaEventSourceConfig.ConsumerGroupId`. */
  readonly consumerGroupId: string;
  /** `BatchSize`, 1–10 000. */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds`, 0–300. */
  readonly maximumBatchingWindowInSeconds: number;
  /** `StartingPosition`, used only when the group has no committed offset. */
  readonly startingPosition: StartingPosition;
  /** `MaximumRetryAttempts`: -1 (infinite) or 0–10 000. */
  readonly maximumRetryAttempts: number;
  /** `MaximumRecordAgeInSeconds`: -1 (infinite) or 60–604 800. */
  readonly maximumRecordAgeInSeconds: number;
  /** `BisectBatchOnFunctionError`. */
  readonly bisectBatchOnFunctionError: boolean;
  /** `FunctionResponseTypes`. */
  readonly functionResponseTypes: readonly FunctionResponseType[];
  /** `DestinationConfig.OnFailure.Destination`, here only `kafka://<topic>` (or none). */
  readonly onFailureDestination?: string;
  /** `ProvisionedPollerConfig`: each poller is one consumer of the group. */
  readonly provisionedPollers: { readonly minimum: number; readonly maximum: number };
}

/** Settings of the emulator itself (not AWS settings). */
export interface EmulatorOptions {
  /** Pollers (consumers in the group) to run; within `provisionedPollers`. Default: the minimum. */
  readonly pollers?: number;
  /** First retry delay; doubles per retry up to `retryBackoffMaxMs`. Default 500 ms (AWS does not document its delay). */
  readonly retryBackoffMs?: number;
  /** Ceiling of the retry delay. Default 5 000 ms. */
  readonly retryBackoffMaxMs?: number;
  /**
   * Batches a poller keeps in flight at once, each from partitions no other in-flight batch holds
   * (order per partition is kept). AWS: up to 5 per Kafka poller. Default 1.
   */
  readonly invocationsPerPoller?: number;
  /** Function timeout: an invocation running longer is a function error. Default 60 s. */
  readonly functionTimeoutMs?: number;
}

/** The Lambda context object handed to the handler (the subset handlers use). */
export interface LambdaContextLike {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/**
 * A Lambda handler for Kafka events, as the stage modules export it. It returns (or resolves to) a
 * partial batch response, or nothing; the emulator reads the value with `readBatchResponse`.
 */
export type KafkaHandler = (event: KafkaEvent, context: LambdaContextLike) => unknown;

/** Where a stage's handler comes from. */
export type HandlerSource =
  | { readonly kind: 'function'; readonly handler: KafkaHandler }
  | { readonly kind: 'module'; readonly path: string; readonly exportName?: string };

/** Live counters of one event source mapping (all pollers). */
export interface MappingCounters {
  readonly stage: StageName | string;
  readonly topic: string;
  readonly consumerGroupId: string;
  readonly pollers: number;
  /**
   * Records fetched and kept (re-fetches de-duplicated; records of partitions a rebalance took away
   * are subtracted), so that `recordsIn = recordsSucceeded + recordsOnFailure + recordsPending`.
   */
  recordsIn: number;
  /** Records whose processing succeeded. */
  recordsSucceeded: number;
  /** Records written to the on-failure destination (or dropped when there is none). */
  recordsOnFailure: number;
  /** Records currently fetched but not yet done. */
  recordsPending: number;
  invocations: number;
  /** Invocations that threw, timed out or returned an invalid response. */
  functionErrors: number;
  /** Invocations whose partial batch response named at least one failed record. */
  partialFailures: number;
  /** Record retries (a record invoked again after it failed). */
  retries: number;
  /** Batches split in two after a function error. */
  bisects: number;
  /** Offset commits done. */
  commits: number;
  /** Sum of invocation durations (ms), for the mean. */
  invocationMs: number;
}
