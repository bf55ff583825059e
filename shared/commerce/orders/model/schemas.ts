/**
 * The order model: the strict zod schema of a `POST /orders` body, the stored order, and the
 * event-carried state transfer (ECST) event the outbox publishes to Kafka `orders`
 * (PubSubKafka seed: `order_id`, full `customer_info`, `items`, `inventory_status`, `metadata`).
 *
 * **Unknown keys are rejected** (`z.strictObject`), as in the commerce model: a misspelt optional
 * field (`phnoe`) would otherwise vanish silently. Fields the server owns (`order_id`, `status`,
 * `inventory_status`, `metadata`, `created_at`) are refused with their own code.
 *
 * Conventions: snake_case; amounts are decimal numbers in major units of `currency` with no more
 * decimals than its minor unit (`19.99 EUR`, `1500 JPY`); `total_amount` must equal the sum of
 * `quantity × unit_price` (checked by the validator, after the schema). Identifiers and the
 * currency reuse the commerce model's definitions.
 *
 * @example
 * {
 *   "customer_info": {
 *     "customer_id": "c-100042", "full_name": "Jeanne Martin", "email": "jeanne@example.com",
 *     "phone": "+33612345678",
 *     "shipping_address": { "street": "1 rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR" }
 *   },
 *   "items": [{ "sku": "SKU-1", "name": "Lamp", "quantity": 2, "unit_price": 19.99 }],
 *   "currency": "EUR",
 *   "total_amount": 39.98
 * }
 */
import { z } from 'zod';
import { CurrencySchema, IdSchema } from '../../schemas.ts';
import { MAX_AMOUNT, MAX_ITEMS, MAX_LENGTH, MAX_QUANTITY } from '../constants.ts';
import { ORDER_REASON } from '../reason-codes.ts';

/** A required text: 1–`max` characters, not only whitespace. */
function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((value) => value.trim().length > 0, {
      message: 'must not be blank',
      params: { reason: ORDER_REASON.BLANK_VALUE },
    });
}

/**
 * ISO 3166-1 alpha-2 codes ICU knows but that name no country a parcel can go to: unknown
 * region, groupings, and the exceptionally reserved codes (`UK` is `GB`).
 */
const NOT_A_COUNTRY: ReadonlySet<string> = new Set([
  'ZZ',
  'EU',
  'EZ',
  'UN',
  'QO',
  'XA',
  'XB',
  'UK',
  'AC',
  'CP',
  'DG',
  'EA',
  'IC',
  'TA',
]);
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * True when `code` is an upper-case ISO 3166-1 alpha-2 country code (Node's ICU region data).
 * @example isCountryCode('FR') // true
 * @example isCountryCode('UK') // false: the code of the United Kingdom is GB
 */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_A_COUNTRY.has(code) && REGION_NAMES.of(code) !== undefined;
}

/** An E.164 phone number: `+`, country code, subscriber number; 7–15 digits, no spaces. */
export const PhoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number');

/** A delivery address. */
export const AddressSchema = z.strictObject({
  street: text(MAX_LENGTH.street),
  /** Second street line (building, floor). */
  street2: text(MAX_LENGTH.street).optional(),
  city: text(MAX_LENGTH.city),
  /** Letters, digits, spaces and hyphens (formats differ by country). */
  postal_code: z
    .string()
    .min(1)
    .max(MAX_LENGTH.postalCode)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'expected a postal code'),
  /** State, province or county, where the country uses one. */
  region: text(MAX_LENGTH.city).optional(),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().refine(isCountryCode, {
    message: 'expected an ISO 3166-1 alpha-2 country code',
    params: { reason: ORDER_REASON.INVALID_COUNTRY },
  }),
});

/** The customer, in full (ECST: consumers never look the customer up). */
export const CustomerInfoSchema = z.strictObject({
  customer_id: IdSchema,
  full_name: text(MAX_LENGTH.name),
  email: z.email().max(MAX_LENGTH.email),
  phone: PhoneSchema.optional(),
  shipping_address: AddressSchema,
});

/** One line of an order. */
export const OrderLineSchema = z.strictObject({
  sku: IdSchema,
  name: text(MAX_LENGTH.name),
  quantity: z.number().int().min(1).max(MAX_QUANTITY),
  /** Price of one unit, major units of the order's currency. */
  unit_price: z.number().min(0).max(MAX_AMOUNT),
});

/** The body of `POST /orders`. */
export const OrderRequestSchema = z.strictObject({
  customer_info: CustomerInfoSchema,
  items: z.array(OrderLineSchema).min(1).max(MAX_ITEMS),
  currency: CurrencySchema,
  /** Must equal Σ quantity × unit_price (checked by the validator). */
  total_amount: z.number().min(0).max(MAX_AMOUNT),
});

/** Fields the server sets; a request holding one is refused with READ_ONLY_FIELD. */
export const READ_ONLY_FIELDS: readonly string[] = [
  'order_id',
  'status',
  'inventory_status',
  'metadata',
  'created_at',
];

/** A validated order request. */
export type OrderRequest = z.infer<typeof OrderRequestSchema>;
/** The customer of an order. */
export type CustomerInfo = z.infer<typeof CustomerInfoSchema>;
/** One requested line. */
export type OrderLine = z.infer<typeof OrderLineSchema>;

/** A line as the order and its event carry it: the request's line plus its total. */
export interface OrderItem extends OrderLine {
  /** quantity × unit_price, in major units, exact to the currency's minor unit. */
  readonly line_total: number;
}

/**
 * Stock state of one line. The API has no stock to look at, so every line starts `PENDING`;
 * the stock service (a consumer of `orders`) answers with `RESERVED` or `OUT_OF_STOCK`.
 */
export type InventoryState = 'PENDING' | 'RESERVED' | 'OUT_OF_STOCK';

/** The stock state of one line of an order. */
export interface InventoryStatus {
  readonly sku: string;
  readonly requested_quantity: number;
  readonly status: InventoryState;
}

/** Tracing and correlation of the request that created an order (carried end to end). */
export interface OrderMetadata {
  /** W3C trace id (32 lower-case hex): the caller's `traceparent` trace, or a new one. */
  readonly trace_id: string;
  /** The API's own span id (16 hex): the parent of the publisher's and the consumer's spans. */
  readonly span_id: string;
  /** The caller's span id, when it sent a `traceparent`. */
  readonly parent_span_id?: string;
  /** `traceparent` to propagate: `00-<trace_id>-<span_id>-<flags>`. */
  readonly traceparent: string;
  /** The caller's `tracestate`, passed through unchanged. */
  readonly tracestate?: string;
  /** The caller's `X-Correlation-Id`, or a new UUID. */
  readonly correlation_id: string;
  /** API Gateway's request id. */
  readonly request_id: string;
  /** Who wrote the order. */
  readonly source: 'orders-api';
}

/** Status of a stored order: the API only ever writes `ACCEPTED` (answered 202). */
export type OrderStatus = 'ACCEPTED';

/** The order as the API stores it (one item of the `orders` table). */
export interface Order {
  readonly order_id: string;
  readonly status: OrderStatus;
  /** ISO 8601, UTC, milliseconds. */
  readonly created_at: string;
  readonly customer_info: CustomerInfo;
  readonly items: readonly OrderItem[];
  readonly currency: OrderRequest['currency'];
  readonly total_amount: number;
  readonly inventory_status: readonly InventoryStatus[];
  readonly metadata: OrderMetadata;
}

/** Version of the `order_created` event's layout; consumers reject versions they do not know. */
export const ORDER_EVENT_SCHEMA_VERSION = 1;

/** The event type the outbox publishes for a new order (the `orders` topic also carries the routed `checkout`/`order_completed` events). */
export const ORDER_CREATED_EVENT_TYPE = 'order_created';

/**
 * The ECST event of a new order: everything a consumer needs, no look-up required. This JSON is
 * the Kafka value the publisher sends unchanged, keyed by `order_id`.
 */
export interface OrderCreatedEvent extends Omit<Order, 'status'> {
  /** Deterministic per (order, outbox sequence): redelivery never makes a second event. */
  readonly event_id: string;
  readonly event_type: typeof ORDER_CREATED_EVENT_TYPE;
  readonly schema_version: typeof ORDER_EVENT_SCHEMA_VERSION;
  /** When the order was accepted (= `created_at`). */
  readonly occurred_at: string;
  readonly status: OrderStatus;
}
