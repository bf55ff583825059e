/**
 * Raw record → validated CDR. Checks run in a fixed order and the first failure decides the
 * reason code: size (before any parsing), emptiness, encoding, the country's syntax, the
 * record type, required fields, then each field's shape and range.
 */
import { isUtf8 } from 'node:buffer';
import type { CountryCode } from '../countries.ts';
import { CURRENCY_EXPONENT, type CurrencyCode, decimalToMinorUnits, isCurrencyCode } from '../currency.ts';
import type { CompiledFormat, FieldName, RawFields } from '../formats/compile.ts';
import { compiledFormatOf } from '../formats/compiled-catalog.ts';
import type { FeedScalar } from '../formats/types.ts';
import {
  MAX_CLOCK_SKEW_MS,
  MAX_DURATION_S,
  MAX_RECORD_AGE_MS,
  MAX_RECORD_BYTES,
  MAX_VOLUME_BYTES,
} from '../limits.ts';
import { maskImsi, maskMsisdn } from '../mask.ts';
import { toE164 } from '../numbering.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';
import { VALIDATED_CDR_VERSION, type ValidatedCdr } from '../schema/validated-cdr.ts';
import { isDigits, isIdentifier, parseCount, parseHms, scalarText } from './field-parsers.ts';

/** Time limits of a validation run (defaults from `limits.ts`). */
export interface ValidationClock {
  /** "Now", epoch ms: evaluate once per batch. */
  readonly nowMs: number;
  readonly maxClockSkewMs?: number;
  readonly maxRecordAgeMs?: number;
}

const SPACE_LIKE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const BOM = '\uFEFF';

function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (!SPACE_LIKE.has(bytes[i]!)) return false;
  return true;
}

function require(fields: RawFields, name: FieldName): FeedScalar {
  const value = fields[name];
  if (value === undefined) rejectWith(REJECT_REASON.MISSING_FIELD, `missing field ${name}`);
  return value;
}

function decodeText(value: Buffer | null): string {
  if (value === null || value.length === 0) rejectWith(REJECT_REASON.EMPTY_RECORD, 'record has no bytes');
  if (value.length > MAX_RECORD_BYTES) {
    rejectWith(REJECT_REASON.OVERSIZED_RECORD, `record has ${value.length} bytes, limit ${MAX_RECORD_BYTES}`);
  }
  if (isBlank(value)) rejectWith(REJECT_REASON.EMPTY_RECORD, 'record is blank');
  if (!isUtf8(value)) rejectWith(REJECT_REASON.BAD_ENCODING, 'record is not valid UTF-8');
  let text = value.toString('utf8');
  if (text.startsWith(BOM)) text = text.slice(1);
  return text.trim();
}

function durationSeconds(compiled: CompiledFormat, fields: RawFields, startMs: number): number {
  const { format } = compiled;
  let seconds: number;
  switch (format.duration.kind) {
    case 'end-time': {
      const end = fields.end;
      if (end === undefined) return 0;
      const endMs = compiled.time.parse(end);
      if (Number.isNaN(endMs)) rejectWith(REJECT_REASON.BAD_TIMESTAMP, 'end time does not match the format');
      seconds = (endMs - startMs) / 1000;
      break;
    }
    case 'seconds':
      seconds = fields.duration === undefined ? 0 : parseCount(fields.duration);
      break;
    case 'milliseconds':
      seconds = fields.duration === undefined ? 0 : Math.round(parseCount(fields.duration) / 1000);
      break;
    case 'hms':
      seconds = fields.duration === undefined ? 0 : parseHms(fields.duration);
      break;
  }
  if (!(seconds >= 0 && seconds <= MAX_DURATION_S)) {
    rejectWith(REJECT_REASON.NEGATIVE_OR_ABSURD_DURATION, `duration is not within 0–${MAX_DURATION_S} s`);
  }
  return Math.floor(seconds);
}

function volumeBytes(compiled: CompiledFormat, fields: RawFields): number {
  const { volume, volumeUp, volumeDown } = fields;
  let units = 0;
  if (compiled.format.fields.volume !== undefined) {
    units = volume === undefined ? 0 : parseCount(volume);
  } else {
    units =
      (volumeUp === undefined ? 0 : parseCount(volumeUp)) +
      (volumeDown === undefined ? 0 : parseCount(volumeDown));
  }
  const bytes = compiled.format.volumeUnit === 'kibibytes' ? units * 1024 : units;
  if (!(bytes >= 0 && bytes <= MAX_VOLUME_BYTES)) {
    rejectWith(
      REJECT_REASON.NEGATIVE_OR_ABSURD_VOLUME,
      `volume is not within 0–${MAX_VOLUME_BYTES / 1024 ** 3} GiB`,
    );
  }
  return bytes;
}

function requireVolume(compiled: CompiledFormat, fields: RawFields): void {
  if (compiled.format.fields.volume !== undefined) {
    require(fields, 'volume');
  } else {
    require(fields, 'volumeUp');
    require(fields, 'volumeDown');
  }
}

/** Roaming flags compare as text, so a JSON feed may write `1` or `"1"`. */
function roamingFlag(compiled: CompiledFormat, value: FeedScalar): boolean {
  const { yes, no } = compiled.format.roaming;
  const text = scalarText(value);
  for (const candidate of yes) if (scalarText(candidate) === text) return true;
  for (const candidate of no) if (scalarText(candidate) === text) return false;
  return rejectWith(REJECT_REASON.INVALID_FLAG, `roaming flag is not one of ${[...yes, ...no].join('/')}`);
}

/**
 * Validates one raw record of `country`'s feed. Throws a `CdrRejection` with a reason code and
 * a message free of IMSI/MSISDN when the record must be rejected.
 * @example validateRawCdr('fr', Buffer.from('MOC;…'), { nowMs: Date.now() }).msisdn // '+336…'
 */
export function validateRawCdr(
  country: CountryCode,
  value: Buffer | null,
  clock: ValidationClock,
): ValidatedCdr {
  const text = decodeText(value);
  const compiled = compiledFormatOf(country);
  const { format } = compiled;
  const fields = compiled.readFields(text);

  const recordType = scalarText(require(fields, 'recordType'));
  if (!isIdentifier(recordType))
    rejectWith(REJECT_REASON.INVALID_CHARACTERS, 'record type has invalid characters');
  const meaning = Object.hasOwn(format.recordTypes, recordType) ? format.recordTypes[recordType] : undefined;
  if (meaning === undefined) {
    return rejectWith(
      REJECT_REASON.UNKNOWN_RECORD_TYPE,
      `record type "${recordType}" is not a ${country} code`,
    );
  }

  const recordIdValue = require(fields, 'recordId');
  const imsiValue = require(fields, 'imsi');
  const msisdnValue = require(fields, 'msisdn');
  const counterpartValue = meaning.type === 'data' ? undefined : require(fields, 'counterpart');
  const startValue = require(fields, 'start');
  if (meaning.type !== 'sms') require(fields, format.duration.kind === 'end-time' ? 'end' : 'duration');
  if (meaning.type === 'data') requireVolume(compiled, fields);
  const chargeValue = require(fields, 'charge');
  const currencyValue = format.fields.currency === undefined ? format.currency : require(fields, 'currency');
  const cellValue = require(fields, 'cell');
  const roamingValue = require(fields, 'roaming');

  const recordId = scalarText(recordIdValue);
  if (!isIdentifier(recordId))
    rejectWith(REJECT_REASON.INVALID_CHARACTERS, 'record id has invalid characters');
  const cellId = scalarText(cellValue);
  if (!isIdentifier(cellId)) rejectWith(REJECT_REASON.INVALID_CHARACTERS, 'cell id has invalid characters');
  const roaming = roamingFlag(compiled, roamingValue);

  const imsi = scalarText(imsiValue);
  if (!isDigits(imsi, 15))
    rejectWith(REJECT_REASON.MALFORMED_IMSI, `IMSI ${maskImsi(imsi)} is not 15 digits`);
  if (!roaming && !imsi.startsWith(format.homeMcc)) {
    rejectWith(
      REJECT_REASON.MALFORMED_IMSI,
      `IMSI MCC ${imsi.slice(0, 3)} is not ${country}'s ${format.homeMcc} and the record is not roaming`,
    );
  }

  const msisdnText = scalarText(msisdnValue);
  const msisdn = toE164(msisdnText, format.numbering, format.numberStyle);
  if (msisdn === null) {
    return rejectWith(
      REJECT_REASON.MALFORMED_MSISDN,
      `MSISDN ${maskMsisdn(msisdnText)} is not a valid number`,
    );
  }
  let counterpart: string | null = null;
  if (counterpartValue !== undefined) {
    const counterpartText = scalarText(counterpartValue);
    counterpart = toE164(counterpartText, format.numbering, format.numberStyle);
    if (counterpart === null) {
      rejectWith(
        REJECT_REASON.MALFORMED_COUNTERPART,
        `counterpart ${maskMsisdn(counterpartText)} is not a valid number`,
      );
    }
  }

  const startMs = compiled.time.parse(startValue);
  if (Number.isNaN(startMs)) rejectWith(REJECT_REASON.BAD_TIMESTAMP, 'start time does not match the format');
  if (startMs > clock.nowMs + (clock.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS)) {
    rejectWith(
      REJECT_REASON.START_TIME_IN_FUTURE,
      `start time ${new Date(startMs).toISOString()} is in the future`,
    );
  }
  if (startMs < clock.nowMs - (clock.maxRecordAgeMs ?? MAX_RECORD_AGE_MS)) {
    rejectWith(REJECT_REASON.START_TIME_TOO_OLD, `start time ${new Date(startMs).toISOString()} is too old`);
  }
  const durationS = durationSeconds(compiled, fields, startMs);
  const volume = volumeBytes(compiled, fields);

  const currency = scalarText(currencyValue);
  if (!isCurrencyCode(currency)) {
    return rejectWith(
      REJECT_REASON.INVALID_CURRENCY,
      `currency "${currency.slice(0, 8)}" is not a known ISO 4217 code`,
    );
  }
  const chargeMinorUnits = chargeOf(compiled, chargeValue, currency);

  return {
    v: VALIDATED_CDR_VERSION,
    country,
    recordType,
    recordId,
    imsi,
    msisdn,
    counterpart,
    startMs,
    durationS,
    volumeBytes: volume,
    chargeMinorUnits,
    currency,
    cellId,
    roaming,
  };
}

function chargeOf(compiled: CompiledFormat, value: FeedScalar, currency: CurrencyCode): number {
  const { charge } = compiled.format;
  const minor =
    charge.kind === 'minor-units'
      ? parseCount(value)
      : decimalToMinorUnits(scalarText(value), charge.separator, CURRENCY_EXPONENT[currency]);
  if (Number.isNaN(minor))
    rejectWith(REJECT_REASON.INVALID_AMOUNT, `charge is not a non-negative ${currency} amount`);
  return minor;
}
