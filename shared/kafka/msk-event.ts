/**
 * The Lambda event for Amazon MSK and self-managed Kafka event sources, as AWS documents it:
 * records grouped by `"<topic>-<partition>"`, key and value base64-encoded, headers as a list of
 * single-entry objects whose value is an array of byte values.
 */
import { headersFromEvent, headersToEvent } from './headers.ts';
import type { EventHeaders, HeaderValue, StageRecord } from './types.ts';

/** One record of a Kafka event. */
export interface KafkaEventRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Epoch milliseconds. */
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  /** base64; absent when the record has no key. */
  key?: string;
  /** base64; absent (or null) for a tombstone. */
  value?: string | null;
  /** e.g. `[{ "headerKey": [104, 101] }]`. */
  headers: EventHeaders;
}

/** The whole Kafka event. */
export interface KafkaEvent {
  eventSource: 'aws:kafka' | 'SelfManagedKafka';
  /** MSK cluster ARN (MSK only). */
  eventSourceArn?: string;
  /** Comma-separated bootstrap servers. */
  bootstrapServers: string;
  records: Record<string, KafkaEventRecord[]>;
}

/**
 * The item identifier of a Kafka partial batch response. Unlike SQS/Kinesis (a string), AWS
 * expects an object for Kafka event sources: `partition`, the `records` group key
 * (`"<topic>-<partition>"`), and `offset`, a number. The Lambda developer guide, "Configuring
 * error handling controls for Kafka event sources", section "PartialBatchResponse"
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html#kafka-partial-batch-response):
 * "To report batch errors, you will use this JSON schema:
 * `{ "batchItemFailures": [ { "itemIdentifier": { "partition": "topic-partition_number", "offset": 100 } } ] }`"
 * (its Node.js example sets `partition` to topic + "-" + partition and `offset` to `Number(offset)`),
 * and "Any invalid topic-partition_number or offset returned that was not present in the invoked
 * event will be treated as failure and entire batch will be retried." Powertools for AWS Lambda
 * (Python) reports the same shape since its Kafka batch support (aws-powertools/powertools-lambda-python#7941:
 * `KafkaItemIdentifier = { partition: str, offset: int }`). The stage runtime names every record
 * it did not settle (see `shared/runtime/batch-plan.ts`).
 */
export interface KafkaItemIdentifier {
  /** The topic-partition key, e.g. `orders-3`. */
  partition: string;
  offset: number;
}

/** Partial batch response item for Kafka event sources. */
export interface BatchItemFailure {
  itemIdentifier: KafkaItemIdentifier;
}

/** What a handler with `ReportBatchItemFailures` returns. */
export interface KafkaBatchResponse {
  batchItemFailures: BatchItemFailure[];
}

/** The `records` group key of a topic-partition, e.g. `orders-3`. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * A record's identifier as ORION writes it in logs and keys in-memory maps: `"<topic>-<partition>@<offset>"`.
 * @example kafkaItemIdentifier('orders', 3, 1200) // 'orders-3@1200'
 */
export function kafkaItemIdentifier(topic: string, partition: number, offset: number): string {
  return `${topic}-${partition}@${offset}`;
}

/**
 * The `itemIdentifier` AWS expects in `batchItemFailures` for a Kafka record.
 * @example batchItemIdentifier('orders', 3, 1200) // { partition: 'orders-3', offset: 1200 }
 */
export function batchItemIdentifier(topic: string, partition: number, offset: number): KafkaItemIdentifier {
  return { partition: topicPartitionKey(topic, partition), offset };
}

/**
 * A readable form of a batch item identifier, for logs and error messages.
 * @example formatItemIdentifier({ partition: 'orders-3', offset: 1200 }) // 'orders-3@1200'
 */
export function formatItemIdentifier(id: KafkaItemIdentifier): string {
  return `${id.partition}@${id.offset}`;
}

/** Decodes every record of a Kafka event, in event order (partition by partition, by offset). */
export function decodeKafkaEvent(event: KafkaEvent): StageRecord[] {
  const out: StageRecord[] = [];
  for (const records of Object.values(event.records)) {
    for (const r of records) {
      out.push({
        topic: r.topic,
        partition: r.partition,
        offset: Number(r.offset),
        timestamp: Number(r.timestamp),
        key: r.key == null ? null : Buffer.from(r.key, 'base64'),
        value: r.value == null ? null : Buffer.from(r.value, 'base64'),
        headers: headersFromEvent(r.headers),
      });
    }
  }
  return out;
}

/** Input of {@link encodeKafkaEvent}: a record as read from the broker. */
export interface RawKafkaRecord {
  topic: string;
  partition: number;
  offset: number | string;
  timestamp: number | string;
  key: Buffer | null;
  value: Buffer | null;
  /** Absent values are skipped (see `headersToEvent`). */
  headers?: Readonly<Record<string, HeaderValue | undefined>>;
}

/**
 * Builds the Kafka event AWS would deliver for these records (used by the ESM emulator and tests).
 * @example encodeKafkaEvent(records, { bootstrapServers: '127.0.0.1:9092' })
 */
export function encodeKafkaEvent(
  records: readonly RawKafkaRecord[],
  options: { bootstrapServers: string; eventSourceArn?: string; eventSource?: KafkaEvent['eventSource'] },
): KafkaEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  for (const r of records) {
    const group = topicPartitionKey(r.topic, r.partition);
    const record: KafkaEventRecord = {
      topic: r.topic,
      partition: r.partition,
      offset: Number(r.offset),
      timestamp: Number(r.timestamp),
      timestampType: 'CREATE_TIME',
      value: r.value == null ? null : r.value.toString('base64'),
      headers: headersToEvent(r.headers),
    };
    if (r.key != null) record.key = r.key.toString('base64');
    const list = grouped[group] ?? [];
    list.push(record);
    grouped[group] = list;
  }
  const eventSource = options.eventSource ?? 'aws:kafka';
  const event: KafkaEvent = { eventSource, bootstrapServers: options.bootstrapServers, records: grouped };
  if (eventSource === 'aws:kafka') {
    event.eventSourceArn =
      options.eventSourceArn ??
      'arn:aws:kafka:us-east-1:000000000000:cluster/orion-local/00000000-0000-0000-0000-000000000000-1';
  }
  return event;
}
