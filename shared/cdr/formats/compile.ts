/**
 * Compiles a declarative {@link CountryFormat} once into a field reader: column indexes and JSON
 * paths resolved up front, so reading a record costs one split or one `JSON.parse`.
 */
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';
import { compileTimeFormat, type TimeCodec } from '../time/time-format.ts';
import { parseJsonObject } from './safe-json.ts';
import { suspiciousCharacterAt } from './suspicious-characters.ts';
import type { CountryFormat, FeedScalar, FieldLocators } from './types.ts';

/** Canonical field names, in a fixed order. */
export const FIELD_NAMES = [
  'recordType',
  'recordId',
  'imsi',
  'msisdn',
  'counterpart',
  'start',
  'end',
  'duration',
  'volume',
  'volumeUp',
  'volumeDown',
  'charge',
  'currency',
  'cell',
  'roaming',
] as const satisfies readonly (keyof FieldLocators)[];

/** A canonical field name. */
export type FieldName = (typeof FIELD_NAMES)[number];

/** The raw values of a record's fields (`undefined` = absent or empty). */
export type RawFields = { [K in FieldName]: FeedScalar | undefined };

/** A country format ready to read records. */
export interface CompiledFormat {
  readonly format: CountryFormat;
  readonly time: TimeCodec;
  /** Reads a record's fields; throws `CdrRejection` (UNPARSEABLE, FORBIDDEN_KEY, INVALID_CHARACTERS). */
  readFields(text: string): RawFields;
}

function emptyFields(): RawFields {
  return {
    recordType: undefined,
    recordId: undefined,
    imsi: undefined,
    msisdn: undefined,
    counterpart: undefined,
    start: undefined,
    end: undefined,
    duration: undefined,
    volume: undefined,
    volumeUp: undefined,
    volumeDown: undefined,
    charge: undefined,
    currency: undefined,
    cell: undefined,
    roaming: undefined,
  };
}

function locatedFields(format: CountryFormat): [FieldName, string][] {
  return FIELD_NAMES.flatMap((name): [FieldName, string][] => {
    const locator = format.fields[name];
    return locator === undefined ? [] : [[name, locator]];
  });
}

function compileDelimited(
  format: CountryFormat,
  separator: string,
  columns: readonly string[],
): CompiledFormat['readFields'] {
  const slots = locatedFields(format).map(([name, column]) => {
    const index = columns.indexOf(column);
    if (index < 0) throw new Error(`${format.country}: field ${name} names unknown column "${column}"`);
    return { name, index };
  });
  const count = columns.length;
  return (text) => {
    const bad = suspiciousCharacterAt(text, separator);
    if (bad >= 0) rejectWith(REJECT_REASON.INVALID_CHARACTERS, `suspicious character at position ${bad}`);
    const values = text.split(separator);
    if (values.length !== count) {
      rejectWith(
        REJECT_REASON.UNPARSEABLE,
        `expected ${count} "${separator}"-separated columns, got ${values.length}`,
      );
    }
    const fields = emptyFields();
    for (const { name, index } of slots) {
      const value = values[index];
      if (value !== undefined && value !== '') fields[name] = value;
    }
    return fields;
  };
}

function compileJson(format: CountryFormat): CompiledFormat['readFields'] {
  const slots = locatedFields(format).map(([name, path]) => ({ name, path: path.split('.'), locator: path }));
  return (text) => {
    const root = parseJsonObject(text);
    const fields = emptyFields();
    for (const { name, path, locator } of slots) {
      let node: unknown = root;
      for (const step of path) {
        if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) {
          node = undefined;
          break;
        }
        node = (node as Record<string, unknown>)[step];
      }
      if (node === undefined || node === null || node === '') continue;
      if (typeof node === 'string') {
        const bad = suspiciousCharacterAt(node);
        if (bad >= 0) rejectWith(REJECT_REASON.INVALID_CHARACTERS, `suspicious character in ${locator}`);
      } else if (typeof node !== 'number' && typeof node !== 'boolean') {
        rejectWith(REJECT_REASON.UNPARSEABLE, `${locator} is not a scalar`);
      }
      fields[name] = node as FeedScalar;
    }
    return fields;
  };
}

/**
 * Compiles a country format (once per country; see `compiledFormatOf` for the cached catalog).
 * @example compileFormat(FR_FORMAT).readFields('MOC;…').imsi
 */
export function compileFormat(format: CountryFormat): CompiledFormat {
  const readFields =
    format.encoding.kind === 'delimited'
      ? compileDelimited(format, format.encoding.separator, format.encoding.columns)
      : compileJson(format);
  return { format, time: compileTimeFormat(format.time, format.timeZone), readFields };
}
