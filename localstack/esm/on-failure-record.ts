/**
 * The record Lambda writes to a Kafka on-failure destination, reproduced from
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html ("Record format
 * for a Kafka destination"): one message per failed record, whose value is a JSON document with
 * `requestContext`, `responseContext`, `version`, `timestamp`, `KafkaBatchInfo` and `payload` (the
 * Kafka event holding that one record, key/value base64 as invoked), and whose key is the original
 * record's key ("Lambda uses the same partition key from the original record when producing to the
 * destination topic"; no key → default partitioning).
 *
 * `condition` is `RetriesExhausted` as in that page's example, or `RecordAgeExceeded` for a record
 * older than MaximumRecordAgeInSeconds (the Kafka page shows only the former; this is the name
 * Lambda uses for the same condition on stream event sources).
 */
import type { KafkaEvent } from '../../shared/kafka/msk-event.ts';
import { encodeKafkaEvent } from '../../shared/kafka/msk-event.ts';
import type { FetchedRecord } from './fetched-record.ts';

/** Why a record went to the on-failure destination. */
export type OnFailureCondition = 'RetriesExhausted' | 'RecordAgeExceeded';

/** The last invocation that included the record, if any. */
export interface LastInvocation {
  readonly requestId: string;
  /** `Unhandled` when the function threw or timed out; absent for a partial batch failure. */
  readonly functionError?: 'Unhandled';
}

/** The JSON value of an on-failure record. */
export interface OnFailureDocument {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: OnFailureCondition;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  KafkaBatchInfo: {
    batchSize: number;
    eventSourceArn?: string;
    bootstrapServers: string;
    payloadSize: number;
    recordInfo: { offset: string; timestamp: string };
  };
  payload: KafkaEvent;
}

/** What is needed to describe one failed record. */
export interface OnFailureInput {
  readonly record: FetchedRecord;
  readonly condition: OnFailureCondition;
  /** Invocations that included the record. */
  readonly invokeCount: number;
  readonly lastInvocation?: LastInvocation;
  readonly functionArn: string;
  readonly bootstrapServers: string;
  readonly eventSourceArn?: string;
  readonly now: Date;
}

/**
 * Builds the Kafka message (key + JSON value) for one failed record.
 * @example buildOnFailureMessage({ record, condition: 'RetriesExhausted', invokeCount: 4, ... })
 */
export function buildOnFailureMessage(input: OnFailureInput): { key: Buffer | null; value: string } {
  const payload = encodeKafkaEvent([input.record], {
    bootstrapServers: input.bootstrapServers,
    ...(input.eventSourceArn ? { eventSourceArn: input.eventSourceArn } : {}),
  });
  const responseContext: OnFailureDocument['responseContext'] = {
    statusCode: 200,
    executedVersion: '$LATEST',
  };
  if (input.lastInvocation?.functionError) responseContext.functionError = input.lastInvocation.functionError;
  const doc: OnFailureDocument = {
    requestContext: {
      requestId: input.lastInvocation?.requestId ?? '00000000-0000-0000-0000-000000000000',
      functionArn: `${input.functionArn}:$LATEST`,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    responseContext,
    version: '1.0',
    timestamp: input.now.toISOString(),
    KafkaBatchInfo: {
      batchSize: 1,
      ...(payload.eventSourceArn ? { eventSourceArn: payload.eventSourceArn } : {}),
      bootstrapServers: input.bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(payload)),
      recordInfo: {
        offset: String(input.record.offset),
        timestamp: new Date(input.record.timestamp).toISOString(),
      },
    },
    payload,
  };
  return { key: input.record.key, value: JSON.stringify(doc) };
}
