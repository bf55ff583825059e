/**
 * Deterministic CDR ids: a SHA-256 over the record's business identity — country, the
 * operator's record id, IMSI, start instant and record-type code — written as a version-8 UUID
 * (RFC 9562, custom hash-based). The same raw record always yields the same id, however often
 * it is redelivered or replayed, and whatever number or time notation its feed used.
 */
import { hash } from 'node:crypto';

/** The fields that identify a CDR. */
export interface CdrIdentity {
  readonly country: string;
  readonly recordId: string;
  readonly imsi: string;
  readonly startMs: number;
  readonly recordType: string;
}

const UNIT_SEPARATOR = '\u001f';

/**
 * The CDR id of a business identity.
 * @example cdrIdOf({ country: 'fr', recordId: 'A1', imsi: '208011234567890', startMs: 0, recordType: 'MOC' })
 * // 'xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx', always the same for these fields
 */
export function cdrIdOf(identity: CdrIdentity): string {
  // One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per record, far less GC than createHash.
  const hex = hash(
    'sha256',
    identity.country +
      UNIT_SEPARATOR +
      identity.recordId +
      UNIT_SEPARATOR +
      identity.imsi +
      UNIT_SEPARATOR +
      identity.startMs +
      UNIT_SEPARATOR +
      identity.recordType,
    'hex',
  );
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
