/**
 * Types of the DynamoDB Streams event source mapping emulator: the handler it invokes, where the
 * handler comes from, what a caller gives to start a mapping, and its counters. The AWS settings
 * are `DynamoDbStreamMappingSettings` (`settings.ts`, their one owner).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { BatchCounters } from '../batch-processor.ts';
import type { LambdaContextLike } from '../types.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { DynamoDbStreamOnFailureRecord } from './on-failure-record.ts';
import type { DynamoDbStreamMappingInput } from './settings.ts';

/**
 * A function the mapping can invoke, as a handler module exports it (`DynamoDBStreamHandler` of
 * `@types/aws-lambda` is one). It returns (or resolves to) a `DynamoDBBatchResponse`, or nothing.
 */
export type DynamoDbStreamEventHandler = (event: DynamoDBStreamEvent, context: LambdaContextLike) => unknown;

/** The handler: a function, a module path (export `handler`), or a module and export name. */
export type StreamHandlerInput =
  | DynamoDbStreamEventHandler
  | string
  | { readonly path: string; readonly exportName?: string };

/** Receives each on-failure invocation record (what an SQS queue or SNS topic destination gets). */
export type StreamOnFailureSink = (record: DynamoDbStreamOnFailureRecord) => void | Promise<void>;

/** What {@link startDynamoDbStreamMapping} needs: a table or stream, a handler, AWS settings, knobs. */
export interface StartDynamoDbStreamMappingOptions
  extends Omit<DynamoDbStreamMappingInput, 'eventSourceArn' | 'functionName'> {
  /** The table whose latest stream is read (`DescribeTable` → `LatestStreamArn`). Or `streamArn`. */
  readonly tableName?: string;
  /** The stream's ARN (`EventSourceArn`). Or `tableName`. */
  readonly streamArn?: string;
  readonly handler: StreamHandlerInput;
  /** `FunctionName`, for the context and the on-failure record. @default `<table>-stream-handler` */
  readonly functionName?: string;
  /** Shorthand for `functionResponseTypes: ['ReportBatchItemFailures']`. */
  readonly reportBatchItemFailures?: boolean;
  /** The on-failure destination (`DestinationConfig.OnFailure`). Without one, discarded batches are dropped. */
  readonly onFailure?: StreamOnFailureSink;
  /** Where checkpoints are kept; give the same store to a later mapping to resume. @default a new in-memory store */
  readonly checkpoints?: CheckpointStore;
  /** The mapping's identity in the store (AWS: its UUID). @default `<functionName>@<streamArn>` */
  readonly mappingId?: string;
  /** DynamoDB endpoint and Region. @default `DYNAMODB_ENDPOINT` else DynamoDB Local on :8000; `AWS_REGION` else us-east-1 */
  readonly endpoint?: string;
  readonly region?: string;
  /** Clients to use instead of making them (not closed by the mapping). */
  readonly clients?: { readonly dynamodb?: DynamoDBClient; readonly streams?: DynamoDBStreamsClient };
  /** Delay between reads of a shard that had nothing new. @default 250 ms (AWS: "4 times per second") */
  readonly pollIntervalMs?: number;
  /** Delay between `DescribeStream` calls looking for new shards. @default 1 000 ms */
  readonly shardDiscoveryIntervalMs?: number;
  /** First retry delay, doubling up to `retryBackoffMaxMs` (AWS does not document its delay). @default 500 ms */
  readonly retryBackoffMs?: number;
  /** @default 5 000 ms */
  readonly retryBackoffMaxMs?: number;
  /** An invocation running longer is a function error. @default 60 000 ms */
  readonly functionTimeoutMs?: number;
  /** Errors the mapping survives (a failed read, an expired iterator, a failing sink …). @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** Live counters of one mapping (all shards). `recordsIn = recordsSucceeded + recordsOnFailure + recordsPending`. */
export interface StreamMappingCounters extends BatchCounters {
  readonly mappingId: string;
  readonly streamArn: string;
  /** Records read from the stream. */
  recordsIn: number;
  /** Records read and not yet done. */
  recordsPending: number;
  /** On-failure invocation records written to the sink. */
  onFailureRecords: number;
  /** Shard checkpoints saved. */
  checkpoints: number;
  /** Shards being read. */
  shardsActive: number;
  /** Shards read to their end. */
  shardsEnded: number;
}
