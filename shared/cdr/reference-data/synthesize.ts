/**
 * Deterministic synthesis of the reference data (cells and subscribers) from a seed. The
 * committed JSON files are its output (`generate.ts`); the CDR generator draws IMSIs and cells
 * from those files so that enrichment finds them.
 */
import { COUNTRY_CODES, type CountryCode } from '../countries.ts';
import { COUNTRY_FORMATS } from '../formats/catalog.ts';
import { createRandom, type Random } from '../generator/prng.ts';
import { COUNTRY_PROFILES } from './country-profiles.ts';
import type { Cell, Segment, Subscriber, Technology } from './schemas.ts';

/** Sizes of the synthetic reference data. */
export interface ReferenceDataSizes {
  readonly cellsPerCountry: number;
  readonly subscribersPerCountry: number;
}

/** Sizes of the committed files. */
export const DEFAULT_REFERENCE_SIZES: ReferenceDataSizes = {
  cellsPerCountry: 50,
  subscribersPerCountry: 300,
};

/** Seed of the committed files. */
export const REFERENCE_SEED = 20_260_301;

const TECHNOLOGY_MIX: readonly Technology[] = ['2G', '3G', '3G', '4G', '4G', '4G', '4G', '4G', '5G', '5G'];
const SEGMENT_MIX: readonly Segment[] = [
  'consumer',
  'consumer',
  'consumer',
  'consumer',
  'consumer',
  'consumer',
  'business',
  'business',
  'enterprise',
  'iot',
];
const PLANS: Readonly<Record<Segment, readonly string[]>> = {
  consumer: ['Essential 20GB', 'Max 100GB', 'Prepaid Daily', 'Prepaid Weekly'],
  business: ['Pro 200GB', 'Pro Unlimited'],
  enterprise: ['Corporate Unlimited', 'Corporate Pool'],
  iot: ['M2M 1GB', 'M2M 10MB'],
};

/**
 * A random mobile number of `country` in E.164.
 * @example randomMobileNumber('fr', createRandom(1)) // '+336…' or '+337…'
 */
export function randomMobileNumber(country: CountryCode, random: Random): string {
  const profile = COUNTRY_PROFILES[country];
  const prefix = random.pick(profile.mobilePrefixes);
  return `+${COUNTRY_FORMATS[country].numbering.callingCode}${prefix}${random.digits(profile.mobileNsnLength - prefix.length)}`;
}

/**
 * A random IMSI of a home network of `country`.
 * @example randomImsi('fr', createRandom(1)).slice(0, 3) // '208'
 */
export function randomImsi(country: CountryCode, random: Random): string {
  const format = COUNTRY_FORMATS[country];
  return format.homeMcc + random.pick(format.homeMncs) + random.digits(10);
}

/**
 * A random cell global identity of a home network of `country` (`MCC-MNC-LAC-CI`).
 * @example randomCellId('be', createRandom(1)) // '206-10-1234-56789'
 */
export function randomCellId(country: CountryCode, random: Random): string {
  const format = COUNTRY_FORMATS[country];
  return `${format.homeMcc}-${random.pick(format.homeMncs)}-${random.int(1000, 65_000)}-${random.int(1, 65_535)}`;
}

function cellsOf(country: CountryCode, count: number, random: Random): Cell[] {
  const profile = COUNTRY_PROFILES[country];
  const ids = new Set<string>();
  const cells: Cell[] = [];
  let site = { region: '', latitude: 0, longitude: 0 };
  while (cells.length < count) {
    const cellId = randomCellId(country, random);
    if (ids.has(cellId)) continue;
    ids.add(cellId);
    if (cells.length % 3 === 0) {
      site = {
        region: random.pick(profile.regions),
        latitude: Math.round((profile.centre.latitude + (random.next() - 0.5) * 4) * 1e5) / 1e5,
        longitude: Math.round((profile.centre.longitude + (random.next() - 0.5) * 4) * 1e5) / 1e5,
      };
    }
    cells.push({
      cell_id: cellId,
      country,
      site_id: `${country.toUpperCase()}-SITE-${String(Math.floor(cells.length / 3) + 1).padStart(4, '0')}`,
      technology: random.pick(TECHNOLOGY_MIX),
      ...site,
    });
  }
  return cells;
}

function subscribersOf(country: CountryCode, count: number, random: Random): Subscriber[] {
  const imsis = new Set<string>();
  const msisdns = new Set<string>();
  const subscribers: Subscriber[] = [];
  while (subscribers.length < count) {
    const imsi = randomImsi(country, random);
    const msisdn = randomMobileNumber(country, random);
    if (imsis.has(imsi) || msisdns.has(msisdn)) continue;
    imsis.add(imsi);
    msisdns.add(msisdn);
    const segment = random.pick(SEGMENT_MIX);
    const plan = random.pick(PLANS[segment]);
    subscribers.push({
      imsi,
      msisdn,
      country,
      segment,
      plan,
      payment: plan.startsWith('Prepaid') ? 'prepaid' : 'postpaid',
    });
  }
  return subscribers;
}

/**
 * Synthesizes the reference data of every country, deterministically from `seed`.
 * @example synthesizeReferenceData(REFERENCE_SEED).cells.length // 500
 */
export function synthesizeReferenceData(
  seed: number,
  sizes: ReferenceDataSizes = DEFAULT_REFERENCE_SIZES,
): { cells: Cell[]; subscribers: Subscriber[] } {
  const random = createRandom(seed);
  const cells: Cell[] = [];
  const subscribers: Subscriber[] = [];
  for (const country of COUNTRY_CODES) {
    cells.push(...cellsOf(country, sizes.cellsPerCountry, random));
    subscribers.push(...subscribersOf(country, sizes.subscribersPerCountry, random));
  }
  return { cells, subscribers };
}
