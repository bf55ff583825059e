/**
 * Realistic raw CDRs for every country, deterministic from a seed, with a configurable share of
 * each kind of invalid record, poison records included (random bytes, truncated lines, invalid
 * UTF-8, a 1 MiB value, `__proto__` keys, CQL-looking strings). Each record says what the
 * validation stage must do with it (`expected`), so tests can account exactly.
 */
import { COUNTRY_CODES, type CountryCode } from '../countries.ts';
import { COUNTRY_FORMATS } from '../formats/catalog.ts';
import { MAX_RECORD_BYTES } from '../limits.ts';
import { rawTopicOf } from '../pipeline.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import type { RecordType } from '../record-type.ts';
import { referenceDataOf } from '../reference-data/files.ts';
import type { Cell, Subscriber, Technology } from '../reference-data/schemas.ts';
import { randomCellId, randomImsi, randomMobileNumber } from '../reference-data/synthesize.ts';
import { encodeRawValues, type LogicalCdr, type RawValues, rawValuesOf } from './encode.ts';
import type { InvalidKind } from './invalid-kinds.ts';
import { createRandom, type Random } from './prng.ts';

/** Options of a {@link CdrGenerator}. */
export interface CdrGeneratorOptions {
  readonly seed: number;
  /** Start times fall in `[nowMs − spreadMs, nowMs − 2 min]`. Default `Date.now()` at construction. */
  readonly nowMs?: number;
  /** Default one hour. */
  readonly spreadMs?: number;
  /** Countries to draw from, uniformly. Default all. */
  readonly countries?: readonly CountryCode[];
  /** Share (0–1) of records of each invalid kind; the rest are valid. Default none. */
  readonly invalidShares?: Readonly<Partial<Record<InvalidKind, number>>>;
  /** Share of valid records at a cell absent from the reference data. Default 0.02. */
  readonly unknownCellShare?: number;
  /** Share of valid records from a home IMSI absent from the reference data. Default 0.02. */
  readonly unknownSubscriberShare?: number;
  /** Share of valid records from inbound roamers (another country's subscribers). Default 0.05. */
  readonly roamingShare?: number;
  /** Mix of record types. Default voice 0.5, sms 0.3, data 0.2. */
  readonly mix?: Readonly<Record<RecordType, number>>;
}

/** One generated record, ready to produce, with what validation must conclude. */
export interface GeneratedCdr {
  readonly country: CountryCode;
  /** `cdr.raw.<country>` (a non-existent raw topic for UNKNOWN_COUNTRY). */
  readonly topic: string;
  /** The IMSI, as the ingestion produces it. */
  readonly key: string;
  readonly value: Buffer;
  readonly expected: 'valid' | InvalidKind;
}

const MINUTE_MS = 60_000;
/** Sustained throughput per technology, bytes/s, used to draw plausible volumes. */
const THROUGHPUT: Readonly<Record<Technology, number>> = {
  '2G': 20_000,
  '3G': 1_000_000,
  '4G': 10_000_000,
  '5G': 100_000_000,
};
/** Tariffs per country in minor units: per started minute, per SMS, per MiB. */
const TARIFFS: Readonly<Record<CountryCode, { minute: number; sms: number; mib: number }>> = {
  fr: { minute: 5, sms: 10, mib: 1 },
  be: { minute: 6, sms: 10, mib: 1 },
  ma: { minute: 100, sms: 50, mib: 10 },
  tn: { minute: 150, sms: 60, mib: 20 },
  pl: { minute: 20, sms: 15, mib: 2 },
  eg: { minute: 50, sms: 25, mib: 5 },
  ci: { minute: 50, sms: 25, mib: 2 },
  sn: { minute: 50, sms: 25, mib: 2 },
  cm: { minute: 50, sms: 25, mib: 2 },
  mg: { minute: 20_000, sms: 10_000, mib: 2_000 },
};
/** Injection attempts; each starts with a quote or comment so no feed separator splits it first. */
const CQL_INJECTIONS = [
  "'; DROP TABLE cdr; --",
  "x' OR '1'='1",
  'x"; TRUNCATE orion.cdr_by_id',
  'cell/**/UNION SELECT',
];
const JSON_COUNTRIES = COUNTRY_CODES.filter((c) => COUNTRY_FORMATS[c].encoding.kind === 'json');
const CURRENCY_COUNTRIES = COUNTRY_CODES.filter((c) => COUNTRY_FORMATS[c].fields.currency !== undefined);

let oversized: Buffer | undefined;
/** One shared 1 MiB value (allocated once). */
function oversizedValue(): Buffer {
  oversized ??= Buffer.alloc(Math.max(1024 * 1024, MAX_RECORD_BYTES + 1), 'A');
  return oversized;
}

interface CountryPool {
  readonly cells: readonly Cell[];
  readonly subscribers: readonly Subscriber[];
  readonly codes: Readonly<Record<RecordType, readonly string[]>>;
}

function poolOf(country: CountryCode): CountryPool {
  const { cells, subscribers } = referenceDataOf(country);
  const codes: Record<RecordType, string[]> = { voice: [], sms: [], data: [] };
  for (const [code, meaning] of Object.entries(COUNTRY_FORMATS[country].recordTypes))
    codes[meaning.type].push(code);
  return { cells, subscribers, codes };
}

/** A streaming CDR generator: `next()`, `batch(n)` or iterate. */
export class CdrGenerator implements Iterable<GeneratedCdr> {
  private readonly random: Random;
  private readonly nowMs: number;
  private readonly spreadMs: number;
  private readonly countries: readonly CountryCode[];
  private readonly invalid: readonly [InvalidKind, number][];
  private readonly pools: Map<CountryCode, CountryPool>;
  private readonly tag: string;
  private counter = 0;

  constructor(private readonly options: CdrGeneratorOptions) {
    this.random = createRandom(options.seed);
    this.nowMs = options.nowMs ?? Date.now();
    this.spreadMs = options.spreadMs ?? 60 * MINUTE_MS;
    this.countries = options.countries ?? COUNTRY_CODES;
    let cumulative = 0;
    this.invalid = Object.entries(options.invalidShares ?? {}).map(([kind, share]): [InvalidKind, number] => {
      cumulative += share ?? 0;
      return [kind as InvalidKind, cumulative];
    });
    if (cumulative > 1) throw new Error(`invalid shares add up to ${cumulative} > 1`);
    this.pools = new Map(COUNTRY_CODES.map((c) => [c, poolOf(c)]));
    this.tag = (options.seed >>> 0).toString(36);
  }

  /** The next record. */
  next(): GeneratedCdr {
    const draw = this.random.next();
    const kind = this.invalid.find(([, upTo]) => draw < upTo)?.[0];
    return kind === undefined ? this.valid() : this.invalidRecord(kind);
  }

  /** The next `count` records. */
  batch(count: number): GeneratedCdr[] {
    const records = new Array<GeneratedCdr>(count);
    for (let i = 0; i < count; i++) records[i] = this.next();
    return records;
  }

  *[Symbol.iterator](): Iterator<GeneratedCdr> {
    for (;;) yield this.next();
  }

  private pool(country: CountryCode): CountryPool {
    return this.pools.get(country)!;
  }

  private pickType(): RecordType {
    const mix = this.options.mix ?? { voice: 0.5, sms: 0.3, data: 0.2 };
    const r = this.random.next() * (mix.voice + mix.sms + mix.data);
    return r < mix.voice ? 'voice' : r < mix.voice + mix.sms ? 'sms' : 'data';
  }

  /** A plausible logical CDR of `country` (of type `type` when given). */
  logical(country: CountryCode, type: RecordType = this.pickType()): LogicalCdr {
    const random = this.random;
    const pool = this.pool(country);
    const format = COUNTRY_FORMATS[country];
    let imsi: string;
    let msisdn: string;
    let roaming = false;
    if (random.chance(this.options.roamingShare ?? 0.05)) {
      const visitorCountry = random.pick(COUNTRY_CODES.filter((c) => c !== country));
      const visitor = random.pick(this.pool(visitorCountry).subscribers);
      ({ imsi, msisdn } = visitor);
      roaming = true;
    } else if (random.chance(this.options.unknownSubscriberShare ?? 0.02)) {
      imsi = randomImsi(country, random);
      msisdn = randomMobileNumber(country, random);
    } else {
      ({ imsi, msisdn } = random.pick(pool.subscribers));
    }
    const unknownCell = random.chance(this.options.unknownCellShare ?? 0.02);
    const cell = random.pick(pool.cells);
    const cellId = unknownCell ? randomCellId(country, random) : cell.cell_id;
    const tariff = TARIFFS[country];
    const code = random.pick(pool.codes[type]);
    const direction = format.recordTypes[code]!.direction;
    let durationS = 0;
    let volumeBytes = 0;
    let charge = 0;
    let counterpart: string | null = null;
    if (type === 'data') {
      durationS = random.int(30, 3600);
      const kib = Math.floor((durationS * THROUGHPUT[cell.technology] * random.next() * 0.3) / 1024);
      volumeBytes = kib * 1024;
      charge = Math.ceil(volumeBytes / 1_048_576) * tariff.mib;
    } else {
      const r = random.next();
      counterpart =
        r < 0.8
          ? random.pick(pool.subscribers).msisdn
          : r < 0.9
            ? randomMobileNumber(country, random)
            : randomMobileNumber(random.pick(COUNTRY_CODES), random);
      if (type === 'voice') {
        durationS = random.chance(0.1) ? random.int(600, 3600) : random.int(3, 300);
        charge = direction === 'mo' ? Math.ceil(durationS / 60) * tariff.minute : 0;
      } else {
        charge = direction === 'mo' ? tariff.sms : 0;
      }
    }
    const latest = this.nowMs - 2 * MINUTE_MS - durationS * 1000;
    const startMs = Math.floor((latest - random.next() * this.spreadMs) / 1000) * 1000;
    this.counter++;
    return {
      country,
      recordType: code,
      recordId: `${country.toUpperCase()}-${this.tag}-${this.counter.toString(36)}`,
      imsi,
      msisdn,
      counterpart,
      startMs,
      durationS,
      volumeBytes,
      chargeMinorUnits: charge,
      currency: format.currency,
      cellId,
      roaming,
    };
  }

  private valid(): GeneratedCdr {
    const country = this.random.pick(this.countries);
    const cdr = this.logical(country);
    return this.record(cdr, rawValuesOf(cdr), 'valid');
  }

  private record(cdr: LogicalCdr, values: RawValues, expected: GeneratedCdr['expected']): GeneratedCdr {
    return this.bytes(cdr, Buffer.from(encodeRawValues(cdr.country, values)), expected);
  }

  private bytes(
    cdr: LogicalCdr,
    value: Buffer,
    expected: GeneratedCdr['expected'],
    topic?: string,
  ): GeneratedCdr {
    return { country: cdr.country, topic: topic ?? rawTopicOf(cdr.country), key: cdr.imsi, value, expected };
  }

  private countryAmong(candidates: readonly CountryCode[]): CountryCode {
    const allowed = candidates.filter((c) => this.countries.includes(c));
    return this.random.pick(allowed.length > 0 ? allowed : candidates);
  }

  private invalidRecord(kind: InvalidKind): GeneratedCdr {
    const random = this.random;
    const R = REJECT_REASON;
    const country =
      kind === R.FORBIDDEN_KEY
        ? this.countryAmong(JSON_COUNTRIES)
        : kind === R.INVALID_CURRENCY
          ? this.countryAmong(CURRENCY_COUNTRIES)
          : random.pick(this.countries);
    const type: RecordType | undefined =
      kind === R.NEGATIVE_OR_ABSURD_VOLUME
        ? 'data'
        : kind === R.NEGATIVE_OR_ABSURD_DURATION || kind === R.MALFORMED_COUNTERPART
          ? 'voice'
          : undefined;
    const cdr = this.logical(country, type);
    const values = rawValuesOf(cdr);
    const text = () => encodeRawValues(country, values);
    const format = COUNTRY_FORMATS[country];
    switch (kind) {
      case R.EMPTY_RECORD:
        return this.bytes(cdr, random.chance(0.5) ? Buffer.alloc(0) : Buffer.from(' \r\n'), kind);
      case R.OVERSIZED_RECORD:
        return this.bytes(cdr, oversizedValue(), kind);
      case R.BAD_ENCODING: {
        const variant = random.int(0, 2);
        if (variant === 0) {
          const junk = Buffer.alloc(random.int(16, 256));
          for (let i = 0; i < junk.length; i++) junk[i] = random.int(0, 255);
          junk[random.int(0, junk.length - 1)] = 0xff; // never valid in UTF-8
          return this.bytes(cdr, junk, kind);
        }
        const valid = Buffer.from(text());
        const at = random.int(1, valid.length - 2);
        const bad = variant === 1 ? [0xff] : [0xc3, 0x28]; // stray byte / broken 2-byte sequence
        return this.bytes(
          cdr,
          Buffer.concat([valid.subarray(0, at), Buffer.from(bad), valid.subarray(at)]),
          kind,
        );
      }
      case R.UNKNOWN_COUNTRY:
        return this.bytes(cdr, Buffer.from(text()), kind, 'cdr.raw.xx');
      case R.UNPARSEABLE: {
        const full = text();
        const value = random.chance(0.7)
          ? full.slice(0, random.int(1, Math.floor(full.length / 2)))
          : 'hello world';
        return this.bytes(cdr, Buffer.from(value), kind);
      }
      case R.FORBIDDEN_KEY: {
        const key = random.pick(['__proto__', 'constructor', 'prototype', '__proto__']);
        const escaped = random.chance(0.3) ? key.replace('_', '\\u005f') : key;
        return this.bytes(cdr, Buffer.from(`{"${escaped}":{"isAdmin":true},${text().slice(1)}`), kind);
      }
      case R.INVALID_CHARACTERS:
        if (random.chance(0.6)) values.cell = random.pick(CQL_INJECTIONS);
        else values.recordId = `${cdr.recordId}${String.fromCharCode(random.pick([0, 7, 27, 127]))}`;
        return this.record(cdr, values, kind);
      case R.MISSING_FIELD:
        values[random.pick(['imsi', 'msisdn', 'start', 'cell', 'charge', 'roaming'] as const)] = undefined;
        return this.record(cdr, values, kind);
      case R.UNKNOWN_RECORD_TYPE:
        values.recordType = random.pick(['ZZ99', 'CALL', 'X']);
        return this.record(cdr, values, kind);
      case R.MALFORMED_IMSI:
        if (random.chance(0.5)) {
          values.imsi = cdr.imsi.slice(0, random.pick([14, 10, 5]));
        } else {
          const foreign = random.pick(COUNTRY_CODES.filter((c) => c !== country));
          values.imsi = randomImsi(foreign, random);
          values.roaming = format.roaming.no[0];
        }
        return this.record(cdr, values, kind);
      case R.MALFORMED_MSISDN:
        values.msisdn = random.pick(['12345', '0', '+1234567890123456789', '0612']);
        return this.record(cdr, values, kind);
      case R.MALFORMED_COUNTERPART:
        values.counterpart = random.pick(['999', '+0123456789', '0000000']);
        return this.record(cdr, values, kind);
      case R.BAD_TIMESTAMP:
        values.start = random.pick(['yesterday', '2026-13-45', 'N/A']);
        if (format.duration.kind === 'end-time') values.end = values.start;
        return this.record(cdr, values, kind);
      case R.START_TIME_IN_FUTURE:
      case R.START_TIME_TOO_OLD: {
        const startMs =
          kind === R.START_TIME_IN_FUTURE
            ? this.nowMs + random.int(60, 180) * MINUTE_MS
            : this.nowMs - random.int(31, 90) * 24 * 60 * MINUTE_MS;
        return this.record(cdr, rawValuesOf({ ...cdr, startMs: Math.floor(startMs / 1000) * 1000 }), kind);
      }
      case R.NEGATIVE_OR_ABSURD_DURATION: {
        const absurd = random.chance(0.5);
        switch (format.duration.kind) {
          case 'end-time':
            return this.record(
              cdr,
              {
                ...values,
                end: rawValuesOf({
                  ...cdr,
                  durationS: absurd ? 3 * 86_400 : 0,
                  startMs: cdr.startMs - 60_000,
                }).end,
              },
              kind,
            );
          case 'hms':
            values.duration = absurd ? '99:00:00' : '-0:00:05';
            break;
          case 'milliseconds':
            values.duration = absurd ? 900_000_000 : -5000;
            break;
          case 'seconds':
            values.duration = absurd ? 900_000 : -5;
            break;
        }
        return this.record(cdr, values, kind);
      }
      case R.NEGATIVE_OR_ABSURD_VOLUME: {
        const bad = random.chance(0.5) ? -1 : 999_999_999_999;
        if (format.fields.volume !== undefined) values.volume = bad;
        else values.volumeUp = bad;
        return this.record(cdr, values, kind);
      }
      case R.INVALID_AMOUNT:
        values.charge = random.pick(['-1', '12abc', '1e3']);
        return this.record(cdr, values, kind);
      case R.INVALID_CURRENCY:
        values.currency = random.pick(['ZZZ', 'EURO', 'FCFA']);
        return this.record(cdr, values, kind);
      case R.INVALID_FLAG:
        values.roaming = random.pick(['maybe', '2', 'X']);
        return this.record(cdr, values, kind);
    }
  }
}

/**
 * `count` records from a fresh generator.
 * @example generateCdrs({ seed: 1, nowMs }, 1000).filter((r) => r.expected === 'valid').length // 1000
 */
export function generateCdrs(options: CdrGeneratorOptions, count: number): GeneratedCdr[] {
  return new CdrGenerator(options).batch(count);
}
