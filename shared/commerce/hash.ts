/**
 * Deterministic ids: a SHA-256 over the parts, written as an RFC 9562 version-8 (custom) UUID.
 * The same parts always give the same id, which makes fraud alerts and dataset events
 * idempotent under redelivery and replay.
 */
import { createHash } from 'node:crypto';

/**
 * A version-8 UUID derived from `parts` (JSON-encoded, so `['a,b']` and `['a', 'b']` differ).
 * @example deterministicUuid('VELOCITY', '100042', 1767225600000) // same id on every call
 */
export function deterministicUuid(...parts: readonly (string | number)[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  const variant = (8 + (Number.parseInt(hex[16]!, 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
