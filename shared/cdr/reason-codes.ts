/**
 * Why a CDR was rejected: stable, machine-readable codes carried in the `cdr.rejected`
 * headers and the rejected-records metric. A code names the first check that failed.
 */
export const REJECT_REASON = {
  /** The record has no bytes (null value, empty or blank). */
  EMPTY_RECORD: 'EMPTY_RECORD',
  /** The record is larger than {@link MAX_RECORD_BYTES}; checked before any parsing. */
  OVERSIZED_RECORD: 'OVERSIZED_RECORD',
  /** The bytes are not valid UTF-8. */
  BAD_ENCODING: 'BAD_ENCODING',
  /** The record does not come from a known country topic (or names an unknown country). */
  UNKNOWN_COUNTRY: 'UNKNOWN_COUNTRY',
  /** The text cannot be read in the country's encoding (bad JSON, wrong column count, …). */
  UNPARSEABLE: 'UNPARSEABLE',
  /** A JSON record uses a key that could pollute prototypes (`__proto__`, `constructor`, `prototype`). */
  FORBIDDEN_KEY: 'FORBIDDEN_KEY',
  /** Control characters or quoting/CQL-injection-looking content in a field. */
  INVALID_CHARACTERS: 'INVALID_CHARACTERS',
  /** A field the record type requires is absent or empty. */
  MISSING_FIELD: 'MISSING_FIELD',
  /** The record-type code is not one of the country's codes. */
  UNKNOWN_RECORD_TYPE: 'UNKNOWN_RECORD_TYPE',
  /** IMSI is not 15 digits, or its MCC is foreign while the record does not say roaming. */
  MALFORMED_IMSI: 'MALFORMED_IMSI',
  /** The subscriber's MSISDN cannot be read as an E.164 number. */
  MALFORMED_MSISDN: 'MALFORMED_MSISDN',
  /** The other party's number cannot be read as an E.164 number. */
  MALFORMED_COUNTERPART: 'MALFORMED_COUNTERPART',
  /** A timestamp does not match the country's time format or is not a real date. */
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  /** The start time is later than now plus the allowed clock skew. */
  START_TIME_IN_FUTURE: 'START_TIME_IN_FUTURE',
  /** The start time is older than the accepted lateness. */
  START_TIME_TOO_OLD: 'START_TIME_TOO_OLD',
  /** Duration negative, not a number, beyond the maximum, or non-zero for an SMS. */
  NEGATIVE_OR_ABSURD_DURATION: 'NEGATIVE_OR_ABSURD_DURATION',
  /** Data volume negative, not a number, or beyond the maximum. */
  NEGATIVE_OR_ABSURD_VOLUME: 'NEGATIVE_OR_ABSURD_VOLUME',
  /** Charge negative, not a decimal, or with more decimals than the currency has. */
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  /** Currency is not an ISO 4217 code ORION knows. */
  INVALID_CURRENCY: 'INVALID_CURRENCY',
  /** A boolean-like field (roaming flag) holds a value the format does not define. */
  INVALID_FLAG: 'INVALID_FLAG',
  /** A downstream stage received a record that does not match its input schema. */
  SCHEMA_VIOLATION: 'SCHEMA_VIOLATION',
} as const;

/** One of the {@link REJECT_REASON} codes. */
export type RejectReason = (typeof REJECT_REASON)[keyof typeof REJECT_REASON];

/** Every reject reason code, in declaration order. */
export const REJECT_REASONS: readonly RejectReason[] = Object.values(REJECT_REASON);
