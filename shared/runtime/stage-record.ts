/**
 * One decoded Kafka record as a stage's domain code sees it. Decoded from the MSK event by the
 * runtime; the domain code never sees base64 or the event shape.
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
  readonly headers: Readonly<Record<string, Buffer>>;
}
