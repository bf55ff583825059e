/**
 * Validation limits. One place, so the validator, the generator and the docs agree.
 */

/** Largest raw record accepted (bytes), checked before parsing: real CDRs are < 2 KiB. */
export const MAX_RECORD_BYTES = 64 * 1024;

/** Clock skew tolerated between a switch and ORION before a start time counts as future. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Oldest start time accepted (late roaming records arrive within 30 days). */
export const MAX_RECORD_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** Longest plausible single CDR (switches cut long calls/sessions into partial records). */
export const MAX_DURATION_S = 24 * 60 * 60;

/** Largest plausible data volume of one CDR: 200 GiB. */
export const MAX_VOLUME_BYTES = 200 * 1024 ** 3;

/** Largest plausible charge, in minor units (bounds integer arithmetic well below 2^53). */
export const MAX_CHARGE_MINOR_UNITS = 1_000_000_000_000;

/** Longest identifier field (record id, cell id, record type code). */
export const MAX_IDENTIFIER_LENGTH = 64;
