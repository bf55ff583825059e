/**
 * The typed exception a CDR check throws when a record must be rejected. Stages turn it into a
 * `reject` outcome; anything else thrown is a transient failure.
 */
import type { RejectReason } from './reason-codes.ts';

/** A record rejected for good, with its reason code and a message free of IMSI/MSISDN. */
export class CdrRejection extends Error {
  override readonly name = 'CdrRejection';
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Throws a {@link CdrRejection}.
 * @example if (!ok) rejectWith(REJECT_REASON.MISSING_FIELD, 'imsi is missing');
 */
export function rejectWith(reason: RejectReason, message: string): never {
  throw new CdrRejection(reason, message);
}
