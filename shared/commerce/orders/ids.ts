/**
 * Order ids: RFC 9562 UUID version 7 (48-bit Unix milliseconds, then 74 random bits).
 *
 * Why v7 rather than v4: ids sort by creation time, so the event store the order consumer
 * appends to (PostgreSQL in the PubSubKafka seed, a B-tree on `order_id`) inserts at the end of
 * its index instead of at random pages, and logs and listings read in order. DynamoDB hashes
 * the partition key, so the time prefix makes no hot partition there. The id reveals when the
 * order was created, which `created_at` says anyway; the 74 random bits keep it unguessable
 * enough for an id that is no secret (never an authorisation token).
 */
import { randomFillSync } from 'node:crypto';

const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A new UUID v7 for the time `nowMs` (epoch ms). `random` fills the 10 random bytes (tests).
 * @example uuidV7(Date.UTC(2026, 0, 1)) // '019b7c4a-7000-7…'
 */
export function uuidV7(
  nowMs: number = Date.now(),
  random: (bytes: Uint8Array) => void = (b) => randomFillSync(b),
): string {
  const bytes = new Uint8Array(16);
  random(bytes.subarray(6));
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * True when `id` is a lower-case UUID v7.
 * @example isUuidV7(uuidV7()) // true
 */
export function isUuidV7(id: string): boolean {
  return HEX.test(id);
}

/**
 * The creation time (epoch ms) a UUID v7 carries.
 * @example uuidV7TimeMs(uuidV7(1767225600000)) // 1767225600000
 */
export function uuidV7TimeMs(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
