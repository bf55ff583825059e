/**
 * The kinds of invalid record the generator can produce: one per reason code the validation
 * stage can emit for a raw record.
 */
import { REJECT_REASON, type RejectReason } from '../reason-codes.ts';

/** Reason codes a raw record can be rejected with (SCHEMA_VIOLATION is for later stages). */
export type InvalidKind = Exclude<RejectReason, typeof REJECT_REASON.SCHEMA_VIOLATION>;

/** Every invalid kind. */
export const INVALID_KINDS: readonly InvalidKind[] = Object.values(REJECT_REASON).filter(
  (reason): reason is InvalidKind => reason !== REJECT_REASON.SCHEMA_VIOLATION,
);

/**
 * A realistic reject mix: 5 % of records invalid (the seeds' 95 % valid / 5 % rejected), spread
 * over every kind producible on a real raw topic (UNKNOWN_COUNTRY needs a topic that does not
 * exist, so it is 0 here; ask for it explicitly).
 */
export const DEFAULT_INVALID_SHARES: Readonly<Partial<Record<InvalidKind, number>>> = Object.fromEntries(
  INVALID_KINDS.filter((kind) => kind !== REJECT_REASON.UNKNOWN_COUNTRY).map((kind, _, all) => [
    kind,
    0.05 / all.length,
  ]),
);
