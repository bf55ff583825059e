/**
 * Commerce events on the wire: UTF-8 JSON, one object per Kafka value, keyed by `user_id`.
 */
import type { CommerceEvent } from './schemas.ts';

const ENCODER = new TextEncoder();

/**
 * The Kafka value of an event: its JSON as UTF-8 bytes.
 * @example producer.send({ key: event.user_id, value: encodeEvent(event) })
 */
export function encodeEvent(event: CommerceEvent | Readonly<Record<string, unknown>>): Uint8Array {
  return ENCODER.encode(JSON.stringify(event));
}
