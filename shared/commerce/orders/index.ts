/**
 * ORION's ORDER API (commerce pipeline, PubSubKafka seed): the order model and its validation
 * with closed reason codes, the `POST /orders` handler for API Gateway HTTP API payload 2.0, the
 * one DynamoDB transaction writing the order and its outbox entry, `Idempotency-Key` records,
 * W3C trace context, and the tables as data. The outbox publisher and the order consumer build
 * on these (see `tables.ts` for the item layouts, docs/ORDERS.md for the API contract).
 */
export * from './api/create-order.ts';
export * from './api/handler.ts';
export * from './api/http.ts';
export * from './constants.ts';
export * from './errors.ts';
export * from './idempotency.ts';
export * from './ids.ts';
export * from './model/order.ts';
export * from './model/schemas.ts';
export * from './order-writer.ts';
export * from './outbox.ts';
export * from './reason-codes.ts';
export * from './tables.ts';
export * from './trace.ts';
export * from './validation.ts';
