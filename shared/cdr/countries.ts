/**
 * The countries ORION ingests, in the seeds' order. Each has its own raw topic
 * `cdr.raw.<code>`; the country formats themselves live in `shared/cdr`.
 */
export const COUNTRY_CODES = ['fr', 'be', 'ma', 'tn', 'pl', 'eg', 'ci', 'sn', 'cm', 'mg'] as const;

/** ISO 3166-1 alpha-2 code (lower case) of a country ORION ingests. */
export type CountryCode = (typeof COUNTRY_CODES)[number];

/** True when `value` is one of ORION's country codes. */
export function isCountryCode(value: string): value is CountryCode {
  return (COUNTRY_CODES as readonly string[]).includes(value);
}
