/**
 * Errors of the commerce domain code. Bad *data* is never thrown: validation returns a result
 * with a reason code. These errors mean the caller broke a contract (bad options, one
 * customer's fraud window fed another customer's events); none can be retried.
 */

/** Closed list of commerce error codes. */
export const COMMERCE_ERROR = {
  /** An options object holds a value outside its documented range. */
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  /** `evaluateFraud` got events of another customer than its state's. */
  MIXED_CUSTOMERS: 'MIXED_CUSTOMERS',
  /** `evaluateFraud` got neither a state nor an event, so it cannot tell whose window it is. */
  NO_CUSTOMER: 'NO_CUSTOMER',
} as const;

/** One of the {@link COMMERCE_ERROR} codes. */
export type CommerceErrorCode = (typeof COMMERCE_ERROR)[keyof typeof COMMERCE_ERROR];

/**
 * A contract violation in commerce domain code (never retryable: the same call fails again).
 * @example throw new CommerceError(COMMERCE_ERROR.INVALID_OPTIONS, 'count must be ≥ 0');
 */
export class CommerceError extends Error {
  override readonly name = 'CommerceError';
  /** Always false: retrying the same call cannot succeed. */
  readonly retryable = false;
  constructor(
    readonly code: CommerceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Throws an INVALID_OPTIONS {@link CommerceError} unless `condition` holds.
 * @example requireOption(count >= 0, 'count must be ≥ 0');
 */
export function requireOption(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CommerceError(COMMERCE_ERROR.INVALID_OPTIONS, message);
}
