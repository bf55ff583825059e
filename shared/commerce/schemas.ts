/**
 * One zod schema per commerce event type and their discriminated union on `event_type`.
 *
 * **Unknown keys are rejected** (`z.strictObject`), not stripped: the only producers of
 * `raw-events` are ORION's generator and dataset loader, which map their input onto this model,
 * so an unknown key is a producer bug (a misspelt optional field such as `curency` would
 * otherwise vanish silently), and a validated record then holds exactly what the schema says,
 * so later stages can forward its bytes unchanged. Tolerance of foreign fields lives in the
 * dataset parsers, which pick the fields they know. A new field is a schema change here first.
 *
 * Field conventions: snake_case as in the seeds; times in epoch ms; amounts and prices as
 * decimal numbers in major units of `currency` (as the Sprint-1 seed's `"price": 599.99`);
 * identifiers are 1–64 characters of `A–Z a–z 0–9 . _ : @ -`.
 */
import { z } from 'zod';
import {
  MAX_AMOUNT,
  MAX_EVENT_TIMESTAMP_MS,
  MAX_FILTERS,
  MAX_ID_LENGTH,
  MAX_QUANTITY,
  MAX_QUERY_LENGTH,
  MAX_REVIEW_TEXT_LENGTH,
  MIN_EVENT_TIMESTAMP_MS,
} from './constants.ts';
import { ISO_4217_CODES } from './currency.ts';
import type { EventType, PaymentEventType } from './events.ts';

/** RFC 9562 UUID in canonical text form (versions 1–8), any case. */
export const UuidSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, 'expected a UUID');
/** An identifier: user, item, session, order, payment or device id. */
export const IdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'expected an identifier');
/** Event time, epoch milliseconds, between 2000 and 2100 (the validator also bounds it by `now`). */
export const TimestampSchema = z.number().int().min(MIN_EVENT_TIMESTAMP_MS).max(MAX_EVENT_TIMESTAMP_MS);
/** A product category name, e.g. `Electronics`, `Home & Garden`. */
export const CategorySchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} &.,'/_-]*$/u, 'expected a category name');
/** Price or amount in major units of its currency. */
export const AmountSchema = z.number().min(0).max(MAX_AMOUNT);
/** Quantity of one line, or item count of one order. */
export const QuantitySchema = z.number().int().min(1).max(MAX_QUANTITY);
/** ISO 4217 code of legal tender, upper case. */
export const CurrencySchema = z.enum(ISO_4217_CODES);
/** Device class of a browsing session (`unknown` for datasets that do not record it). */
export const DeviceTypeSchema = z.enum(['mobile', 'desktop', 'tablet', 'unknown']);
/** Where an event comes from (absent: a live producer). */
export const EventSourceSchema = z.enum(['synthetic', 'kivendtout', 'retailrocket']);
/** Payment method. `card` payments also carry `card_fingerprint`. */
export const PaymentMethodSchema = z.enum(['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer']);
/** Why a payment failed (the processor's decline category). */
export const FailureReasonSchema = z.enum([
  'insufficient_funds',
  'card_declined',
  'expired_card',
  'incorrect_cvc',
  'authentication_failed',
  'suspected_fraud',
  'processing_error',
]);
/** A card's fingerprint: the processor's stable, non-reversible token of the card number. */
export const CardFingerprintSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected a card fingerprint');

/** One filter value: a term, a number, a flag, a list of terms or a numeric range. */
export const FilterValueSchema = z.union([
  z.string().max(MAX_ID_LENGTH * 2),
  z.number(),
  z.boolean(),
  z.array(z.string().max(MAX_ID_LENGTH * 2)).max(50),
  z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
]);
/** The filters of a `filter` event: 1–20 named values, e.g. `{ "brand": ["acme"], "price": { "max": 50 } }`. */
export const FiltersSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'expected a filter name'), FilterValueSchema)
  .refine((filters) => {
    const n = Object.keys(filters).length;
    return n >= 1 && n <= MAX_FILTERS;
  }, `expected 1–${MAX_FILTERS} filters`);

/** The fields every commerce event has. */
const envelope = {
  /** Unique id of the event (its idempotency key downstream). */
  event_id: UuidSchema,
  /** Event time, epoch ms. */
  timestamp: TimestampSchema,
  /** The shopper, KiVendTout's `customer_id`: the Kafka key. */
  user_id: IdSchema,
  /** Where the event comes from; absent for live producers. */
  source: EventSourceSchema.optional(),
};

/** `view`: a product page was seen (Sprint-1 schema). */
export const ViewEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('view'),
  item_id: IdSchema,
  category: CategorySchema,
  session_id: IdSchema,
  device_type: DeviceTypeSchema,
});

/** `addtocart`: an item went into the basket. */
export const AddToCartEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('addtocart'),
  item_id: IdSchema,
  quantity: QuantitySchema,
  /** Unit price, when the producer knows it. */
  price: AmountSchema.optional(),
  category: CategorySchema.optional(),
  session_id: IdSchema.optional(),
  device_type: DeviceTypeSchema.optional(),
});

/** `transaction`: an item was bought (Sprint-1 schema); the generator derives its checkout/payment events. */
export const TransactionEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('transaction'),
  item_id: IdSchema,
  category: CategorySchema,
  /** Unit price. */
  price: AmountSchema,
  quantity: QuantitySchema,
  /** Currency of `price` (absent: the shop's default). */
  currency: CurrencySchema.optional(),
  /** The order this purchase belongs to (Retail Rocket's `transactionid`). */
  order_id: IdSchema.optional(),
  session_id: IdSchema.optional(),
  device_type: DeviceTypeSchema.optional(),
});

/** `search`: a catalogue search. */
export const SearchEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('search'),
  query: z.string().min(1).max(MAX_QUERY_LENGTH),
  results_count: z.number().int().min(0).optional(),
  session_id: IdSchema.optional(),
  device_type: DeviceTypeSchema.optional(),
});

/** `filter`: filters applied to a listing. */
export const FilterEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('filter'),
  filters: FiltersSchema,
  category: CategorySchema.optional(),
  session_id: IdSchema.optional(),
  device_type: DeviceTypeSchema.optional(),
});

/** `review`: a product review, rating 1–5. */
export const ReviewEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('review'),
  item_id: IdSchema,
  rating: z.number().int().min(1).max(5),
  text: z.string().max(MAX_REVIEW_TEXT_LENGTH),
  session_id: IdSchema.optional(),
});

/** Fields of every payment event (one payment of one order). */
const payment = {
  order_id: IdSchema,
  /** One payment try; its `payment_success`/`payment_failure` repeats the id. */
  payment_id: IdSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  method: PaymentMethodSchema,
  /** The paying device (the fraud rules count device changes). */
  device_id: IdSchema,
  /** Required when `method` is `card` (checked by the validator). */
  card_fingerprint: CardFingerprintSchema.optional(),
};

/** `payment_attempt`: a payment was submitted (KiVendTout). */
export const PaymentAttemptEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('payment_attempt'),
  ...payment,
});

/** `payment_success`: the processor authorised the payment. */
export const PaymentSuccessEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('payment_success'),
  ...payment,
});

/** `payment_failure`: the processor declined the payment. */
export const PaymentFailureEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('payment_failure'),
  ...payment,
  failure_reason: FailureReasonSchema,
});

/** `checkout`: the shopper confirmed the basket; an order exists, not yet paid. */
export const CheckoutEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('checkout'),
  order_id: IdSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  item_count: QuantitySchema,
  session_id: IdSchema.optional(),
  device_id: IdSchema.optional(),
});

/** `order_completed`: the order was paid and confirmed. */
export const OrderCompletedEventSchema = z.strictObject({
  ...envelope,
  event_type: z.literal('order_completed'),
  order_id: IdSchema,
  payment_id: IdSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  item_count: QuantitySchema,
});

/** The schema of each event type. */
export const EVENT_SCHEMAS = {
  view: ViewEventSchema,
  addtocart: AddToCartEventSchema,
  transaction: TransactionEventSchema,
  search: SearchEventSchema,
  filter: FilterEventSchema,
  review: ReviewEventSchema,
  payment_attempt: PaymentAttemptEventSchema,
  payment_success: PaymentSuccessEventSchema,
  payment_failure: PaymentFailureEventSchema,
  checkout: CheckoutEventSchema,
  order_completed: OrderCompletedEventSchema,
} as const satisfies Record<EventType, z.ZodType>;

/** Any commerce event, discriminated on `event_type`. */
export const CommerceEventSchema = z.discriminatedUnion('event_type', [
  ViewEventSchema,
  AddToCartEventSchema,
  TransactionEventSchema,
  SearchEventSchema,
  FilterEventSchema,
  ReviewEventSchema,
  PaymentAttemptEventSchema,
  PaymentSuccessEventSchema,
  PaymentFailureEventSchema,
  CheckoutEventSchema,
  OrderCompletedEventSchema,
]);

/** A validated commerce event. */
export type CommerceEvent = z.infer<typeof CommerceEventSchema>;
/** The event of one type. @example const v: EventOf<'view'> = … */
export type EventOf<T extends EventType> = Extract<CommerceEvent, { event_type: T }>;
/** A payment event: what the `payments` topic carries and the fraud rules read. */
export type PaymentEvent = EventOf<PaymentEventType>;
/** A payment method. */
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;
/** A payment failure reason. */
export type FailureReason = z.infer<typeof FailureReasonSchema>;
/** A device class. */
export type DeviceType = z.infer<typeof DeviceTypeSchema>;
/** A filter value. */
export type FilterValue = z.infer<typeof FilterValueSchema>;

/**
 * The field names a type's schema knows (the dataset parsers keep only these).
 * @example fieldsOf('review') // ['event_id', 'timestamp', 'user_id', 'source', 'event_type', 'item_id', …]
 */
export function fieldsOf(eventType: EventType): readonly string[] {
  return Object.keys(EVENT_SCHEMAS[eventType].shape);
}
