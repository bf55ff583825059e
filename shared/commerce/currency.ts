/**
 * ISO 4217 currency codes: the active alphabetic codes of legal tender (funds, precious metals,
 * the test code XTS and "no currency" XXX are left out: a shop never charges them). Amounts
 * travel as decimal numbers in major units; {@link minorUnitDigits} says how to round.
 */

/** Active ISO 4217 codes of legal tender, sorted. */
// biome-ignore format: a table, fifteen codes per line
export const ISO_4217_CODES = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF',
  'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP',
  'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP',
  'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD',
  'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK',
  'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR',
  'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP',
  'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP',
  'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD',
  'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF',
  'XPF', 'YER', 'ZAR', 'ZMW', 'ZWG',
] as const;

/** An ISO 4217 code of legal tender. */
export type CurrencyCode = (typeof ISO_4217_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ISO_4217_CODES);

/** Minor-unit digits of the codes that do not use 2 (ISO 4217 "E" column). */
// biome-ignore format: a table
const MINOR_DIGITS_EXCEPTIONS: Readonly<Partial<Record<CurrencyCode, number>>> = {
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0, VUV: 0,
  XAF: 0, XOF: 0, XPF: 0,
};

/**
 * Minor-unit digits of a currency (2 unless ISO says otherwise).
 * @example minorUnitDigits('XOF') // 0
 */
export function minorUnitDigits(code: CurrencyCode): number {
  return MINOR_DIGITS_EXCEPTIONS[code] ?? 2;
}

/**
 * True when `value` is an ISO 4217 code of legal tender (upper case, exactly as ISO writes it).
 * @example isCurrencyCode('EUR') // true
 * @example isCurrencyCode('eur') // false
 */
export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && CODES.has(value);
}

/**
 * Rounds a major-unit amount to the currency's minor unit.
 * @example roundToMinorUnit(12.345, 'EUR') // 12.35
 * @example roundToMinorUnit(1999.6, 'XOF') // 2000
 */
export function roundToMinorUnit(amount: number, code: CurrencyCode): number {
  const scale = 10 ** minorUnitDigits(code);
  return Math.round(amount * scale) / scale;
}
