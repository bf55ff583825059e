/**
 * Limits and defaults of the ORDER API, in one place so that the schemas, the validator, the
 * handler, the local HTTP server, the CDK stack and the docs agree (docs/ORDERS.md).
 */

/** The one route of the API (API Gateway HTTP API route key). */
export const CREATE_ORDER_ROUTE = { method: 'POST', path: '/orders' } as const;

/**
 * Largest request body the handler accepts (bytes, after base64 decoding): larger bodies get 413
 * before anything is parsed. An order at the item limit with every string at its maximum length
 * is under half of it. API Gateway's own ceiling (10 MB, HTTP API quotas) is far above.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** Most lines one order may hold. */
export const MAX_ITEMS = 100;

/** Largest quantity of one line. */
export const MAX_QUANTITY = 10_000;

/** Largest unit price or order total, in major units of the currency (a sanity bound). */
export const MAX_AMOUNT = 10_000_000;

/** Deepest JSON nesting accepted; an order is 3 levels deep (order → customer_info → shipping_address). */
export const MAX_JSON_DEPTH = 6;

/** Most problems one 400 response lists (the rest are counted in `detail`). */
export const MAX_REPORTED_PROBLEMS = 25;

/** Longest string of each kind (characters). */
export const MAX_LENGTH = {
  /** Customer id, SKU. */
  identifier: 64,
  /** Customer's full name, item name. */
  name: 200,
  /** RFC 5321 path limit. */
  email: 254,
  /** Street line. */
  street: 200,
  city: 100,
  postalCode: 16,
  /** Any string of the order (notes are not part of the model). */
  any: 1_000,
} as const;

/** The request headers the API reads (lower case, as API Gateway payload 2.0 gives them). */
export const HEADER = {
  contentType: 'content-type',
  contentLength: 'content-length',
  idempotencyKey: 'idempotency-key',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'x-correlation-id',
  /** Set on a response replayed from an idempotency record. */
  idempotentReplayed: 'idempotent-replayed',
} as const;

/**
 * How long an `Idempotency-Key` is remembered: a retry within this window returns the first
 * answer; after it the key is free again (DynamoDB TTL deletes the record later, and the
 * conditional write treats an expired record as absent).
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long an outbox entry stays in its table after it was written. Publishing goes through
 * DynamoDB Streams (records kept 24 hours), so the entry itself is only kept for inspection and
 * replay; TTL removes it afterwards.
 */
export const OUTBOX_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Stage throttling of the HTTP API (requests per second and bucket size), applied by API Gateway
 * in AWS (the CDK stack's default route settings) and emulated by the local HTTP server.
 */
export const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/** Retries of a transaction cancelled by a concurrent one on the same idempotency key. */
export const TRANSACTION_CONFLICT_RETRIES = 3;

/**
 * Field names the orders logger masks whole, beside the always-on masks (e-mail addresses, long
 * digit runs, `email`, `phone`): every personal field of `customer_info` and its address. The
 * API logs no body anyway; this is the net under a mistaken log line.
 */
export const ORDER_PII_KEYS: readonly string[] = [
  'customer_id',
  'full_name',
  'email',
  'phone',
  'street',
  'city',
  'postal_code',
  'address',
];
