/**
 * Errors of the orders package. Bad *input* is never thrown: validation returns problems with
 * reason codes. These errors mean the store failed (retryable: answered 503) or a contract was
 * broken (not retryable: answered 500 and logged). A transaction in conflict is not an error but
 * an outcome of the writer (`conflict`, answered 409). Configuration problems surface as the
 * storage package's `DynamoDbConfigError` at cold start.
 */

/** Every code an {@link OrdersError} can carry, with whether the same call may succeed later. */
export const ORDERS_ERROR_CODES = {
  /** DynamoDB throttled the request or was unreachable / answered 5xx. */
  STORE_UNAVAILABLE: { retryable: true },
  /** DynamoDB refused the request itself (validation error, missing table, access denied), or an id collided twice. */
  STORE_REJECTED: { retryable: false },
} as const;

/** Code of an {@link OrdersError}. */
export type OrdersErrorCode = keyof typeof ORDERS_ERROR_CODES;

/**
 * Base error of `shared/commerce/orders`; `retryable` comes from the code.
 * @example throw new OrdersError('STORE_UNAVAILABLE', 'DynamoDB throttled the order transaction', { cause });
 */
export class OrdersError extends Error {
  override readonly name = 'OrdersError';
  /** True when the same request may succeed later (answered 503 with `Retry-After`). */
  readonly retryable: boolean;
  constructor(
    readonly code: OrdersErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = ORDERS_ERROR_CODES[code].retryable;
  }
}
