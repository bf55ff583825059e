/**
 * Mobile country codes of ORION's countries, from the format mappings.
 */
import { COUNTRY_CODES, type CountryCode } from './countries.ts';
import { COUNTRY_FORMATS } from './formats/catalog.ts';

const COUNTRY_BY_MCC = new Map<string, CountryCode>(
  COUNTRY_CODES.map((c) => [COUNTRY_FORMATS[c].homeMcc, c]),
);

/**
 * The ORION country whose home MCC starts `imsi`, or `null` (a network outside ORION).
 * @example countryOfImsi('604011234567890') // 'ma'
 */
export function countryOfImsi(imsi: string): CountryCode | null {
  return COUNTRY_BY_MCC.get(imsi.slice(0, 3)) ?? null;
}
