/**
 * The compiled formats of every country, built once per execution environment.
 */
import { COUNTRY_CODES, type CountryCode } from '../countries.ts';
import { COUNTRY_FORMATS } from './catalog.ts';
import { type CompiledFormat, compileFormat } from './compile.ts';

const COMPILED = Object.fromEntries(
  COUNTRY_CODES.map((country) => [country, compileFormat(COUNTRY_FORMATS[country])]),
) as Record<CountryCode, CompiledFormat>;

/**
 * The compiled format of a country.
 * @example compiledFormatOf('fr').time.parse('20260329023000')
 */
export function compiledFormatOf(country: CountryCode): CompiledFormat {
  return COMPILED[country];
}
