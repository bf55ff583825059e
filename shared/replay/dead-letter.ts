/**
 * A dead letter as the replay job sees it: the original record (key, bytes, headers, where it
 * came from) and why it failed, whatever format the dead-letter topic holds it in.
 */
import type { RecordHeaders } from '../kafka/types.ts';

/** Which writer produced the dead letter. */
export type DeadLetterFormat =
  /** ORION's stage runtime: the original record with failure headers (a reject topic). */
  | 'orion'
  /** A Lambda event source mapping's Kafka on-failure destination (a dead-letter topic). */
  | 'aws-on-failure'
  /** Neither: replayable only to an explicit target. */
  | 'unknown';

/** Coordinates of a Kafka record. */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** One original record held by a dead letter. */
export interface DeadLetter {
  /** Where the dead letter sits in the dead-letter topic. */
  readonly at: RecordCoordinates;
  /** Position of this original record inside the dead-letter record (AWS may hold a batch). */
  readonly index: number;
  /** How many original records the dead-letter record holds. */
  readonly of: number;
  readonly format: DeadLetterFormat;
  /** Where the original record was read from, when known. */
  readonly source?: RecordCoordinates;
  /** Original record timestamp (epoch ms), when known. */
  readonly sourceTimestamp?: number;
  readonly key: Buffer | null;
  /** The original bytes. */
  readonly value: Buffer | null;
  /** The original record's headers, failure metadata removed. */
  readonly headers: RecordHeaders;
  /** Reason code (ORION) or AWS failure condition, e.g. `RetryAttemptsExhausted`. */
  readonly reason: string;
  /** Human-readable detail, if any (never contains personal data). */
  readonly message?: string;
  /** Stage that failed, if known. */
  readonly stage?: string;
  /** When the failure was recorded (epoch ms), if known. */
  readonly failedAt?: number;
  /** Times the original record was already replayed (0 if never). */
  readonly replayCount: number;
}
