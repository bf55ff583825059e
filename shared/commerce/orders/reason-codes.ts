/**
 * Why the ORDER API refused a request: stable, machine-readable codes, each with the HTTP status
 * it is answered with. A 400 lists every problem found (up to `MAX_REPORTED_PROBLEMS`), each with
 * its code and the JSON Pointer (RFC 6901) of the field; the other statuses carry one problem.
 * Codes are never renamed: clients branch on them. Messages are one line and never echo a value
 * the client sent (customer data must not travel back into logs and proxies).
 */

/** Every reason, with its HTTP status. The validator checks body problems in this order. */
export const ORDER_REASON_STATUS = {
  // --- request line and headers
  /** No such route (API Gateway answers unknown routes itself in AWS). */
  ROUTE_NOT_FOUND: 404,
  /** The route exists but not with this method. */
  METHOD_NOT_ALLOWED: 405,
  /** `Content-Type` is not `application/json` (optionally `; charset=utf-8`). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The body is larger than `MAX_BODY_BYTES`; refused before it is parsed. */
  PAYLOAD_TOO_LARGE: 413,
  /** `Idempotency-Key` is not 1–255 printable ASCII characters (an sf-string's quotes are allowed). */
  INVALID_IDEMPOTENCY_KEY: 400,
  // --- body: bytes and JSON structure
  /** No body, or only whitespace. */
  EMPTY_BODY: 400,
  /** The body is not valid UTF-8 (or not valid base64 when API Gateway encoded it). */
  INVALID_ENCODING: 400,
  /** The body is not JSON. */
  MALFORMED_JSON: 400,
  /** The JSON is not an object (array, string, number, null). */
  NOT_AN_OBJECT: 400,
  /** The JSON nests deeper than an order can (`MAX_JSON_DEPTH`). */
  NESTING_TOO_DEEP: 400,
  /** `__proto__`, `constructor` or `prototype` as a key, at any depth (prototype pollution). */
  FORBIDDEN_KEY: 400,
  /** A key or string holds a control character (other than tab, CR, LF) or a lone surrogate. */
  INVALID_CHARACTERS: 400,
  /** A number overflows to ±Infinity (`1e999`). */
  NON_FINITE_NUMBER: 400,
  // --- body: shape
  /** A field the server sets (`order_id`, `status`, `inventory_status`, `metadata`, `created_at`). */
  READ_ONLY_FIELD: 400,
  /** A key the schema does not define (schemas are strict). */
  UNKNOWN_FIELD: 400,
  /** A required field is absent. */
  MISSING_FIELD: 400,
  /** A field has the wrong JSON type (`"quantity": "2"`, `"items": {}`, `null`). */
  WRONG_TYPE: 400,
  /** A required string is empty or only whitespace. */
  BLANK_VALUE: 400,
  /** A string is longer than its field allows. */
  STRING_TOO_LONG: 400,
  // --- body: field values
  /** A customer id or SKU is not 1–64 characters of `A–Z a–z 0–9 . _ : @ -` starting alphanumeric. */
  INVALID_IDENTIFIER: 400,
  /** `customer_info.email` is not an e-mail address. */
  INVALID_EMAIL: 400,
  /** `customer_info.phone` is not an E.164 number (`+` and 7–15 digits). */
  INVALID_PHONE: 400,
  /** `shipping_address.country` is not an ISO 3166-1 alpha-2 code, upper case. */
  INVALID_COUNTRY: 400,
  /** `currency` is not an upper-case ISO 4217 code of legal tender. */
  UNKNOWN_CURRENCY: 400,
  /** `items` is empty. */
  NO_ITEMS: 400,
  /** `items` has more than `MAX_ITEMS` lines. */
  TOO_MANY_ITEMS: 400,
  /** A quantity is zero, negative, fractional or above `MAX_QUANTITY`. */
  INVALID_QUANTITY: 400,
  /** A unit price or the total is negative. */
  NEGATIVE_AMOUNT: 400,
  /** A unit price or the total is above `MAX_AMOUNT`, or the lines add up to more. */
  AMOUNT_OUT_OF_RANGE: 400,
  /** An amount has more decimals than its currency's minor unit (`19.999 EUR`, `10.5 JPY`). */
  AMOUNT_PRECISION: 400,
  /** Two lines carry the same SKU (merge them into one line with the summed quantity). */
  DUPLICATE_ITEM: 400,
  /** `total_amount` is not the sum of `quantity × unit_price` over the lines. */
  TOTAL_MISMATCH: 400,
  /** A field has the right type but a value outside its domain (postal code format …). */
  INVALID_VALUE: 400,
  // --- idempotency and the store
  /** The `Idempotency-Key` was already used with a different body (draft-ietf-httpapi-idempotency-key-header). */
  IDEMPOTENCY_KEY_REUSED: 422,
  /** A request with the same `Idempotency-Key` is being processed right now: retry later. */
  IDEMPOTENCY_KEY_IN_USE: 409,
  /** The order store is unavailable or throttled: retry later (with the same `Idempotency-Key`). */
  SERVICE_UNAVAILABLE: 503,
  /** A bug: the request was fine but the API failed. Never answered for bad input. */
  INTERNAL_ERROR: 500,
} as const;

/** One of the ORDER API's reason codes. */
export type OrderReason = keyof typeof ORDER_REASON_STATUS;

/** The codes by name, for `ORDER_REASON.MISSING_FIELD` style references. */
export const ORDER_REASON = Object.fromEntries(
  Object.keys(ORDER_REASON_STATUS).map((code) => [code, code]),
) as { readonly [K in OrderReason]: K };

/** Every reason code, in check order. */
export const ORDER_REASONS: readonly OrderReason[] = Object.keys(ORDER_REASON_STATUS) as OrderReason[];

/** The codes answered with 400 (bad input), in check order. */
export const BAD_REQUEST_REASONS: readonly OrderReason[] = ORDER_REASONS.filter(
  (code) => ORDER_REASON_STATUS[code] === 400,
);

/**
 * The HTTP status a reason is answered with.
 * @example statusOfReason('PAYLOAD_TOO_LARGE') // 413
 */
export function statusOfReason(reason: OrderReason): number {
  return ORDER_REASON_STATUS[reason];
}

/**
 * True when `value` is one of the reason codes (e.g. read back from a response).
 * @example isOrderReason('TOTAL_MISMATCH') // true
 */
export function isOrderReason(value: unknown): value is OrderReason {
  return typeof value === 'string' && Object.hasOwn(ORDER_REASON_STATUS, value);
}

/** One problem of a request: what, where (JSON Pointer, `''` for the whole request) and a one-line message. */
export interface OrderProblem {
  readonly code: OrderReason;
  /** RFC 6901 pointer into the body, e.g. `/items/0/quantity`; `''` for the request itself. */
  readonly path: string;
  readonly message: string;
}
