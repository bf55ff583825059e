/**
 * Destination prefixes (E.164) the fraud rules watch. Premium-rate ranges per country follow
 * the national plans' premium/shared-revenue blocks; high-risk international prefixes are the
 * usual IRSF targets (satellite and international networks, small remote territories).
 */
import type { CountryCode } from '../countries.ts';

/** Premium-rate number prefixes per country (E.164, with `+`). */
export const PREMIUM_RATE_PREFIXES: Readonly<Record<CountryCode, readonly string[]>> = {
  fr: ['+3389', '+3381', '+3382'],
  be: ['+3290'],
  ma: ['+212890', '+212891'],
  tn: ['+21680', '+21681'],
  pl: ['+48700', '+48701', '+48703', '+48704', '+48708'],
  eg: ['+20900', '+20909'],
  ci: ['+225089'],
  sn: ['+22188'],
  cm: ['+2378'],
  mg: ['+261209'],
};

/** International prefixes with a high fraud risk (International Revenue Share Fraud targets). */
export const HIGH_RISK_PREFIXES: readonly string[] = [
  '+870', // Inmarsat
  '+881', // global mobile satellite
  '+882', // international networks
  '+883', // international networks
  '+247', // Ascension
  '+290', // Saint Helena
  '+252', // Somalia
  '+675', // Papua New Guinea
  '+677', // Solomon Islands
  '+678', // Vanuatu
  '+686', // Kiribati
  '+688', // Tuvalu
  '+691', // Micronesia
];

/**
 * The first of `prefixes` that `number` starts with, or `undefined`.
 * @example matchingPrefix('+33899123456', PREMIUM_RATE_PREFIXES.fr) // '+3389'
 */
export function matchingPrefix(number: string, prefixes: readonly string[]): string | undefined {
  for (const prefix of prefixes) if (number.startsWith(prefix)) return prefix;
  return undefined;
}
