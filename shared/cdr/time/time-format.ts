/**
 * Timestamp formats of the country feeds, declared as data and compiled once into a parser
 * (feed value → UTC epoch ms) and a formatter (the generator's inverse).
 */
import { localToUtcMs, utcToLocalMs } from './local-time.ts';

/** How a feed writes a timestamp. */
export type TimeFormat =
  /** Local wall-clock time in the country's zone; pattern tokens `YYYY MM DD HH mm ss`, other characters literal. */
  | { readonly kind: 'local'; readonly pattern: string }
  /** ISO 8601 with an explicit offset: `YYYY-MM-DDTHH:mm:ss+HH:MM` (or `Z`). */
  | { readonly kind: 'iso-offset' }
  /** Seconds since the Unix epoch (number or digit string). */
  | { readonly kind: 'epoch-seconds' }
  /** Milliseconds since the Unix epoch (number or digit string). */
  | { readonly kind: 'epoch-millis' };

/** A compiled time format. */
export interface TimeCodec {
  /** UTC epoch ms, or `NaN` when the value does not match the format or is not a real date. */
  parse(value: string | number | boolean): number;
  /** The value a feed would write for the instant `utcMs`. */
  format(utcMs: number): string | number;
}

type Token = 'YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss';
const TOKENS: readonly Token[] = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'];

interface Slot {
  readonly token: Token;
  readonly at: number;
  readonly width: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

function digitsAt(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return Number.NaN;
    value = value * 10 + code;
  }
  return value;
}

/** Epoch ms of the fields read as UTC, or NaN when they are not a real date and time. */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h <= 23 && mi <= 59 && s <= 59)) {
    return Number.NaN;
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function compilePattern(pattern: string, timeZone: string): TimeCodec {
  const slots: Slot[] = [];
  const literals: { at: number; code: number }[] = [];
  for (let i = 0; i < pattern.length; ) {
    const token = TOKENS.find((t) => pattern.startsWith(t, i));
    if (token) {
      slots.push({ token, at: i, width: token.length });
      i += token.length;
    } else {
      literals.push({ at: i, code: pattern.charCodeAt(i) });
      i++;
    }
  }
  for (const token of TOKENS) {
    if (!slots.some((s) => s.token === token)) throw new Error(`time pattern "${pattern}" lacks ${token}`);
  }
  const at = (token: Token) => slots.find((s) => s.token === token)!.at;
  const [yAt, moAt, dAt, hAt, miAt, sAt] = TOKENS.map(at) as [number, number, number, number, number, number];
  const length = pattern.length;
  return {
    parse(value) {
      if (typeof value !== 'string' || value.length !== length) return Number.NaN;
      for (const literal of literals) if (value.charCodeAt(literal.at) !== literal.code) return Number.NaN;
      const local = wallClock(
        digitsAt(value, yAt, 4),
        digitsAt(value, moAt, 2),
        digitsAt(value, dAt, 2),
        digitsAt(value, hAt, 2),
        digitsAt(value, miAt, 2),
        digitsAt(value, sAt, 2),
      );
      return Number.isNaN(local) ? local : localToUtcMs(local, timeZone);
    },
    format(utcMs) {
      const d = new Date(utcToLocalMs(utcMs, timeZone));
      return pattern
        .replace('YYYY', pad(d.getUTCFullYear(), 4))
        .replace('MM', pad(d.getUTCMonth() + 1, 2))
        .replace('DD', pad(d.getUTCDate(), 2))
        .replace('HH', pad(d.getUTCHours(), 2))
        .replace('mm', pad(d.getUTCMinutes(), 2))
        .replace('ss', pad(d.getUTCSeconds(), 2));
    },
  };
}

/** `YYYY-MM-DDTHH:mm:ss` then `Z` or `±HH:MM`. */
function compileIsoOffset(timeZone: string): TimeCodec {
  return {
    parse(value) {
      if (typeof value !== 'string' || (value.length !== 20 && value.length !== 25)) return Number.NaN;
      if (
        value.charCodeAt(4) !== 45 ||
        value.charCodeAt(7) !== 45 ||
        value.charCodeAt(10) !== 84 ||
        value.charCodeAt(13) !== 58 ||
        value.charCodeAt(16) !== 58
      ) {
        return Number.NaN;
      }
      const local = wallClock(
        digitsAt(value, 0, 4),
        digitsAt(value, 5, 2),
        digitsAt(value, 8, 2),
        digitsAt(value, 11, 2),
        digitsAt(value, 14, 2),
        digitsAt(value, 17, 2),
      );
      if (value.length === 20) return value.charCodeAt(19) === 90 ? local : Number.NaN;
      const sign = value.charCodeAt(19) === 43 ? 1 : value.charCodeAt(19) === 45 ? -1 : 0;
      const oh = digitsAt(value, 20, 2);
      const om = digitsAt(value, 23, 2);
      if (sign === 0 || value.charCodeAt(22) !== 58 || !(oh <= 14 && om <= 59)) return Number.NaN;
      return local - sign * (oh * 3_600_000 + om * 60_000);
    },
    format(utcMs) {
      const offsetMin = Math.round((utcToLocalMs(utcMs, timeZone) - utcMs) / 60_000);
      const local = new Date(utcMs + offsetMin * 60_000).toISOString().slice(0, 19);
      const abs = Math.abs(offsetMin);
      return `${local}${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
    },
  };
}

function epochCodec(unitMs: number): TimeCodec {
  return {
    parse(value) {
      if (typeof value === 'number')
        return Number.isSafeInteger(value) && value >= 0 ? value * unitMs : Number.NaN;
      if (typeof value !== 'string' || value.length === 0 || value.length > 16) return Number.NaN;
      const n = digitsAt(value, 0, value.length);
      return Number.isNaN(n) ? n : n * unitMs;
    },
    format(utcMs) {
      return Math.floor(utcMs / unitMs);
    },
  };
}

/**
 * Compiles a {@link TimeFormat} for a country's zone (call once per country, not per record).
 * @example compileTimeFormat({ kind: 'local', pattern: 'YYYYMMDDHHmmss' }, 'Europe/Paris').parse('20260329023000')
 * // Date.UTC(2026, 2, 29, 1, 30): 02:30 does not exist that day and is read as 03:30 CEST
 */
export function compileTimeFormat(format: TimeFormat, timeZone: string): TimeCodec {
  switch (format.kind) {
    case 'local':
      return compilePattern(format.pattern, timeZone);
    case 'iso-offset':
      return compileIsoOffset(timeZone);
    case 'epoch-seconds':
      return epochCodec(1000);
    case 'epoch-millis':
      return epochCodec(1);
  }
}
