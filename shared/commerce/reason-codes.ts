/**
 * Why a raw commerce event was rejected: stable, machine-readable codes for the reject topic's
 * headers and the invalid-events metric. The validator runs its checks in this order and the
 * code names the first one that failed; among several schema issues the earliest code here wins.
 */
export const REJECT_REASON = {
  /** The value is null (a tombstone), has no bytes, or only whitespace. */
  EMPTY_VALUE: 'EMPTY_VALUE',
  /** The value is larger than the size limit (default 1 MiB); checked before any decoding. */
  OVERSIZED: 'OVERSIZED',
  /** The bytes are not valid UTF-8. */
  NOT_UTF8: 'NOT_UTF8',
  /** The text is not JSON. */
  NOT_JSON: 'NOT_JSON',
  /** The JSON is not an object (array, string, number, null). */
  NOT_OBJECT: 'NOT_OBJECT',
  /** The JSON nests deeper than an event can (`MAX_JSON_DEPTH`). */
  NESTING_TOO_DEEP: 'NESTING_TOO_DEEP',
  /** A key that could pollute prototypes once merged: `__proto__`, `constructor`, `prototype`, at any depth. */
  FORBIDDEN_KEY: 'FORBIDDEN_KEY',
  /** A key or string holds a control character (other than tab, CR, LF) or a lone surrogate. */
  INVALID_CHARACTERS: 'INVALID_CHARACTERS',
  /** A number overflows to ±Infinity (`1e999`). */
  NON_FINITE_NUMBER: 'NON_FINITE_NUMBER',
  /** `event_type` is a string but names no commerce event type. */
  UNKNOWN_EVENT_TYPE: 'UNKNOWN_EVENT_TYPE',
  /** A field the type requires is absent (including `event_type` itself). */
  MISSING_FIELD: 'MISSING_FIELD',
  /** A field has the wrong JSON type (`"price": "12.5"`, `"user_id": 42`). */
  WRONG_TYPE: 'WRONG_TYPE',
  /** `timestamp` is before 2000, after 2100, or later than now plus the allowed skew (epoch seconds land here). */
  TIMESTAMP_OUT_OF_RANGE: 'TIMESTAMP_OUT_OF_RANGE',
  /** `currency` is not an upper-case ISO 4217 code of legal tender. */
  INVALID_CURRENCY: 'INVALID_CURRENCY',
  /** A price, amount, quantity or count is negative. */
  NEGATIVE_VALUE: 'NEGATIVE_VALUE',
  /** A field has the right type but a value outside its domain (not a UUID, rating 7, unknown method…). */
  INVALID_VALUE: 'INVALID_VALUE',
  /** A key the type's schema does not define (schemas are strict). */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
} as const;

/** One of the {@link REJECT_REASON} codes. */
export type RejectReason = (typeof REJECT_REASON)[keyof typeof REJECT_REASON];

/** Every reject reason code, in check order. */
export const REJECT_REASONS: readonly RejectReason[] = Object.values(REJECT_REASON);

/**
 * True when `value` is one of the reject reason codes (e.g. read back from a header).
 * @example isRejectReason('NOT_JSON') // true
 */
export function isRejectReason(value: unknown): value is RejectReason {
  return typeof value === 'string' && (REJECT_REASONS as readonly string[]).includes(value);
}
