/**
 * Fast JSON writers for the validated and unified CDRs. Every string field has passed a strict
 * charset check (digits, `+`, identifiers of `[A-Za-z0-9._:-]`, ISO times, currency letters), so
 * none needs JSON escaping and a template is exact — and several times cheaper than
 * `JSON.stringify` on the hot path. Tests check `JSON.parse(write(x))` equals `x`.
 */
import type { UnifiedCdr } from './unified-cdr.ts';
import type { ValidatedCdr } from './validated-cdr.ts';

function quotedOrNull(value: string | null): string {
  return value === null ? 'null' : `"${value}"`;
}

/**
 * JSON of a validated CDR (only for values produced by `validateRawCdr`).
 * @example JSON.parse(writeValidatedCdr(cdr)) // deep-equals cdr
 */
export function writeValidatedCdr(c: ValidatedCdr): string {
  return `{"v":${c.v},"country":"${c.country}","recordType":"${c.recordType}","recordId":"${c.recordId}","imsi":"${c.imsi}","msisdn":"${c.msisdn}","counterpart":${quotedOrNull(c.counterpart)},"startMs":${c.startMs},"durationS":${c.durationS},"volumeBytes":${c.volumeBytes},"chargeMinorUnits":${c.chargeMinorUnits},"currency":"${c.currency}","cellId":"${c.cellId}","roaming":${c.roaming}}`;
}

/**
 * JSON of a unified CDR (only for values that passed `UnifiedCdrSchema`).
 * @example JSON.parse(writeUnifiedCdr(cdr)) // deep-equals cdr
 */
export function writeUnifiedCdr(c: UnifiedCdr): string {
  return `{"schema_version":${c.schema_version},"cdr_id":"${c.cdr_id}","country":"${c.country}","source_record_id":"${c.source_record_id}","source_record_type":"${c.source_record_type}","record_type":"${c.record_type}","direction":"${c.direction}","roaming":${c.roaming},"start_time":"${c.start_time}","end_time":"${c.end_time}","duration_s":${c.duration_s},"volume_bytes":${c.volume_bytes},"charge_minor_units":${c.charge_minor_units},"currency":"${c.currency}","imsi":"${c.imsi}","msisdn":"${c.msisdn}","counterpart":${quotedOrNull(c.counterpart)},"cell_id":"${c.cell_id}"}`;
}
