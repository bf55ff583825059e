/**
 * The commerce event types and their families. Sprint-1 user-behaviour events (`view`,
 * `addtocart`, `transaction`, `search`, `filter`, `review`) and the KiVendTout payment and
 * order events (`payment_attempt`, `payment_success`, `payment_failure`, `checkout`,
 * `order_completed`) share one envelope: `event_id` (UUID), `event_type`, `timestamp` (epoch ms)
 * and `user_id`. KiVendTout calls the same person `customer_id`: the model keeps one field,
 * `user_id`, and it is the Kafka key of every commerce record, so a customer's events stay in
 * order on one partition of every topic.
 */

/** Sprint-1 user-behaviour event types, with the generator's default weights (seed). */
export const USER_EVENT_TYPES = ['view', 'addtocart', 'transaction', 'search', 'filter', 'review'] as const;

/** KiVendTout payment event types: routed to `payments`, read by the fraud rules. */
export const PAYMENT_EVENT_TYPES = ['payment_attempt', 'payment_success', 'payment_failure'] as const;

/** KiVendTout checkout/order event types: routed to `orders`. */
export const ORDER_EVENT_TYPES = ['checkout', 'order_completed'] as const;

/** Every commerce event type, in declaration order. */
export const EVENT_TYPES = [...USER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES, ...ORDER_EVENT_TYPES] as const;

/** A Sprint-1 user-behaviour event type. */
export type UserEventType = (typeof USER_EVENT_TYPES)[number];
/** A payment event type. */
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];
/** A checkout/order event type. */
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];
/** Any commerce event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The Sprint-1 mix of user-behaviour events (fractions summing to 1): view 50 %, addtocart 20 %,
 * transaction 10 %, search 10 %, filter 7 %, review 3 %.
 */
export const SPRINT1_EVENT_WEIGHTS: Readonly<Record<UserEventType, number>> = {
  view: 0.5,
  addtocart: 0.2,
  transaction: 0.1,
  search: 0.1,
  filter: 0.07,
  review: 0.03,
};

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const PAYMENT_TYPE_SET: ReadonlySet<string> = new Set(PAYMENT_EVENT_TYPES);

/**
 * True when `value` names a commerce event type.
 * @example isEventType('view') // true
 * @example isEventType('page_view') // false (a KiVendTout alias: the dataset parser maps it)
 */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && EVENT_TYPE_SET.has(value);
}

/**
 * True when `value` names a payment event type.
 * @example isPaymentEventType('payment_failure') // true
 */
export function isPaymentEventType(value: unknown): value is PaymentEventType {
  return typeof value === 'string' && PAYMENT_TYPE_SET.has(value);
}
