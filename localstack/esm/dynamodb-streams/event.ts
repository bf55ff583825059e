/**
 * The event Lambda invokes a function with for a DynamoDB stream, built from the stream's records
 * (`GetRecords`). Shape from "Using AWS Lambda with Amazon DynamoDB", example event
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html):
 *
 * ```json
 * { "Records": [ { "eventID": "1", "eventName": "INSERT", "eventVersion": "1.0", "eventSource": "aws:dynamodb",
 *     "awsRegion": "us-west-2",
 *     "dynamodb": { "ApproximateCreationDateTime": 1480452540, "Keys": {…}, "NewImage": {…}, "OldImage": {…},
 *                   "SequenceNumber": "111", "SizeBytes": 26, "StreamViewType": "NEW_AND_OLD_IMAGES" },
 *     "eventSourceARN": "arn:aws:dynamodb:us-west-2:111122223333:table/TestTable/stream/2015-05-11T21:21:33.291" } ] }
 * ```
 *
 * - `eventSourceARN` is the stream's ARN (GetRecords does not return it; Lambda adds it);
 * - `ApproximateCreationDateTime` is UNIX epoch seconds (the SDK parses it into a `Date`);
 * - attribute values are DynamoDB JSON, binary (`B`, `BS`) as base64 strings, as in any Lambda event;
 * - `userIdentity` (TTL deletions: `{ "type": "Service", "principalId": "dynamodb.amazonaws.com" }`)
 *   is kept when the stream has it;
 * - the other fields are the stream's own (DynamoDB Local says `awsRegion: "ddblocal"`,
 *   `eventVersion: "1.1"`).
 *
 * The types are `@types/aws-lambda`'s `DynamoDBStreamEvent` / `DynamoDBRecord`.
 */
import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import type { BatchRecord } from '../batch-processor.ts';

/** A record read from a shard, with what the mapping needs precomputed. */
export interface ShardRecord extends BatchRecord {
  /** The record's sequence number (also its `id`: the partial batch response's `itemIdentifier`). */
  readonly id: string;
  readonly shardId: string;
  /** Estimated write time in ms ({@link estimateWrittenAt}), for `MaximumRecordAgeInSeconds`. */
  readonly timestamp: number;
  /** The record as the event carries it. */
  readonly record: DynamoDBRecord;
  /** Bytes of `record` in the event's JSON. */
  readonly jsonBytes: number;
  /** The item's key (`Keys` as JSON): records of one item stay in order with ParallelizationFactor > 1. */
  readonly itemKey: string;
}

/** Bytes of `{"Records":[]}`. */
const EVENT_ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

/**
 * Converts a `GetRecords` record into the event's record and its bookkeeping.
 * @example toShardRecord(sdkRecord, { streamArn, shardId: 'shardId-0001', readAt: Date.now() })
 */
export function toShardRecord(
  source: SdkRecord,
  where: { readonly streamArn: string; readonly shardId: string; readonly readAt: number },
): ShardRecord {
  const record = toLambdaRecord(source, where.streamArn);
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  const approximate = source.dynamodb?.ApproximateCreationDateTime;
  return {
    id: sequenceNumber,
    shardId: where.shardId,
    timestamp: estimateWrittenAt(approximate ? approximate.getTime() : undefined, where.readAt),
    record,
    jsonBytes: Buffer.byteLength(JSON.stringify(record)),
    itemKey: JSON.stringify(record.dynamodb?.Keys ?? {}),
  };
}

/**
 * The event's record for a `GetRecords` record of the stream `streamArn`, fields in the order of
 * AWS's example.
 * @example toLambdaRecord(sdkRecord, 'arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2026-01-01T00:00:00.000').eventSource // 'aws:dynamodb'
 */
export function toLambdaRecord(source: SdkRecord, streamArn: string): DynamoDBRecord {
  const ddb = source.dynamodb ?? {};
  const dynamodb: StreamRecord = {};
  if (ddb.ApproximateCreationDateTime) {
    dynamodb.ApproximateCreationDateTime = Math.floor(ddb.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (ddb.Keys) dynamodb.Keys = toLambdaImage(ddb.Keys);
  if (ddb.NewImage) dynamodb.NewImage = toLambdaImage(ddb.NewImage);
  if (ddb.OldImage) dynamodb.OldImage = toLambdaImage(ddb.OldImage);
  if (ddb.SequenceNumber !== undefined) dynamodb.SequenceNumber = ddb.SequenceNumber;
  if (ddb.SizeBytes !== undefined) dynamodb.SizeBytes = ddb.SizeBytes;
  if (ddb.StreamViewType) dynamodb.StreamViewType = ddb.StreamViewType;
  const record: DynamoDBRecord = {};
  if (source.eventID !== undefined) record.eventID = source.eventID;
  if (source.eventName) record.eventName = source.eventName;
  if (source.eventVersion !== undefined) record.eventVersion = source.eventVersion;
  record.eventSource = source.eventSource ?? 'aws:dynamodb';
  if (source.awsRegion !== undefined) record.awsRegion = source.awsRegion;
  record.dynamodb = dynamodb;
  record.eventSourceARN = streamArn;
  if (source.userIdentity) {
    record.userIdentity = { type: source.userIdentity.Type, principalId: source.userIdentity.PrincipalId };
  }
  return record;
}

/**
 * The event for a batch: `{ Records: [...] }`, in shard order.
 * @example streamEvent(batch).Records.length // batch.length
 */
export function streamEvent(records: readonly ShardRecord[]): DynamoDBStreamEvent {
  return { Records: records.map((r) => r.record) };
}

/**
 * Exact bytes of the event's JSON for records of these sizes (`{"Records":[r1,r2,…]}`).
 * @example eventBytes([]) // 14
 */
export function eventBytes(records: readonly Pick<ShardRecord, 'jsonBytes'>[]): number {
  let bytes = EVENT_ENVELOPE_BYTES + Math.max(0, records.length - 1);
  for (const r of records) bytes += r.jsonBytes;
  return bytes;
}

/**
 * The best estimate of when a record was written: `ApproximateCreationDateTime` is rounded down
 * (AWS: to the second; DynamoDB Local: to the minute), so the write happened in
 * `[approximate, approximate + 60 s)` and no later than it was read. Record age is measured from
 * this, so a record read at once is not given up up to a minute early because of the rounding.
 *
 * @example estimateWrittenAt(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:42Z')) // …00:42
 */
export function estimateWrittenAt(approximateMs: number | undefined, readAt: number): number {
  if (approximateMs === undefined) return readAt;
  return Math.min(Math.max(readAt, approximateMs), approximateMs + 59_999);
}

/**
 * Orders two sequence numbers (numeric strings, compared as integers).
 * @example compareSequenceNumbers('9', '10') // -1
 */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(image)) out[name] = toLambdaValue(value);
  return out;
}

/** One attribute value in the event's DynamoDB JSON (binary as base64). */
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new TypeError(`Unknown DynamoDB attribute value type: ${Object.keys(value).join(',')}`);
}
