/**
 * Writes CDRs in a country's raw format, from the same declarative mapping the validator reads
 * (so a new country's generator comes for free with its mapping).
 */
import type { CountryCode } from '../countries.ts';
import { CURRENCY_EXPONENT, type CurrencyCode, minorUnitsToDecimal } from '../currency.ts';
import { COUNTRY_FORMATS } from '../formats/catalog.ts';
import { FIELD_NAMES, type FieldName } from '../formats/compile.ts';
import { compiledFormatOf } from '../formats/compiled-catalog.ts';
import type { FeedScalar } from '../formats/types.ts';
import { formatNumber } from '../numbering.ts';

/** A CDR before encoding, in canonical units. */
export interface LogicalCdr {
  readonly country: CountryCode;
  /** The country's record-type code. */
  readonly recordType: string;
  readonly recordId: string;
  readonly imsi: string;
  /** E.164. */
  readonly msisdn: string;
  /** E.164, or `null` for data records. */
  readonly counterpart: string | null;
  readonly startMs: number;
  readonly durationS: number;
  /** Bytes; a multiple of 1024 for formats counting KiB. */
  readonly volumeBytes: number;
  readonly chargeMinorUnits: number;
  readonly currency: CurrencyCode;
  readonly cellId: string;
  readonly roaming: boolean;
}

/** Field values as the feed writes them (`undefined` = absent). */
export type RawValues = Partial<Record<FieldName, FeedScalar | undefined>>;

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * The raw field values of a logical CDR in its country's format.
 * @example rawValuesOf(cdr).start // '20260301101500' for France
 */
export function rawValuesOf(cdr: LogicalCdr): RawValues {
  const format = COUNTRY_FORMATS[cdr.country];
  const { time } = compiledFormatOf(cdr.country);
  const values: RawValues = {
    recordType: cdr.recordType,
    recordId: cdr.recordId,
    imsi: cdr.imsi,
    msisdn: formatNumber(cdr.msisdn, format.numberStyle, format.numbering),
    counterpart:
      cdr.counterpart === null
        ? undefined
        : formatNumber(cdr.counterpart, format.numberStyle, format.numbering),
    start: time.format(cdr.startMs),
    cell: cdr.cellId,
    roaming: cdr.roaming ? format.roaming.yes[0] : format.roaming.no[0],
  };
  switch (format.duration.kind) {
    case 'seconds':
      values.duration = cdr.durationS;
      break;
    case 'milliseconds':
      values.duration = cdr.durationS * 1000;
      break;
    case 'hms':
      values.duration = `${pad2(Math.floor(cdr.durationS / 3600))}:${pad2(Math.floor(cdr.durationS / 60) % 60)}:${pad2(cdr.durationS % 60)}`;
      break;
    case 'end-time':
      values.end = time.format(cdr.startMs + cdr.durationS * 1000);
      break;
  }
  const units = format.volumeUnit === 'kibibytes' ? Math.floor(cdr.volumeBytes / 1024) : cdr.volumeBytes;
  if (format.fields.volume !== undefined) {
    values.volume = units;
  } else {
    const up = Math.floor(units / 4);
    values.volumeUp = up;
    values.volumeDown = units - up;
  }
  values.charge =
    format.charge.kind === 'minor-units'
      ? cdr.chargeMinorUnits
      : minorUnitsToDecimal(cdr.chargeMinorUnits, format.charge.separator, CURRENCY_EXPONENT[cdr.currency]);
  if (format.fields.currency !== undefined) values.currency = cdr.currency;
  return values;
}

type Writer = (values: RawValues) => string;

function delimitedWriter(country: CountryCode): Writer {
  const format = COUNTRY_FORMATS[country];
  if (format.encoding.kind !== 'delimited') throw new Error('not delimited');
  const { separator, columns } = format.encoding;
  const fieldAt = columns.map((column) => FIELD_NAMES.find((name) => format.fields[name] === column));
  return (values) =>
    fieldAt
      .map((name) => {
        const value = name === undefined ? undefined : values[name];
        return value === undefined ? '' : String(value);
      })
      .join(separator);
}

function jsonWriter(country: CountryCode): Writer {
  const format = COUNTRY_FORMATS[country];
  const numbers = new Set<string>(format.jsonNumbers ?? []);
  const slots = FIELD_NAMES.flatMap((name) => {
    const locator = format.fields[name];
    return locator === undefined ? [] : [{ name, path: locator.split('.') }];
  });
  return (values) => {
    const root: Record<string, unknown> = {};
    for (const { name, path } of slots) {
      let value = values[name];
      if (value === undefined) continue;
      if (typeof value === 'number' && !numbers.has(name)) value = String(value);
      else if (typeof value === 'string' && numbers.has(name) && /^-?\d+(\.\d+)?$/.test(value))
        value = Number(value);
      let node = root;
      for (const step of path.slice(0, -1)) {
        node[step] ??= {};
        node = node[step] as Record<string, unknown>;
      }
      node[path.at(-1)!] = value;
    }
    return JSON.stringify(root);
  };
}

const WRITERS = new Map<CountryCode, Writer>();

/**
 * Writes raw field values as the text of one record of `country`'s feed.
 * @example encodeRawValues('fr', rawValuesOf(cdr)) // 'MOC;FR-…;208…;06…;…'
 */
export function encodeRawValues(country: CountryCode, values: RawValues): string {
  let writer = WRITERS.get(country);
  if (!writer) {
    writer =
      COUNTRY_FORMATS[country].encoding.kind === 'delimited' ? delimitedWriter(country) : jsonWriter(country);
    WRITERS.set(country, writer);
  }
  return writer(values);
}

/**
 * Encodes a logical CDR as its country's raw record text.
 * @example encodeCdr(cdr).startsWith('{') // true for JSON countries
 */
export function encodeCdr(cdr: LogicalCdr): string {
  return encodeRawValues(cdr.country, rawValuesOf(cdr));
}
