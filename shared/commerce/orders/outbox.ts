/**
 * Outbox entries: what the API writes beside each order, in the same transaction, for the
 * publisher to send to Kafka (layout: `tables.ts`, `order-outbox`), and the publisher's strict
 * reading of an entry from its stream image ({@link decodeOutboxImage}).
 */
import type { AttributeValue } from 'aws-lambda';
import { COMMERCE_TOPIC } from '../routing.ts';
import { OUTBOX_TTL_SECONDS } from './constants.ts';
import type { OrderCreatedEvent } from './model/schemas.ts';

/** Kafka headers the publisher sets on the record (all strings). */
export interface OutboxKafkaHeaders {
  /** W3C `traceparent` naming the API's span. */
  readonly traceparent: string;
  readonly tracestate?: string;
  readonly correlation_id: string;
  readonly event_type: string;
  readonly event_id: string;
  readonly content_type: 'application/json';
}

/** One item of the outbox table. */
export interface OutboxEntry {
  /** Partition key: the order id. */
  readonly aggregate_id: string;
  /** Sort key: 1 for `order_created`, then one more per later event of the order. */
  readonly sequence: number;
  readonly aggregate_type: 'order';
  readonly event_id: string;
  readonly event_type: string;
  /** Kafka topic to publish to. */
  readonly topic: string;
  /** Kafka key: the order id (all events of an order on one partition, in order). */
  readonly message_key: string;
  /** The Kafka value: the event as JSON text, sent unchanged. */
  readonly payload: string;
  readonly kafka_headers: OutboxKafkaHeaders;
  /** ISO 8601. */
  readonly created_at: string;
  /** Epoch seconds (TTL). */
  readonly expires_at: number;
  /** Set by the publisher once the entry is on Kafka (ISO 8601, the first time); absent: not yet. */
  readonly published_at?: string;
  /** The topic the publisher sent the entry to (`topic`, or the reject topic for a malformed entry). */
  readonly published_topic?: string;
  /** Set with `published_at` when the entry was malformed and went to the reject topic. */
  readonly reject_reason?: string;
}

/** Attributes the publisher's mark sets on an entry (`published_at` first, kept on a re-mark). */
export const OUTBOX_MARK_ATTRIBUTE = {
  publishedAt: 'published_at',
  publishedTopic: 'published_topic',
  rejectReason: 'reject_reason',
} as const;

/**
 * The outbox entry publishing an `order_created` event.
 * @example const entry = outboxEntryOf(orderCreatedEvent(order), Date.now());
 */
export function outboxEntryOf(
  event: OrderCreatedEvent,
  nowMs: number,
  options: { readonly topic?: string; readonly ttlSeconds?: number } = {},
): OutboxEntry {
  const { metadata } = event;
  return {
    aggregate_id: event.order_id,
    sequence: 1,
    aggregate_type: 'order',
    event_id: event.event_id,
    event_type: event.event_type,
    topic: options.topic ?? COMMERCE_TOPIC.orders,
    message_key: event.order_id,
    payload: JSON.stringify(event),
    kafka_headers: {
      traceparent: metadata.traceparent,
      ...(metadata.tracestate ? { tracestate: metadata.tracestate } : {}),
      correlation_id: metadata.correlation_id,
      event_type: event.event_type,
      event_id: event.event_id,
      content_type: 'application/json',
    },
    created_at: new Date(nowMs).toISOString(),
    expires_at: Math.floor(nowMs / 1000) + (options.ttlSeconds ?? OUTBOX_TTL_SECONDS),
  };
}

/**
 * Why the publisher refused an outbox entry (it goes to the reject topic with the reason, and
 * the stream moves on). The API never writes such an entry; these defend against hand-made or
 * foreign items.
 */
export const OUTBOX_REJECT_REASON = {
  /** An `INSERT` record without `NewImage` (a stream view type without new images). */
  NO_IMAGE: 'OUTBOX_NO_IMAGE',
  /** A required attribute or Kafka header is absent. */
  MISSING_ATTRIBUTE: 'OUTBOX_MISSING_ATTRIBUTE',
  /** An attribute has the wrong DynamoDB type or value (empty string, sequence not a positive integer, header not a string…). */
  INVALID_ATTRIBUTE: 'OUTBOX_INVALID_ATTRIBUTE',
  /** `payload` is not the JSON text of an object. */
  PAYLOAD_NOT_JSON: 'OUTBOX_PAYLOAD_NOT_JSON',
  /** `message_key` is not the order id (`aggregate_id`): the order's events would leave its partition. */
  KEY_MISMATCH: 'OUTBOX_KEY_MISMATCH',
  /** `topic` is not one the publisher writes (its definition's output topics). */
  UNKNOWN_TOPIC: 'OUTBOX_UNKNOWN_TOPIC',
} as const;

/** One of the {@link OUTBOX_REJECT_REASON} codes. */
export type OutboxRejectReason = (typeof OUTBOX_REJECT_REASON)[keyof typeof OUTBOX_REJECT_REASON];

/** Kafka headers an entry must carry (the consumer's de-duplication key, its switch, the trace). */
export const OUTBOX_REQUIRED_HEADERS = [
  'traceparent',
  'correlation_id',
  'event_type',
  'event_id',
  'content_type',
] as const;

/** What the publisher reads of an entry: enough to send it, nothing it does not check. */
export interface DecodedOutboxEntry {
  readonly aggregate_id: string;
  readonly sequence: number;
  readonly event_id: string;
  readonly event_type: string;
  readonly topic: string;
  readonly message_key: string;
  /** The Kafka value, exactly as stored. */
  readonly payload: string;
  /** Every header of the entry (all strings), the required ones included. */
  readonly kafka_headers: Readonly<Record<(typeof OUTBOX_REQUIRED_HEADERS)[number], string>> &
    Readonly<Record<string, string>>;
  /** ISO 8601, when present and a string (the publisher's pipeline age). */
  readonly created_at?: string;
}

/** The decoder's answer: the entry, or why it cannot be published (attribute names only, never values). */
export type OutboxDecodeResult =
  | { readonly ok: true; readonly entry: DecodedOutboxEntry }
  | { readonly ok: false; readonly reason: OutboxRejectReason; readonly message: string };

/** A stream image: attribute name → DynamoDB JSON value (as the Lambda event carries it). */
export type OutboxStreamImage = Readonly<Record<string, AttributeValue>>;

const SEQUENCE = /^[1-9][0-9]{0,15}$/;

/**
 * Reads an outbox entry from its stream image (`NewImage` of an `INSERT` record), strictly: every
 * attribute the publisher sends must be there with its DynamoDB type (`S` strings, `N` sequence,
 * `M` of `S` headers), `payload` must be the JSON text of an object, `message_key` the order id.
 * Never throws; a refusal names the attribute, not its value (the image holds customer data).
 *
 * @example
 * const decoded = decodeOutboxImage(record.dynamodb?.NewImage);
 * if (decoded.ok) producer.send([{ topic: decoded.entry.topic, key: decoded.entry.message_key, value: decoded.entry.payload }]);
 */
export function decodeOutboxImage(image: OutboxStreamImage | undefined): OutboxDecodeResult {
  if (!image || typeof image !== 'object') {
    return refuse(
      'NO_IMAGE',
      'the INSERT record carries no NewImage (stream view type must include new images)',
    );
  }
  const strings: Record<string, string> = {};
  for (const name of ['aggregate_id', 'event_id', 'event_type', 'topic', 'message_key', 'payload'] as const) {
    const read = stringAttribute(image, name);
    if (!read.ok) return read;
    strings[name] = read.value;
  }
  const sequence = sequenceOf(image.sequence);
  if (!sequence.ok) return sequence;
  const headers = headersOf(image.kafka_headers);
  if (!headers.ok) return headers;
  if (strings.message_key !== strings.aggregate_id) {
    return refuse('KEY_MISMATCH', 'message_key differs from aggregate_id (the order id)');
  }
  if (!isJsonObjectText(strings.payload!)) {
    return refuse('PAYLOAD_NOT_JSON', 'payload is not the JSON text of an object');
  }
  const createdAt = image.created_at?.S;
  return {
    ok: true,
    entry: {
      aggregate_id: strings.aggregate_id!,
      sequence: sequence.value,
      event_id: strings.event_id!,
      event_type: strings.event_type!,
      topic: strings.topic!,
      message_key: strings.message_key!,
      payload: strings.payload!,
      kafka_headers: headers.value as DecodedOutboxEntry['kafka_headers'],
      ...(typeof createdAt === 'string' ? { created_at: createdAt } : {}),
    },
  };
}

type Refusal = OutboxDecodeResult & { readonly ok: false };
type Read<T> = { readonly ok: true; readonly value: T } | Refusal;

function refuse(reason: keyof typeof OUTBOX_REJECT_REASON, message: string): Refusal {
  return { ok: false, reason: OUTBOX_REJECT_REASON[reason], message };
}

function stringAttribute(image: OutboxStreamImage, name: string): Read<string> {
  const value = image[name];
  if (value === undefined || value === null) return refuse('MISSING_ATTRIBUTE', `${name} is missing`);
  if (typeof value.S !== 'string') return refuse('INVALID_ATTRIBUTE', `${name} is not a string (S)`);
  if (value.S.length === 0) return refuse('INVALID_ATTRIBUTE', `${name} is empty`);
  return { ok: true, value: value.S };
}

function sequenceOf(value: AttributeValue | undefined): Read<number> {
  if (value === undefined || value === null) return refuse('MISSING_ATTRIBUTE', 'sequence is missing');
  if (typeof value.N !== 'string' || !SEQUENCE.test(value.N) || !Number.isSafeInteger(Number(value.N))) {
    return refuse('INVALID_ATTRIBUTE', 'sequence is not a positive whole number (N)');
  }
  return { ok: true, value: Number(value.N) };
}

function headersOf(value: AttributeValue | undefined): Read<Record<string, string>> {
  if (value === undefined || value === null) return refuse('MISSING_ATTRIBUTE', 'kafka_headers is missing');
  if (!value.M || typeof value.M !== 'object') {
    return refuse('INVALID_ATTRIBUTE', 'kafka_headers is not a map (M)');
  }
  // Null prototype: a header literally named `__proto__` stays an ordinary header.
  const headers: Record<string, string> = Object.create(null);
  for (const [name, header] of Object.entries(value.M)) {
    if (typeof header?.S !== 'string') {
      return refuse('INVALID_ATTRIBUTE', `kafka_headers.${headerName(name)} is not a string (S)`);
    }
    headers[name] = header.S;
  }
  for (const name of OUTBOX_REQUIRED_HEADERS) {
    if (!headers[name]) return refuse('MISSING_ATTRIBUTE', `kafka_headers.${name} is missing or empty`);
  }
  return { ok: true, value: headers };
}

/** A header name for a message: printable ASCII, at most 64 characters (names are not customer data). */
function headerName(name: string): string {
  return /^[\x21-\x7e]{1,64}$/.test(name) ? name : '(unprintable)';
}

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
