/**
 * Exact size, in bytes, of the Kafka event the emulator hands to a function, computed without
 * serialising it. The event source mapping invokes the function when "the payload size reaches
 * 6 MB. You cannot modify this limit."
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching),
 * so a batch is cut before its next record would take the payload over that limit.
 * The sizes follow `encodeKafkaEvent` field for field; a unit test checks them against
 * `JSON.stringify(encodeKafkaEvent(...))`.
 */
import { type KafkaEvent, type RawKafkaRecord, topicPartitionKey } from '../../shared/kafka/msk-event.ts';

/** Lambda's synchronous invocation payload limit (6 MB = 6 × 1024 × 1024 bytes). */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);
const jsonStringBytes = (s: string) => Buffer.byteLength(JSON.stringify(s));

/** Characters of a JSON array of byte values, e.g. `[104,105]`. */
function byteArrayJsonLength(bytes: Buffer): number {
  let length = 2 + Math.max(0, bytes.length - 1);
  for (const b of bytes) length += b < 10 ? 1 : b < 100 ? 2 : 3;
  return length;
}

/**
 * Bytes of one record's JSON in the event (as `encodeKafkaEvent` writes it).
 * @example recordJsonBytes({ topic: 't', partition: 0, offset: 1, timestamp: 2, key: null, value: Buffer.from('x') })
 */
export function recordJsonBytes(record: RawKafkaRecord): number {
  let headers = 2;
  let headerCount = 0;
  for (const [name, v] of Object.entries(record.headers ?? {})) {
    if (v === undefined) continue;
    const bytes = typeof v === 'string' ? Buffer.from(v) : v;
    headers += 1 + jsonStringBytes(name) + 1 + byteArrayJsonLength(bytes) + 1;
    headerCount++;
  }
  headers += Math.max(0, headerCount - 1);
  const value = record.value == null ? 4 : 2 + base64Length(record.value.length);
  const key = record.key == null ? 0 : ',"key":'.length + 2 + base64Length(record.key.length);
  return (
    '{"topic":'.length +
    jsonStringBytes(record.topic) +
    ',"partition":'.length +
    String(record.partition).length +
    ',"offset":'.length +
    String(Number(record.offset)).length +
    ',"timestamp":'.length +
    String(Number(record.timestamp)).length +
    ',"timestampType":"CREATE_TIME","value":'.length +
    value +
    ',"headers":'.length +
    headers +
    key +
    1
  );
}

/** Bytes of the event with no records (its envelope). */
export function envelopeBytes(event: Omit<KafkaEvent, 'records'>): number {
  return Buffer.byteLength(JSON.stringify({ ...event, records: {} }));
}

/** Bytes one more topic-partition group adds (key, colon, brackets), without its records. */
export function groupOverheadBytes(topic: string, partition: number): number {
  return jsonStringBytes(topicPartitionKey(topic, partition)) + 3;
}

/**
 * Tracks the size of an event while records are added to it.
 * @example const size = new PayloadSize(envelope); if (size.fits(r, limit)) size.add(r);
 */
export class PayloadSize {
  private readonly groups = new Set<string>();
  bytes: number;

  constructor(envelope: number) {
    this.bytes = envelope;
  }

  /** Bytes the event would grow by with this record. */
  growthWith(record: { topic: string; partition: number; jsonBytes: number }): number {
    const group = topicPartitionKey(record.topic, record.partition);
    if (!this.groups.has(group)) {
      return (
        record.jsonBytes + groupOverheadBytes(record.topic, record.partition) + (this.groups.size > 0 ? 1 : 0)
      );
    }
    return record.jsonBytes + 1;
  }

  add(record: { topic: string; partition: number; jsonBytes: number }): void {
    this.bytes += this.growthWith(record);
    const group = topicPartitionKey(record.topic, record.partition);
    this.groups.add(group);
  }
}
