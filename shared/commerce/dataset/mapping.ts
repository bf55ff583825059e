/**
 * Mapping foreign event fields onto the commerce model: aliases of event types and field names
 * (KiVendTout's `page_view`, `customer_id`, `product_id`, `payment_method`…) as data, and the
 * light coercions a dataset needs (numeric ids to strings, numeric strings to numbers, epoch
 * seconds or ISO-8601 text to epoch ms, currency to upper case). Fields the target type does not
 * know are dropped: datasets carry extras (user agent, IP country) that are not the model's.
 */
import { type EventType, isEventType } from '../events.ts';
import { fieldsOf } from '../schemas.ts';

/** Event-type aliases found in datasets → commerce event type. */
export const EVENT_TYPE_ALIASES: Readonly<Record<string, EventType>> = {
  page_view: 'view',
  product_view: 'view',
  add_to_cart: 'addtocart',
  cart_add: 'addtocart',
  purchase: 'transaction',
  filter_applied: 'filter',
  product_review: 'review',
  payment_attempted: 'payment_attempt',
  payment_succeeded: 'payment_success',
  payment_failed: 'payment_failure',
  checkout_started: 'checkout',
  order_complete: 'order_completed',
};

/** Source field names, first found wins, per model field. */
export const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  event_id: ['event_id', 'eventId'],
  event_type: ['event_type', 'eventType', 'type', 'event'],
  user_id: ['user_id', 'customer_id', 'visitor_id', 'visitorid', 'userId', 'customerId'],
  timestamp: ['timestamp', 'ts', 'event_time', 'created_at', 'time'],
  item_id: ['item_id', 'product_id', 'itemid', 'productId'],
  category: ['category', 'product_category'],
  session_id: ['session_id', 'sessionId'],
  device_type: ['device_type', 'device'],
  price: ['price', 'unit_price'],
  quantity: ['quantity', 'qty'],
  currency: ['currency'],
  order_id: ['order_id', 'orderId', 'transaction_id', 'transactionid'],
  payment_id: ['payment_id', 'paymentId'],
  amount: ['amount', 'total', 'total_amount'],
  method: ['method', 'payment_method'],
  device_id: ['device_id', 'device_fingerprint'],
  card_fingerprint: ['card_fingerprint', 'card_hash'],
  failure_reason: ['failure_reason', 'decline_reason'],
  query: ['query', 'search_query'],
  results_count: ['results_count'],
  filters: ['filters'],
  rating: ['rating', 'stars'],
  text: ['text', 'review_text', 'comment'],
  item_count: ['item_count', 'items_count'],
};

/** Payment-method aliases. */
const METHOD_ALIASES: Readonly<Record<string, string>> = {
  credit_card: 'card',
  debit_card: 'card',
  cb: 'card',
  applepay: 'apple_pay',
  googlepay: 'google_pay',
  transfer: 'bank_transfer',
};

const ID_FIELDS = new Set(['user_id', 'item_id', 'session_id', 'order_id', 'payment_id', 'device_id']);
const NUMBER_FIELDS = new Set(['price', 'quantity', 'amount', 'rating', 'results_count', 'item_count']);

/**
 * The commerce event type a dataset's type names, or `undefined`.
 * @example eventTypeOf('page_view') // 'view'
 */
export function eventTypeOf(value: unknown): EventType | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim().toLowerCase();
  return isEventType(name) ? name : EVENT_TYPE_ALIASES[name];
}

/**
 * Epoch ms of a dataset time: epoch ms, epoch seconds (below 10^11), their digit strings, or
 * ISO-8601 text (UTC when it has no offset). `undefined` when it is none of these.
 * @example timestampOf('2026-01-15T10:23:45.120Z') // 1768472625120
 * @example timestampOf(1704067200) // 1704067200000
 */
export function timestampOf(value: unknown): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) n = Number(text);
    else if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
      const ms = Date.parse(zoned);
      return Number.isFinite(ms) ? ms : undefined;
    }
  }
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return Math.round(n < 1e11 ? n * 1000 : n);
}

/**
 * The value of the first alias of `field` present (non-null, non-empty) in `source`.
 * @example pickField({ customer_id: 'C1' }, 'user_id') // 'C1'
 */
export function pickField(source: Readonly<Record<string, unknown>>, field: string): unknown {
  for (const name of FIELD_ALIASES[field] ?? [field]) {
    if (Object.hasOwn(source, name) && source[name] !== null && source[name] !== '') return source[name];
  }
  return undefined;
}

function coerce(field: string, value: unknown): unknown {
  if (ID_FIELDS.has(field)) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    return typeof value === 'string' ? value.trim() : value;
  }
  if (NUMBER_FIELDS.has(field) && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    return Number(value.trim());
  }
  if (field === 'currency' && typeof value === 'string') return value.trim().toUpperCase();
  if (field === 'device_type' && typeof value === 'string') return value.trim().toLowerCase();
  if (field === 'method' && typeof value === 'string') {
    const name = value.trim().toLowerCase();
    return METHOD_ALIASES[name] ?? name;
  }
  return value;
}

/**
 * The model fields of `type` found in `source` (through the aliases), coerced; other fields are
 * dropped. `event_id`, `event_type`, `timestamp`, `user_id` and `source` are the caller's.
 * @example mapFields({ product_id: 42, ua: 'Mozilla' }, 'view') // { item_id: '42' }
 */
export function mapFields(
  source: Readonly<Record<string, unknown>>,
  type: EventType,
): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const field of fieldsOf(type)) {
    if (
      field === 'event_id' ||
      field === 'event_type' ||
      field === 'timestamp' ||
      field === 'user_id' ||
      field === 'source'
    ) {
      continue;
    }
    const value = pickField(source, field);
    if (value !== undefined) mapped[field] = coerce(field, value);
  }
  return mapped;
}

/**
 * A user id from a dataset value (numbers become strings), or `undefined`.
 * @example userIdOf(1150086) // '1150086'
 */
export function userIdOf(value: unknown): string | undefined {
  const id = coerce('user_id', value);
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
