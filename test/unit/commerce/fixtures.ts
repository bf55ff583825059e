/** Valid events of every commerce type, and helpers to encode and vary them. */
import type { CommerceEvent, EventType } from '../../../shared/commerce/index.ts';

/** "Now" of the validation tests. */
export const NOW = Date.UTC(2026, 0, 15, 12);
/** An event time one minute before NOW. */
export const T = NOW - 60_000;

const envelope = (n: number) => ({
  event_id: `0b6f1c8e-3f4a-4d2b-9c1e-${String(n).padStart(12, '0')}`,
  timestamp: T,
  user_id: '12345',
});

const payment = {
  order_id: 'ord_0001',
  payment_id: 'pay_0001',
  amount: 1199.98,
  currency: 'EUR',
  method: 'card',
  device_id: 'dev_01',
  card_fingerprint: 'fp_4242424242',
} as const;

/** One valid event per type (the Sprint-1 seed's examples for view and transaction). */
export const VALID: { readonly [T in EventType]: Extract<CommerceEvent, { event_type: T }> } = {
  view: {
    ...envelope(1),
    event_type: 'view',
    item_id: '9876',
    category: 'Electronics',
    session_id: 'session-abc',
    device_type: 'mobile',
  },
  addtocart: { ...envelope(2), event_type: 'addtocart', item_id: '9876', quantity: 2, price: 599.99 },
  transaction: {
    ...envelope(3),
    event_type: 'transaction',
    item_id: '9876',
    category: 'Electronics',
    price: 599.99,
    quantity: 2,
  },
  search: { ...envelope(4), event_type: 'search', query: 'casque sans fil', results_count: 42 },
  filter: {
    ...envelope(5),
    event_type: 'filter',
    filters: { brand: ['acme'], price: { min: 10, max: 50 }, in_stock: true, size: 'M', rating: 4 },
  },
  review: { ...envelope(6), event_type: 'review', item_id: '9876', rating: 5, text: 'Parfait.\nA racheter.' },
  payment_attempt: { ...envelope(7), event_type: 'payment_attempt', ...payment },
  payment_success: { ...envelope(8), event_type: 'payment_success', ...payment },
  payment_failure: {
    ...envelope(9),
    event_type: 'payment_failure',
    ...payment,
    failure_reason: 'insufficient_funds',
  },
  checkout: {
    ...envelope(10),
    event_type: 'checkout',
    order_id: 'ord_0001',
    amount: 1199.98,
    currency: 'EUR',
    item_count: 2,
  },
  order_completed: {
    ...envelope(11),
    event_type: 'order_completed',
    order_id: 'ord_0001',
    payment_id: 'pay_0001',
    amount: 1199.98,
    currency: 'EUR',
    item_count: 2,
  },
};

const ENCODER = new TextEncoder();

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return ENCODER.encode(text);
}

/** UTF-8 JSON bytes of a value. */
export function json(value: unknown): Uint8Array {
  return ENCODER.encode(JSON.stringify(value));
}

/** `event` with `changes` applied (`undefined` removes a field). */
export function vary(event: object, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

/** KiVendTout's determine_topic, as the seed wrote it. */
export const SEED_TOPIC_OF_EVENT_TYPE: Readonly<Record<EventType, string>> = {
  view: 'user-events',
  addtocart: 'user-events',
  transaction: 'user-events',
  search: 'user-events',
  filter: 'user-events',
  review: 'user-events',
  payment_attempt: 'payments',
  payment_success: 'payments',
  payment_failure: 'payments',
  checkout: 'orders',
  order_completed: 'orders',
};
