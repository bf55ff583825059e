/**
 * Validated CDR → unified CDR: the country's record-type code becomes a unified type and
 * direction, times become UTC ISO strings, and the deterministic `cdr_id` is computed.
 */
import { cdrIdOf } from '../cdr-id.ts';
import { COUNTRY_FORMATS } from '../formats/catalog.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';
import { UNIFIED_CDR_VERSION, type UnifiedCdr } from '../schema/unified-cdr.ts';
import type { ValidatedCdr } from '../schema/validated-cdr.ts';
import { isoUtc } from '../time/iso-utc.ts';

/** Last instant `isoUtc` writes (9999-12-31T23:59:59.999Z). */
const MAX_ISO_MS = 253_402_300_799_999;

/**
 * Normalizes a validated CDR; throws a `CdrRejection` (UNKNOWN_COUNTRY, SCHEMA_VIOLATION,
 * UNKNOWN_RECORD_TYPE) when it cannot. It guards only what it computes with: the result is meant
 * to be checked against `UnifiedCdrSchema`, which covers every other field.
 * @example normalizeCdr(validated).record_type // 'voice'
 */
export function normalizeCdr(cdr: ValidatedCdr): UnifiedCdr {
  if (typeof cdr.country !== 'string' || !Object.hasOwn(COUNTRY_FORMATS, cdr.country)) {
    return rejectWith(
      REJECT_REASON.UNKNOWN_COUNTRY,
      `country "${String(cdr.country).slice(0, 8)}" is not an ORION country`,
    );
  }
  if (
    !Number.isSafeInteger(cdr.startMs) ||
    cdr.startMs < 0 ||
    cdr.startMs > MAX_ISO_MS ||
    !Number.isSafeInteger(cdr.durationS) ||
    typeof cdr.recordType !== 'string'
  ) {
    return rejectWith(REJECT_REASON.SCHEMA_VIOLATION, 'validated CDR lacks a record type, start or duration');
  }
  const types = COUNTRY_FORMATS[cdr.country].recordTypes;
  const meaning = Object.hasOwn(types, cdr.recordType) ? types[cdr.recordType] : undefined;
  if (meaning === undefined) {
    return rejectWith(
      REJECT_REASON.UNKNOWN_RECORD_TYPE,
      `record type "${cdr.recordType}" is not a ${cdr.country} code`,
    );
  }
  return {
    schema_version: UNIFIED_CDR_VERSION,
    cdr_id: cdrIdOf(cdr),
    country: cdr.country,
    source_record_id: cdr.recordId,
    source_record_type: cdr.recordType,
    record_type: meaning.type,
    direction: meaning.direction,
    roaming: cdr.roaming,
    start_time: isoUtc(cdr.startMs),
    end_time: isoUtc(cdr.startMs + cdr.durationS * 1000),
    duration_s: cdr.durationS,
    volume_bytes: cdr.volumeBytes,
    charge_minor_units: cdr.chargeMinorUnits,
    currency: cdr.currency,
    imsi: cdr.imsi,
    msisdn: cdr.msisdn,
    counterpart: cdr.counterpart,
    cell_id: cdr.cellId,
  };
}
