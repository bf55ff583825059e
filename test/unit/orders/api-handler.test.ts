/**
 * The `POST /orders` handler on API Gateway v2 events, with an in-memory writer standing in for
 * the transaction (its DynamoDB behaviour is tested in test/integration/orders/api.test.ts):
 * every bad request → its status and reason, the writer never called; a valid one → 202 and ONE
 * write whose order, outbox entry and idempotency record agree; each writer outcome → its answer;
 * trace context and correlation id carried through; no customer data in the log lines.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toApiGatewayEventV2 } from '../../../localstack/http/event.ts';
import {
  type CreateOrderDeps,
  createOrderHandler,
  type OrderAccepted,
} from '../../../shared/commerce/orders/api/create-order.ts';
import type { ProblemDocument } from '../../../shared/commerce/orders/api/http.ts';
import { ORDER_PII_KEYS } from '../../../shared/commerce/orders/constants.ts';
import { OrdersError } from '../../../shared/commerce/orders/errors.ts';
import { decideIdempotency, type IdempotencyRecord } from '../../../shared/commerce/orders/idempotency.ts';
import { isUuidV7 } from '../../../shared/commerce/orders/ids.ts';
import type { OrderCreatedEvent } from '../../../shared/commerce/orders/model/schemas.ts';
import type {
  OrderWrite,
  OrderWriteResult,
  OrderWriter,
} from '../../../shared/commerce/orders/order-writer.ts';
import {
  BAD_REQUESTS,
  validOrder,
  WRONG_CONTENT_TYPES,
} from '../../../shared/commerce/orders/sample-orders.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { captureOutput } from '../observability/capture.ts';
import { CUSTOMER_SECRETS } from './bad-inputs.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function event(
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  method = 'POST',
  url = '/orders',
): APIGatewayProxyEventV2 {
  const all: Record<string, string> = { 'content-type': 'application/json', host: 'api.local', ...headers };
  return toApiGatewayEventV2(
    {
      method,
      url,
      headers: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, [v]])),
      body: typeof body === 'string' ? Buffer.from(body) : body,
      sourceIp: '203.0.113.7',
      protocol: 'HTTP/1.1',
    },
    { routeKey: '$default' },
  );
}

/** A writer keeping records in memory with the transaction's conditions, and every write it got. */
function memoryWriter(override?: (write: OrderWrite) => OrderWriteResult | undefined): OrderWriter & {
  writes: OrderWrite[];
  committed: OrderWrite[];
} {
  const records = new Map<string, IdempotencyRecord>();
  const writes: OrderWrite[] = [];
  const committed: OrderWrite[] = [];
  return {
    writes,
    committed,
    async write(write) {
      writes.push(write);
      const forced = override?.(write);
      if (forced) return forced;
      const key = write.idempotency?.idempotency_key;
      const existing = key ? records.get(key) : undefined;
      if (existing && decideIdempotency(existing, '', write.nowMs) !== 'expired') {
        return { kind: 'duplicate-key', record: existing };
      }
      if (key && write.idempotency) records.set(key, write.idempotency);
      committed.push(write);
      return { kind: 'written' };
    },
  };
}

const logger = createLogger({ serviceName: 'orders-test', piiKeys: ORDER_PII_KEYS });

function handler(writer: OrderWriter, deps: Partial<CreateOrderDeps> = {}) {
  return createOrderHandler({ writer, logger, ...deps });
}

/** The answer's body: a problem document or a 202 body (the test knows which). */
function parse(
  response: APIGatewayProxyStructuredResultV2,
): Omit<ProblemDocument, 'status'> & Omit<OrderAccepted, 'status'> & { status: number | string } {
  return JSON.parse(response.body ?? 'null');
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  let out: T;
  await captureOutput(async () => {
    out = await fn();
  });
  return out!;
}

describe('bad requests', () => {
  it.each(BAD_REQUESTS.map((c) => [c.kind, c] as const))(
    '%s → 400 %s, nothing written',
    async (_k, input) => {
      const writer = memoryWriter();
      const response = await quietly(() => handler(writer)(event(input.body, input.headers)));
      expect(response.statusCode).toBe(400);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      const problem = parse(response);
      expect(problem.status).toBe(400);
      expect(problem.code).toBe(input.code);
      expect(problem.errors.map((e) => [e.code, e.path])).toEqual([[input.code, input.path]]);
      expect(writer.writes).toHaveLength(0);
    },
  );

  it.each(WRONG_CONTENT_TYPES.map((c) => [c.kind, c] as const))('%s → 415', async (_k, input) => {
    const writer = memoryWriter();
    const response = await quietly(() => handler(writer)(event(input.body, input.headers)));
    expect(response.statusCode).toBe(415);
    expect(parse(response).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(writer.writes).toHaveLength(0);
  });

  it('refuses a body over the limit with 413 before parsing it (even when it is not JSON)', async () => {
    const writer = memoryWriter();
    const response = await quietly(() =>
      handler(writer, { maxBodyBytes: 1024 })(event('x'.repeat(1025), { 'content-type': 'text/plain' })),
    );
    expect(response.statusCode).toBe(413);
    expect(parse(response).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 405 with Allow for another method and 404 for another path', async () => {
    const writer = memoryWriter();
    const get = await quietly(() => handler(writer)(event('', {}, 'GET')));
    expect(get.statusCode).toBe(405);
    expect(get.headers?.allow).toBe('POST');
    const other = await quietly(() => handler(writer)(event('{}', {}, 'POST', '/carts')));
    expect(other.statusCode).toBe(404);
    expect(parse(other).code).toBe('ROUTE_NOT_FOUND');
  });

  it('refuses malformed base64 with INVALID_ENCODING', async () => {
    const e = { ...event(JSON.stringify(validOrder())), body: '%%%not-base64', isBase64Encoded: true };
    const response = await quietly(() => handler(memoryWriter())(e));
    expect(response.statusCode).toBe(400);
    expect(parse(response).code).toBe('INVALID_ENCODING');
  });
});

describe('accepted orders', () => {
  it('answers 202 after ONE write whose order, outbox entry and idempotency record agree', async () => {
    const writer = memoryWriter();
    const now = Date.UTC(2026, 5, 1, 12);
    const response = await quietly(() =>
      handler(writer, { now: () => now })(
        event(JSON.stringify(validOrder()), {
          'idempotency-key': 'k-1',
          traceparent: TRACEPARENT,
          'x-correlation-id': 'checkout-42',
        }),
      ),
    );
    expect(response.statusCode).toBe(202);
    const body = parse(response);
    expect(isUuidV7(body.order_id)).toBe(true);
    expect(body).toEqual({
      order_id: body.order_id,
      status: 'ACCEPTED',
      created_at: '2026-06-01T12:00:00.000Z',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      correlation_id: 'checkout-42',
    });
    expect(writer.writes).toHaveLength(1);
    const { order, outbox, idempotency } = writer.writes[0]!;
    expect(order.order_id).toBe(body.order_id);
    expect(order.items.map((i) => i.line_total)).toEqual([39.98, 13.5]);
    expect(order.inventory_status).toEqual([
      { sku: 'SKU-LAMP-01', requested_quantity: 2, status: 'PENDING' },
      { sku: 'SKU-BULB-07', requested_quantity: 3, status: 'PENDING' },
    ]);
    expect(order.metadata).toMatchObject({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      parent_span_id: '00f067aa0ba902b7',
      correlation_id: 'checkout-42',
      source: 'orders-api',
    });
    expect(order.metadata.span_id).not.toBe('00f067aa0ba902b7');
    expect(response.headers?.traceparent).toBe(order.metadata.traceparent);

    // The outbox entry: the ECST event, keyed by order id, with the tracing headers.
    expect(outbox).toMatchObject({
      aggregate_id: body.order_id,
      sequence: 1,
      topic: 'orders',
      message_key: body.order_id,
    });
    const published = JSON.parse(outbox.payload) as OrderCreatedEvent;
    expect(published).toMatchObject({
      event_type: 'order_created',
      schema_version: 1,
      order_id: body.order_id,
      customer_info: validOrder().customer_info,
      currency: 'EUR',
      total_amount: 53.48,
    });
    expect(published.items).toEqual(order.items);
    expect(published.inventory_status).toEqual(order.inventory_status);
    expect(outbox.kafka_headers).toMatchObject({
      traceparent: order.metadata.traceparent,
      correlation_id: 'checkout-42',
      event_type: 'order_created',
      event_id: published.event_id,
    });

    // The idempotency record keeps the exact answer.
    expect(idempotency?.order_id).toBe(body.order_id);
    expect(idempotency?.response_body).toBe(response.body);
    expect(idempotency?.expires_at).toBe(now / 1000 + 24 * 3600);
  });

  it('writes no idempotency record without the header', async () => {
    const writer = memoryWriter();
    await quietly(() => handler(writer)(event(JSON.stringify(validOrder()))));
    expect(writer.writes[0]?.idempotency).toBeUndefined();
  });

  it('replays the first answer for the same key and body, byte for byte, without a second commit', async () => {
    const writer = memoryWriter();
    const handle = handler(writer);
    const first = await quietly(() =>
      handle(event(JSON.stringify(validOrder()), { 'idempotency-key': 'k-2' })),
    );
    // Same order, other key order and whitespace.
    const reordered = JSON.stringify({ ...validOrder(), total_amount: 53.48, currency: 'EUR' }, null, 2);
    const second = await quietly(() => handle(event(reordered, { 'idempotency-key': '"k-2"' })));
    expect(second.statusCode).toBe(202);
    expect(second.body).toBe(first.body);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(writer.committed).toHaveLength(1);
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const writer = memoryWriter();
    const handle = handler(writer);
    await quietly(() => handle(event(JSON.stringify(validOrder()), { 'idempotency-key': 'k-3' })));
    const changed = validOrder();
    changed.items[0].quantity = 3;
    changed.total_amount = 73.47;
    const response = await quietly(() =>
      handle(event(JSON.stringify(changed), { 'idempotency-key': 'k-3' })),
    );
    expect(response.statusCode).toBe(422);
    expect(parse(response).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(writer.committed).toHaveLength(1);
  });

  it('keeps keys of different callers apart', async () => {
    const writer = memoryWriter();
    const handle = handler(writer);
    const as = (sub: string) => {
      const e = event(JSON.stringify(validOrder()), { 'idempotency-key': 'shared' });
      (e.requestContext as unknown as { authorizer: unknown }).authorizer = {
        jwt: { claims: { sub }, scopes: null },
      };
      return e;
    };
    const alice = await quietly(() => handle(as('alice')));
    const bob = await quietly(() => handle(as('bob')));
    expect(parse(alice).order_id).not.toBe(parse(bob).order_id);
    expect(writer.committed).toHaveLength(2);
  });

  it('accepts a base64-encoded body', async () => {
    const e = {
      ...event(''),
      body: Buffer.from(JSON.stringify(validOrder())).toString('base64'),
      isBase64Encoded: true,
    };
    const response = await quietly(() => handler(memoryWriter())(e));
    expect(response.statusCode).toBe(202);
  });

  it('starts a new trace when traceparent is invalid, and a new correlation id when none is valid', async () => {
    const writer = memoryWriter();
    const response = await quietly(() =>
      handler(writer)(
        event(JSON.stringify(validOrder()), {
          traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
          'x-correlation-id': 'has spaces',
        }),
      ),
    );
    const body = parse(response);
    expect(body.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.trace_id).not.toBe('0'.repeat(32));
    expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(writer.writes[0]?.order.metadata.parent_span_id).toBeUndefined();
    expect(response.headers?.['x-correlation-id']).toBe(body.correlation_id);
  });
});

describe('store outcomes', () => {
  const valid = () => event(JSON.stringify(validOrder()), { 'idempotency-key': 'k-x' });

  it('a transaction still in conflict → 409 IDEMPOTENCY_KEY_IN_USE with Retry-After', async () => {
    const response = await quietly(() => handler(memoryWriter(() => ({ kind: 'conflict' })))(valid()));
    expect(response.statusCode).toBe(409);
    expect(parse(response).code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(response.headers?.['retry-after']).toBe('1');
  });

  it('a store throttled or down → 503 SERVICE_UNAVAILABLE with Retry-After', async () => {
    const writer = memoryWriter(() => {
      throw new OrdersError('STORE_UNAVAILABLE', 'throttled');
    });
    const response = await quietly(() => handler(writer)(valid()));
    expect(response.statusCode).toBe(503);
    expect(parse(response).code).toBe('SERVICE_UNAVAILABLE');
    expect(response.headers?.['retry-after']).toBe('1');
  });

  it('a store refusing the request (missing table) → 500 INTERNAL_ERROR, logged as an error', async () => {
    const writer = memoryWriter(() => {
      throw new OrdersError('STORE_REJECTED', 'ResourceNotFoundException');
    });
    let response!: APIGatewayProxyStructuredResultV2;
    const lines = await captureOutput(async () => {
      response = await handler(writer)(valid());
    });
    expect(response.statusCode).toBe(500);
    expect(parse(response).code).toBe('INTERNAL_ERROR');
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['ERROR']);
  });

  it('an order id collision → one more try with a new id', async () => {
    let calls = 0;
    const writer = memoryWriter(() => (++calls === 1 ? { kind: 'order-exists' } : undefined));
    const response = await quietly(() => handler(writer)(valid()));
    expect(response.statusCode).toBe(202);
    expect(writer.writes).toHaveLength(2);
    expect(writer.writes[0]!.order.order_id).not.toBe(writer.writes[1]!.order.order_id);
    expect(parse(response).order_id).toBe(writer.writes[1]!.order.order_id);
  });
});

describe('logs', () => {
  it('one line per request with the correlation id, and no customer data in clear', async () => {
    const writer = memoryWriter();
    const handle = handler(writer);
    const bad = validOrder();
    bad.customer_info.email = 'not-an-email jeanne.martin@example.com';
    const lines = await captureOutput(async () => {
      await handle(event(JSON.stringify(validOrder()), { 'x-correlation-id': 'corr-1' }));
      await handle(event(JSON.stringify(bad), { 'x-correlation-id': 'corr-2' }));
    });
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).correlation_id)).toEqual(['corr-1', 'corr-2']);
    for (const line of lines) for (const secret of CUSTOMER_SECRETS) expect(line).not.toContain(secret);
  });

  it('the orders logger masks the customer fields even if a whole order were logged', async () => {
    const lines = await captureOutput(() => logger.info('debug', { order: validOrder() }));
    for (const secret of CUSTOMER_SECRETS) expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('SKU-LAMP-01');
  });
});
