/**
 * The closed set of unified record types and directions.
 */

/** Unified record types. */
export const RECORD_TYPES = ['voice', 'sms', 'data'] as const;
/** A unified record type. */
export type RecordType = (typeof RECORD_TYPES)[number];

/** Directions: mobile-originated (the subscriber calls/sends/uses data) or mobile-terminated. */
export const DIRECTIONS = ['mo', 'mt'] as const;
/** A direction. */
export type Direction = (typeof DIRECTIONS)[number];

/** What a country's record-type code means. */
export interface RecordTypeMeaning {
  readonly type: RecordType;
  readonly direction: Direction;
}
