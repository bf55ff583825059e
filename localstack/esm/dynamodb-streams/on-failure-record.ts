/**
 * The invocation record Lambda sends to a DynamoDB Streams mapping's on-failure destination, from
 * "Retain discarded records for a DynamoDB event source in Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html), example
 * invocation record:
 *
 * ```json
 * { "requestContext": { "requestId": "316aa6d0-…", "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
 *                       "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 1 },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "version": "1.0", "timestamp": "2019-11-14T00:13:49.717Z",
 *   "DDBStreamBatchInfo": { "shardId": "shardId-00000001573689847184-864758bb",
 *     "startSequenceNumber": "800000000003126276362", "endSequenceNumber": "800000000003126276362",
 *     "approximateArrivalOfFirstRecord": "2019-11-14T00:13:19Z", "approximateArrivalOfLastRecord": "2019-11-14T00:13:19Z",
 *     "batchSize": 1, "streamArn": "arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388" } }
 * ```
 *
 * It describes the discarded batch (its shard and sequence range), not its data: "The actual
 * records aren't included, so you must process this record and retrieve them from the stream
 * before they expire" (AWS adds the invocation payload only for an Amazon S3 destination, which
 * the emulator does not model). One record per discarded batch (or part of a batch).
 *
 * `condition` is `RetryAttemptsExhausted` as in the example, or `RecordAgeExceeded` for records
 * older than `MaximumRecordAgeInSeconds` (the page shows only the former; the emulator uses the
 * same name for that condition as its Kafka on-failure records).
 */
import type { ExhaustedRecord } from '../batch-processor.ts';
import type { ShardRecord } from './event.ts';

/** Why a batch was discarded. */
export type StreamOnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** The JSON document an SQS queue or SNS topic destination receives. */
export interface DynamoDbStreamOnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: StreamOnFailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** Request id written when no invocation included the records (given up for age before any). */
const NO_REQUEST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The invocation record for records of one shard given up together (sequence order).
 * @example buildStreamOnFailureRecord(exhausted, { functionArn, streamArn, now: new Date() }).DDBStreamBatchInfo.batchSize
 */
export function buildStreamOnFailureRecord(
  exhausted: readonly ExhaustedRecord<ShardRecord>[],
  context: { readonly functionArn: string; readonly streamArn: string; readonly now: Date },
): DynamoDbStreamOnFailureRecord {
  const first = exhausted[0];
  const last = exhausted[exhausted.length - 1];
  if (!first || !last) throw new RangeError('An on-failure record needs at least one record');
  const invoked = exhausted.filter((e) => e.lastInvocation !== undefined);
  const latest = invoked[invoked.length - 1]?.lastInvocation;
  const functionError = invoked.find((e) => e.lastInvocation?.functionError)?.lastInvocation?.functionError;
  return {
    requestContext: {
      requestId: latest?.requestId ?? NO_REQUEST_ID,
      functionArn: context.functionArn,
      condition: first.condition === 'RecordAgeExceeded' ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted',
      approximateInvokeCount: Math.max(...exhausted.map((e) => e.invokeCount)),
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(functionError ? { functionError } : {}),
    },
    version: '1.0',
    timestamp: context.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: first.record.shardId,
      startSequenceNumber: first.record.id,
      endSequenceNumber: last.record.id,
      approximateArrivalOfFirstRecord: arrivalOf(first.record),
      approximateArrivalOfLastRecord: arrivalOf(last.record),
      batchSize: exhausted.length,
      streamArn: context.streamArn,
    },
  };
}

/** `ApproximateCreationDateTime` as in the example (`2019-11-14T00:13:19Z`, whole seconds). */
function arrivalOf(record: ShardRecord): string {
  const seconds = record.record.dynamodb?.ApproximateCreationDateTime ?? Math.floor(record.timestamp / 1000);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
