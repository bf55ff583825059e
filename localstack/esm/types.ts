/**
 * Types of the local Kafka event source mapping (ESM) emulator. The AWS settings of a mapping are
 * `EventSourceMappingSettings` (`shared/pipeline/esm-settings.ts`, their one owner); these are the
 * emulator's own knobs, the handler it invokes and its counters.
 */

import type { KafkaEvent } from '../../shared/kafka/msk-event.ts';
import type { StageName } from '../../shared/pipeline/types.ts';

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
 * Any function the emulator can invoke with a Kafka event, as a handler module exports it (the
 * stage runtime's `KafkaHandler` is one). It returns (or resolves to) a partial batch response, or
 * nothing; the emulator reads the value with `readBatchResponse`.
 */
export type KafkaEventHandler = (event: KafkaEvent, context: LambdaContextLike) => unknown;

/** Where a handler comes from (a Kafka event handler unless `H` says otherwise). */
export type HandlerSource<H = KafkaEventHandler> =
  | { readonly kind: 'function'; readonly handler: H }
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
