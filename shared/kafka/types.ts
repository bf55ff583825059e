/**
 * Types of the Kafka package: how a client authenticates, header values as they are written and
 * read, and the decoded record every reader of a topic sees (the stage runtime, the replay job,
 * the emulator and the CLI).
 */

/**
 * How a client authenticates to Kafka: `none` = plaintext (local), `msk-iam` = SASL
 * OAUTHBEARER over TLS with an IAM token (Amazon MSK).
 */
export type KafkaAuth = 'none' | 'msk-iam';

/** A header value as ORION writes it: UTF-8 text or raw bytes. */
export type HeaderValue = Buffer | string;

/** Headers as ORION writes them (producer input). */
export type OutgoingHeaders = Readonly<Record<string, HeaderValue>>;

/** Headers of a decoded record: one Buffer per name (a repeated header keeps its last value). */
export type RecordHeaders = Readonly<Record<string, Buffer>>;

/**
 * Headers as read back from any source: kafkajs and the MSK event give Buffers, callers building
 * records by hand give strings; an absent value is skipped.
 */
export type ReadHeaders = Readonly<Record<string, HeaderValue | undefined | null>>;

/**
 * One decoded Kafka record. Decoded from the MSK event by the runtime (or from a kafkajs message
 * by a reader); a stage's domain code never sees base64 or the event shape.
 *
 * @example
 * const record: StageRecord = { topic: 'orders', partition: 0, offset: 12, timestamp: Date.now(),
 *   key: Buffer.from('customer-7'), value: Buffer.from('{}'), headers: {} };
 */
export interface StageRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Broker or producer timestamp, epoch ms. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  /** The record's original bytes (`null` for a tombstone). */
  readonly value: Buffer | null;
  /** Headers decoded to Buffers; a repeated header keeps its last value. */
  readonly headers: RecordHeaders;
}

/**
 * Headers as the Lambda Kafka event carries them: a list of single-entry objects whose value is
 * the header's bytes as numbers, e.g. `[{ "traceparent": [48, 48, 45] }]`.
 */
export type EventHeaders = Array<Record<string, number[]>>;
