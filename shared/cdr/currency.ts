/**
 * ISO 4217 currencies ORION handles, with their minor-unit exponents, and the parsing of feed
 * amounts into integer minor units (charges are carried as integers: no floating-point money).
 */
import { MAX_CHARGE_MINOR_UNITS } from './limits.ts';

/** Minor-unit exponent per ISO 4217 code (XOF/XAF have none; TND has millimes). */
export const CURRENCY_EXPONENT = {
  EUR: 2,
  MAD: 2,
  TND: 3,
  PLN: 2,
  EGP: 2,
  XOF: 0,
  XAF: 0,
  MGA: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
} as const;

/** An ISO 4217 code ORION knows. */
export type CurrencyCode = keyof typeof CURRENCY_EXPONENT;

/** Every known currency code. */
export const CURRENCY_CODES = Object.keys(CURRENCY_EXPONENT) as CurrencyCode[];

/** True when `code` is a currency ORION knows. @example isCurrencyCode('XOF') // true */
export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.hasOwn(CURRENCY_EXPONENT, code);
}

/**
 * Parses a non-negative decimal amount (`12`, `0,35`, `1.5`) into integer minor units of a
 * currency with `exponent` decimals; `NaN` when it is not such a decimal, has more decimals than
 * the currency, or is absurdly large.
 * @example decimalToMinorUnits('0,35', ',', 2) // 35
 */
export function decimalToMinorUnits(text: string, separator: ',' | '.', exponent: number): number {
  const sep = separator.charCodeAt(0);
  let units = 0;
  let decimals = -1;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === sep && decimals < 0 && digits > 0) {
      decimals = 0;
      continue;
    }
    if (c < 48 || c > 57) return Number.NaN;
    units = units * 10 + (c - 48);
    digits++;
    if (decimals >= 0) decimals++;
  }
  if (digits === 0 || decimals === 0 || decimals > exponent || digits > 15) return Number.NaN;
  const minor = units * 10 ** (exponent - Math.max(decimals, 0));
  return minor <= MAX_CHARGE_MINOR_UNITS ? minor : Number.NaN;
}

/**
 * Writes minor units as a decimal with `separator` (the generator's inverse of the parser).
 * @example minorUnitsToDecimal(35, ',', 2) // '0,35'
 */
export function minorUnitsToDecimal(minor: number, separator: ',' | '.', exponent: number): string {
  if (exponent === 0) return String(minor);
  const text = String(minor).padStart(exponent + 1, '0');
  return `${text.slice(0, -exponent)}${separator}${text.slice(-exponent)}`;
}
