/**
 * Sample `POST /orders` requests: the valid order of the docs and tests ({@link validOrder}), a
 * seeded builder of varied valid orders ({@link sampleOrder}), and the catalogue of bad requests,
 * each with the one reason code (and JSON Pointer) the API must answer it with. The unit tests of
 * the validator and the handler, the HTTP integration test and the local run's order load
 * (`shared/commerce/local/order-load.ts`) all draw from here. Pure: no I/O, no clock.
 *
 * Each bad request changes the valid order in exactly one way, so it must be refused with exactly
 * one problem: its reason code at its path.
 */
import { type CurrencyCode, minorUnitDigits } from '../currency.ts';
import type { Rng } from '../generator/prng.ts';
import type { OrderRequest } from './model/schemas.ts';
import type { OrderReason } from './reason-codes.ts';

/** A JSON tree the fixtures may break anywhere (any field set to anything). */
// biome-ignore lint/suspicious/noExplicitAny: fixtures break the order on purpose, field by field
export type LooseOrder = Record<string, any>;

/** A valid order request (two lines, EUR, total = Σ lines). */
export function validOrder(): LooseOrder {
  return {
    customer_info: {
      customer_id: 'c-100042',
      full_name: 'Jeanne Martin',
      email: 'jeanne.martin@example.com',
      phone: '+33612345678',
      shipping_address: {
        street: '12 rue de la Paix',
        city: 'Paris',
        postal_code: '75002',
        country: 'FR',
      },
    },
    items: [
      { sku: 'SKU-LAMP-01', name: 'Desk lamp', quantity: 2, unit_price: 19.99 },
      { sku: 'SKU-BULB-07', name: 'LED bulb', quantity: 3, unit_price: 4.5 },
    ],
    currency: 'EUR',
    total_amount: 53.48,
  };
}

/** One bad request and the one problem it must produce. */
export interface BadOrderInput {
  /** What is wrong, for the test name. */
  readonly kind: string;
  readonly code: OrderReason;
  /** JSON Pointer of the problem (`''`: the request). */
  readonly path: string;
  /** The body as sent. */
  readonly body: string | Uint8Array;
  /** Extra request headers (the content type is `application/json` unless given). */
  readonly headers?: Readonly<Record<string, string>>;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The valid order with `change` applied to a deep copy. */
function withChange(change: (order: LooseOrder) => void): string {
  const order = validOrder();
  change(order);
  return json(order);
}

/** Bad bodies: every structural and field-level reason answered with 400. */
export const BAD_BODIES: readonly BadOrderInput[] = [
  { kind: 'no body', code: 'EMPTY_BODY', path: '', body: '' },
  { kind: 'only whitespace', code: 'EMPTY_BODY', path: '', body: '  \n\t ' },
  {
    kind: 'bytes that are not UTF-8',
    code: 'INVALID_ENCODING',
    path: '',
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  },
  { kind: 'truncated JSON', code: 'MALFORMED_JSON', path: '', body: '{"customer_info": {"customer_id": ' },
  { kind: 'a JSON array', code: 'NOT_AN_OBJECT', path: '', body: '[{"sku":"SKU-1"}]' },
  { kind: 'a JSON string', code: 'NOT_AN_OBJECT', path: '', body: '"order"' },
  {
    kind: 'nesting deeper than an order can',
    code: 'NESTING_TOO_DEEP',
    path: '/extra/0/0/0/0/0',
    body: withChange((o) => {
      o.extra = [[[[[[1]]]]]];
    }),
  },
  {
    kind: '__proto__ at the root (prototype pollution)',
    code: 'FORBIDDEN_KEY',
    path: '/__proto__',
    body: `{"__proto__":{"isAdmin":true},${json(validOrder()).slice(1)}`,
  },
  {
    kind: 'constructor key inside customer_info',
    code: 'FORBIDDEN_KEY',
    path: '/customer_info/constructor',
    body: json(validOrder()).replace('"customer_info":{', '"customer_info":{"constructor":{"prototype":{}},'),
  },
  {
    kind: 'an ANSI escape in the name',
    code: 'INVALID_CHARACTERS',
    path: '/customer_info/full_name',
    body: withChange((o) => {
      o.customer_info.full_name = 'Jeanne\u001b[2J Martin';
    }),
  },
  {
    kind: 'a lone surrogate in an item name',
    code: 'INVALID_CHARACTERS',
    path: '/items/1/name',
    body: withChange((o) => {
      o.items[1].name = 'LED \ud800 bulb';
    }),
  },
  {
    kind: 'a number that overflows (1e999)',
    code: 'NON_FINITE_NUMBER',
    path: '/total_amount',
    body: json(validOrder()).replace('"total_amount":53.48', '"total_amount":1e999'),
  },
  {
    kind: 'a client-chosen order_id',
    code: 'READ_ONLY_FIELD',
    path: '/order_id',
    body: withChange((o) => {
      o.order_id = 'my-own-id';
    }),
  },
  {
    kind: 'an unknown field in a line',
    code: 'UNKNOWN_FIELD',
    path: '/items/0/colour',
    body: withChange((o) => {
      o.items[0].colour = 'red';
    }),
  },
  {
    kind: 'no currency',
    code: 'MISSING_FIELD',
    path: '/currency',
    body: withChange((o) => {
      delete o.currency;
    }),
  },
  {
    kind: 'no shipping address',
    code: 'MISSING_FIELD',
    path: '/customer_info/shipping_address',
    body: withChange((o) => {
      delete o.customer_info.shipping_address;
    }),
  },
  {
    kind: 'a quantity as a string',
    code: 'WRONG_TYPE',
    path: '/items/0/quantity',
    body: withChange((o) => {
      o.items[0].quantity = '2';
    }),
  },
  {
    kind: 'items as an object',
    code: 'WRONG_TYPE',
    path: '/items',
    body: withChange((o) => {
      o.items = { first: o.items[0] };
    }),
  },
  {
    kind: 'a null e-mail',
    code: 'WRONG_TYPE',
    path: '/customer_info/email',
    body: withChange((o) => {
      o.customer_info.email = null;
    }),
  },
  {
    kind: 'a blank name',
    code: 'BLANK_VALUE',
    path: '/customer_info/full_name',
    body: withChange((o) => {
      o.customer_info.full_name = '   ';
    }),
  },
  {
    kind: 'an empty city',
    code: 'BLANK_VALUE',
    path: '/customer_info/shipping_address/city',
    body: withChange((o) => {
      o.customer_info.shipping_address.city = '';
    }),
  },
  {
    kind: 'an item name of 201 characters',
    code: 'STRING_TOO_LONG',
    path: '/items/0/name',
    body: withChange((o) => {
      o.items[0].name = 'x'.repeat(201);
    }),
  },
  {
    kind: 'a SKU with a space',
    code: 'INVALID_IDENTIFIER',
    path: '/items/1/sku',
    body: withChange((o) => {
      o.items[1].sku = 'SKU BULB';
    }),
  },
  {
    kind: 'an e-mail without @',
    code: 'INVALID_EMAIL',
    path: '/customer_info/email',
    body: withChange((o) => {
      o.customer_info.email = 'jeanne.martin.example.com';
    }),
  },
  {
    kind: 'a phone number not in E.164',
    code: 'INVALID_PHONE',
    path: '/customer_info/phone',
    body: withChange((o) => {
      o.customer_info.phone = '06 12 34 56 78';
    }),
  },
  {
    kind: 'UK instead of GB',
    code: 'INVALID_COUNTRY',
    path: '/customer_info/shipping_address/country',
    body: withChange((o) => {
      o.customer_info.shipping_address.country = 'UK';
    }),
  },
  {
    kind: 'a lower-case country',
    code: 'INVALID_COUNTRY',
    path: '/customer_info/shipping_address/country',
    body: withChange((o) => {
      o.customer_info.shipping_address.country = 'fr';
    }),
  },
  {
    kind: 'a postal code with punctuation',
    code: 'INVALID_VALUE',
    path: '/customer_info/shipping_address/postal_code',
    body: withChange((o) => {
      o.customer_info.shipping_address.postal_code = '75002!';
    }),
  },
  {
    kind: 'an unknown currency',
    code: 'UNKNOWN_CURRENCY',
    path: '/currency',
    body: withChange((o) => {
      o.currency = 'EURO';
    }),
  },
  {
    kind: 'a lower-case currency',
    code: 'UNKNOWN_CURRENCY',
    path: '/currency',
    body: withChange((o) => {
      o.currency = 'eur';
    }),
  },
  {
    kind: 'no lines',
    code: 'NO_ITEMS',
    path: '/items',
    body: withChange((o) => {
      o.items = [];
    }),
  },
  {
    kind: '101 lines',
    code: 'TOO_MANY_ITEMS',
    path: '/items',
    body: withChange((o) => {
      o.items = Array.from({ length: 101 }, (_, i) => ({
        sku: `SKU-${i}`,
        name: 'Thing',
        quantity: 1,
        unit_price: 1,
      }));
      o.total_amount = 101;
    }),
  },
  {
    kind: 'a zero quantity',
    code: 'INVALID_QUANTITY',
    path: '/items/0/quantity',
    body: withChange((o) => {
      o.items[0].quantity = 0;
    }),
  },
  {
    kind: 'a negative quantity',
    code: 'INVALID_QUANTITY',
    path: '/items/1/quantity',
    body: withChange((o) => {
      o.items[1].quantity = -3;
    }),
  },
  {
    kind: 'a fractional quantity',
    code: 'INVALID_QUANTITY',
    path: '/items/0/quantity',
    body: withChange((o) => {
      o.items[0].quantity = 1.5;
    }),
  },
  {
    kind: 'a negative unit price',
    code: 'NEGATIVE_AMOUNT',
    path: '/items/0/unit_price',
    body: withChange((o) => {
      o.items[0].unit_price = -19.99;
    }),
  },
  {
    kind: 'a unit price above the maximum',
    code: 'AMOUNT_OUT_OF_RANGE',
    path: '/items/0/unit_price',
    body: withChange((o) => {
      o.items[0].unit_price = 1e8;
    }),
  },
  {
    kind: 'a price with three decimals in EUR',
    code: 'AMOUNT_PRECISION',
    path: '/items/0/unit_price',
    body: withChange((o) => {
      o.items[0].unit_price = 19.999;
    }),
  },
  {
    kind: 'a fractional yen amount',
    code: 'AMOUNT_PRECISION',
    path: '/items/1/unit_price',
    body: withChange((o) => {
      o.currency = 'JPY';
      o.items = [
        { sku: 'SKU-A', name: 'Tea', quantity: 2, unit_price: 1500 },
        { sku: 'SKU-B', name: 'Cup', quantity: 1, unit_price: 800.5 },
      ];
      o.total_amount = 3800;
    }),
  },
  {
    kind: 'the same SKU on two lines',
    code: 'DUPLICATE_ITEM',
    path: '/items/1/sku',
    body: withChange((o) => {
      o.items[1] = { ...o.items[0], quantity: 1 };
      o.total_amount = 59.97;
    }),
  },
  {
    kind: 'a total that does not add up',
    code: 'TOTAL_MISMATCH',
    path: '/total_amount',
    body: withChange((o) => {
      o.total_amount = 53.49;
    }),
  },
];

/** Bad requests refused on their headers (still 400). */
export const BAD_HEADERS: readonly BadOrderInput[] = [
  {
    kind: 'an Idempotency-Key with spaces',
    code: 'INVALID_IDEMPOTENCY_KEY',
    path: '',
    body: json(validOrder()),
    headers: { 'idempotency-key': 'my key 1' },
  },
  {
    kind: 'an Idempotency-Key of 256 characters',
    code: 'INVALID_IDEMPOTENCY_KEY',
    path: '',
    body: json(validOrder()),
    headers: { 'idempotency-key': 'k'.repeat(256) },
  },
  {
    kind: 'an unterminated quoted Idempotency-Key',
    code: 'INVALID_IDEMPOTENCY_KEY',
    path: '',
    body: json(validOrder()),
    headers: { 'idempotency-key': '"abc' },
  },
];

/** Every request the API must answer with 400. */
export const BAD_REQUESTS: readonly BadOrderInput[] = [...BAD_BODIES, ...BAD_HEADERS];

/** Refusals that are not 400: the wrong content type (415). */
export const WRONG_CONTENT_TYPES: readonly BadOrderInput[] = [
  {
    kind: 'text/plain',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    path: '',
    body: json(validOrder()),
    headers: { 'content-type': 'text/plain' },
  },
  {
    kind: 'a form post (curl -d default)',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    path: '',
    body: json(validOrder()),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  },
  {
    kind: 'JSON in Latin-1',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    path: '',
    body: json(validOrder()),
    headers: { 'content-type': 'application/json; charset=iso-8859-1' },
  },
];

/** Where a sample order ships to, with the currency it is paid in and a postal code format. */
interface SampleCountry {
  readonly country: string;
  readonly currency: CurrencyCode;
  readonly dialCode: string;
  readonly cities: readonly string[];
  readonly postalCode: (rng: Rng) => string;
}

const digits = (rng: Rng, count: number) =>
  Array.from({ length: count }, () => String(rng.int(0, 9))).join('');

const SAMPLE_COUNTRIES: readonly SampleCountry[] = [
  {
    country: 'FR',
    currency: 'EUR',
    dialCode: '+33',
    cities: ['Paris', 'Lyon', 'Nantes', 'Lille'],
    postalCode: (rng) => `${rng.int(10, 95)}${digits(rng, 3)}`,
  },
  {
    country: 'BE',
    currency: 'EUR',
    dialCode: '+32',
    cities: ['Bruxelles', 'Liège', 'Gent'],
    postalCode: (rng) => String(rng.int(1000, 9999)),
  },
  {
    country: 'GB',
    currency: 'GBP',
    dialCode: '+44',
    cities: ['London', 'Leeds', 'Bristol'],
    postalCode: (rng) => `SW${rng.int(1, 20)} ${rng.int(1, 9)}AA`,
  },
  {
    country: 'US',
    currency: 'USD',
    dialCode: '+1',
    cities: ['Boston', 'Austin', 'Denver'],
    postalCode: (rng) => digits(rng, 5),
  },
  {
    country: 'JP',
    currency: 'JPY',
    dialCode: '+81',
    cities: ['Tokyo', 'Osaka', 'Sapporo'],
    postalCode: (rng) => `${digits(rng, 3)}-${digits(rng, 4)}`,
  },
  {
    country: 'MA',
    currency: 'MAD',
    dialCode: '+212',
    cities: ['Casablanca', 'Rabat', 'Tanger'],
    postalCode: (rng) => digits(rng, 5),
  },
  {
    country: 'SN',
    currency: 'XOF',
    dialCode: '+221',
    cities: ['Dakar', 'Thiès', 'Saint-Louis'],
    postalCode: (rng) => digits(rng, 5),
  },
];

const FIRST_NAMES = ['Jeanne', 'Karim', 'Amina', 'Lucas', 'Sofia', 'Noah', 'Fatou', 'Yuki', 'Emma', 'Omar'];
const LAST_NAMES = ['Martin', 'Benali', 'Diallo', 'Dubois', 'Rossi', 'Smith', 'Sato', 'Ndiaye', 'Leroy'];
const STREETS = ['rue de la Paix', 'Main Street', 'avenue Mohammed V', 'Station Road', 'boulevard Voltaire'];

/** Products of the sample catalogue: SKU, name, price in EUR cents (scaled per currency). */
const PRODUCTS: readonly (readonly [sku: string, name: string, cents: number])[] = [
  ['SKU-LAMP-01', 'Desk lamp', 1999],
  ['SKU-BULB-07', 'LED bulb', 450],
  ['SKU-MUG-03', 'Ceramic mug', 899],
  ['SKU-BOOK-12', 'Paperback novel', 1250],
  ['SKU-CHAIR-02', 'Office chair', 14900],
  ['SKU-CABLE-09', 'USB-C cable', 1099],
  ['SKU-TEA-05', 'Green tea, 100 g', 675],
  ['SKU-BAG-04', 'Canvas tote bag', 1500],
];

/** Rough value of one EUR in each sample currency, to keep prices plausible. */
const PER_EUR: Readonly<Partial<Record<CurrencyCode, number>>> = {
  EUR: 1,
  GBP: 0.85,
  USD: 1.1,
  JPY: 160,
  MAD: 11,
  XOF: 656,
};

/** Options of {@link sampleOrder}. */
export interface SampleOrderOptions {
  /** The customer id. @default `c-<6 digits>` drawn from the source */
  readonly customerId?: string;
  /** Most lines. @default 4 (1–8: the catalogue has 8 products) */
  readonly maxLines?: number;
}

/**
 * A valid order request drawn from `rng`: a customer with a name, an e-mail, mostly a phone and a
 * shipping address in one of seven countries, paid in that country's currency (EUR, GBP, USD,
 * JPY, MAD, XOF), 1–`maxLines` lines of distinct SKUs whose prices have the currency's minor unit,
 * and the exact total. The same source state gives the same order; the validator accepts every one.
 * @example sampleOrder(createRng(7), { customerId: 's7-c-100042' }).currency // 'EUR' (say)
 */
export function sampleOrder(rng: Rng, options: SampleOrderOptions = {}): OrderRequest {
  const place = rng.pick(SAMPLE_COUNTRIES);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const customerId = options.customerId ?? `c-${rng.int(100_000, 999_999)}`;
  const scale = 10 ** minorUnitDigits(place.currency);
  const perEur = PER_EUR[place.currency] ?? 1;
  const maxLines = Math.min(PRODUCTS.length, Math.max(1, Math.floor(options.maxLines ?? 4)));
  const lines = rng.int(1, maxLines);
  const catalogue = [...PRODUCTS];
  const items: OrderRequest['items'] = [];
  let totalMinor = 0;
  for (let i = 0; i < lines; i++) {
    const [sku, name, cents] = catalogue.splice(rng.int(0, catalogue.length - 1), 1)[0]!;
    // The price in minor units of the currency, at least one.
    const minor = Math.max(1, Math.round((cents / 100) * perEur * scale));
    const quantity = rng.int(1, 5);
    totalMinor += minor * quantity;
    items.push({ sku, name, quantity, unit_price: minor / scale });
  }
  const phone = rng.chance(0.8)
    ? `${place.dialCode}${rng.int(1, 9)}${digits(rng, 12 - place.dialCode.length)}`
    : undefined;
  return {
    customer_info: {
      customer_id: customerId,
      full_name: `${first} ${last}`,
      email: `${first}.${last}.${rng.int(1, 9999)}@example.com`.toLowerCase(),
      ...(phone !== undefined ? { phone } : {}),
      shipping_address: {
        street: `${rng.int(1, 240)} ${rng.pick(STREETS)}`,
        city: rng.pick(place.cities),
        postal_code: place.postalCode(rng),
        country: place.country,
      },
    },
    items,
    currency: place.currency,
    total_amount: totalMinor / scale,
  };
}
