/**
 * The declarative description of a country's raw CDR feed. Adding a country is adding one
 * {@link CountryFormat} value: the validator, the normalizer, the generator and the docs all
 * read it.
 */
import type { CountryCode } from '../countries.ts';
import type { CurrencyCode } from '../currency.ts';
import type { NumberingPlan, NumberStyle } from '../numbering.ts';
import type { RecordTypeMeaning } from '../record-type.ts';
import type { TimeFormat } from '../time/time-format.ts';

/** Delimited text, one record per Kafka value, columns in a fixed order, no quoting. */
export interface DelimitedEncoding {
  readonly kind: 'delimited';
  readonly separator: ';' | ',' | '|';
  /** Column names in order; field locators name these columns. */
  readonly columns: readonly string[];
}

/** A JSON object; field locators are dotted paths (`abonent.imsi`). */
export interface JsonEncoding {
  readonly kind: 'json';
  /** `flat` or `nested`: documentation only, the paths say it all. */
  readonly shape: 'flat' | 'nested';
}

/** Where each canonical field is in the record (column name or dotted JSON path). */
export interface FieldLocators {
  readonly recordType: string;
  /** The operator's own record id / sequence number: part of the CDR's business identity. */
  readonly recordId: string;
  readonly imsi: string;
  readonly msisdn: string;
  /** The other party (B-number for MO, A-number for MT); empty for data records. */
  readonly counterpart: string;
  readonly start: string;
  /** End time, when `duration.kind` is `end-time`. */
  readonly end?: string;
  /** Duration, unless `duration.kind` is `end-time`. */
  readonly duration?: string;
  /** Total volume, or `volumeUp` + `volumeDown`. */
  readonly volume?: string;
  readonly volumeUp?: string;
  readonly volumeDown?: string;
  readonly charge: string;
  /** Currency column, when the feed carries one; otherwise the country's currency is implied. */
  readonly currency?: string;
  /** Cell global identity `MCC-MNC-LAC-CI`. */
  readonly cell: string;
  readonly roaming: string;
}

/** How a feed writes durations. */
export type DurationFormat =
  | { readonly kind: 'seconds' }
  | { readonly kind: 'milliseconds' }
  /** `HH:MM:SS`. */
  | { readonly kind: 'hms' }
  /** No duration field: end time − start time. */
  | { readonly kind: 'end-time' };

/** How a feed writes charges. */
export type ChargeFormat =
  /** A decimal in the currency's main unit, with its decimal separator. */
  | { readonly kind: 'decimal'; readonly separator: ',' | '.' }
  /** An integer in minor units (cents, millimes, piastres; francs CFA have none). */
  | { readonly kind: 'minor-units' };

/** A scalar as found in a feed. */
export type FeedScalar = string | number | boolean;

/** One country's feed. */
export interface CountryFormat {
  readonly country: CountryCode;
  /** Short description of the feed (shown in FORMATS.md). */
  readonly description: string;
  /** IANA zone of the country's local times. */
  readonly timeZone: string;
  /** Mobile country code of the home network (IMSI prefix). */
  readonly homeMcc: string;
  /** Mobile network codes of the home operators (2 digits in all ORION countries). */
  readonly homeMncs: readonly string[];
  readonly currency: CurrencyCode;
  readonly numbering: NumberingPlan;
  /** How the feed writes numbers (parsing accepts every form; the generator writes this one). */
  readonly numberStyle: NumberStyle;
  readonly encoding: DelimitedEncoding | JsonEncoding;
  readonly fields: FieldLocators;
  readonly time: TimeFormat;
  readonly duration: DurationFormat;
  readonly volumeUnit: 'bytes' | 'kibibytes';
  readonly charge: ChargeFormat;
  /** Feed values meaning "roaming" and "not roaming" (the first of each is what the generator writes). */
  readonly roaming: { readonly yes: readonly FeedScalar[]; readonly no: readonly FeedScalar[] };
  /** JSON fields the feed writes as numbers rather than strings (parsing accepts both). */
  readonly jsonNumbers?: readonly (keyof FieldLocators)[];
  /** The country's record-type codes. */
  readonly recordTypes: Readonly<Record<string, RecordTypeMeaning>>;
}
