/**
 * The CDR pipeline's generated load for local runs: raw CDRs from the deterministic generator
 * across the chosen countries (each to its raw topic, keyed by IMSI), with the invalid share the
 * run asks for, and what storage must end up holding (see {@link ExpectedCdrs}).
 */
import type { LoadRecord, LoadRequest, LocalRunLoad } from '../../pipeline/local-run.ts';
import { COUNTRY_CODES, type CountryCode, isCountryCode } from '../countries.ts';
import { CdrGenerator, type GeneratedCdr } from '../generator/cdr-generator.ts';
import { DEFAULT_INVALID_SHARES, type InvalidKind } from '../generator/invalid-kinds.ts';
import { ExpectedCdrs } from './expected-cdrs.ts';

/**
 * Parses `--countries fr,ma` (or `all`).
 * @example parseCountries('FR,ma') // ['fr', 'ma']
 */
export function parseCountries(value: string): CountryCode[] {
  if (value === 'all') return [...COUNTRY_CODES];
  const codes = value.split(',').map((c) => c.trim().toLowerCase());
  for (const c of codes) {
    if (!isCountryCode(c))
      throw new Error(`unknown country "${c}"; countries are: ${COUNTRY_CODES.join(', ')}`);
  }
  return codes as CountryCode[];
}

/**
 * The invalid mix for a ratio: the default mix (every kind producible on a raw topic) scaled.
 * @example invalidSharesFor(0.05) // the default 5 % mix
 */
export function invalidSharesFor(ratio: number): Partial<Record<InvalidKind, number>> {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`--invalid-ratio must be between 0 and 1, got ${ratio}`);
  const total = Object.values(DEFAULT_INVALID_SHARES).reduce((a, b) => a + (b ?? 0), 0);
  return Object.fromEntries(
    Object.entries(DEFAULT_INVALID_SHARES).map(([k, v]) => [k, ((v ?? 0) * ratio) / total]),
  );
}

/**
 * The load of one run: `request.options.countries` (default all) and the request's invalid share.
 * @example createCdrLoad({ count: 1000, rate: 0, invalidRatio: 0.05, seed: 42, options: { countries: 'fr' } }).next(10)
 */
export function createCdrLoad(request: LoadRequest): LocalRunLoad {
  const countries = parseCountries(request.options.countries ?? 'all');
  const generator = new CdrGenerator({
    seed: request.seed,
    countries,
    invalidShares: invalidSharesFor(request.invalidRatio),
  });
  const expected = new ExpectedCdrs();
  const n = (v: number) => v.toLocaleString('en-US');
  return {
    description:
      `${n(request.count)} CDRs over ${countries.length} countries ` +
      `at ${request.rate > 0 ? `${request.rate}/s` : 'full speed'}, ${(request.invalidRatio * 100).toFixed(1)} % invalid, seed ${request.seed}`,
    next: (count) => generator.batch(count),
    acknowledged: (records: readonly LoadRecord[], atMs) =>
      expected.add(records as readonly GeneratedCdr[], atMs),
    expected: expected.producedAt,
    duplicatesAmong: (landed) => expected.duplicatesAmong(landed),
  };
}
