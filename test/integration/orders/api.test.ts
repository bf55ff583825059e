/**
 * The ORDER API end to end on the REAL DynamoDB Local, through the real local HTTP server
 * (`localstack/http`) running the real Lambda entry (`functions/orders-api/handler.ts`, wired
 * from its environment): a POST writes one order and one outbox entry atomically (and a
 * cancelled transaction writes nothing), `Idempotency-Key` replays, refuses another body and
 * survives concurrent retries with one order, 40+ bad requests get 400/415 with their reasons
 * and never a 5xx, payloads over the limits get 413, throttling 429, unknown routes 404.
 * Tables are unique to the run and dropped afterwards.
 */
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpApi, startHttpApi } from '../../../localstack/http/server.ts';
import type { OrdersApiHandler } from '../../../shared/commerce/orders/api/handler.ts';
import { MAX_BODY_BYTES } from '../../../shared/commerce/orders/constants.ts';
import type { IdempotencyRecord } from '../../../shared/commerce/orders/idempotency.ts';
import { uuidV7 } from '../../../shared/commerce/orders/ids.ts';
import { buildOrder, orderCreatedEvent } from '../../../shared/commerce/orders/model/order.ts';
import type {
  Order,
  OrderCreatedEvent,
  OrderRequest,
} from '../../../shared/commerce/orders/model/schemas.ts';
import { createDynamoOrderWriter } from '../../../shared/commerce/orders/order-writer.ts';
import { type OutboxEntry, outboxEntryOf } from '../../../shared/commerce/orders/outbox.ts';
import {
  dropOrderTables,
  ensureOrderTables,
  type OrderTableNames,
  orderTableNames,
} from '../../../shared/commerce/orders/tables.ts';
import { traceContextOf } from '../../../shared/commerce/orders/trace.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
} from '../../../shared/storage/dynamodb/client.ts';
import { testEndpoints, uniqueName } from '../../support/endpoints.ts';
import {
  BAD_REQUESTS,
  type LooseOrder,
  validOrder,
  WRONG_CONTENT_TYPES,
} from '../../unit/orders/bad-inputs.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('ORDER API on DynamoDB Local through the local HTTP API', () => {
  const prefix = `${uniqueName('it-orders')}-`;
  const tables: OrderTableNames = orderTableNames(prefix);
  let doc: DynamoDBDocumentClient;
  let api: RunningHttpApi;
  let throttled: RunningHttpApi;
  let gateway: RunningHttpApi;
  let customers = 0;

  /** A valid order for a customer of its own, so that a scan can count its orders. */
  function orderFor(): { order: LooseOrder; customerId: string } {
    const order = validOrder();
    customers += 1;
    const customerId = `c-it-${customers}`;
    order.customer_info.customer_id = customerId;
    return { order, customerId };
  }

  function post(
    base: RunningHttpApi,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${base.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  }

  async function ordersOf(customerId: string): Promise<Order[]> {
    const { Items = [] } = await doc.send(
      new ScanCommand({
        TableName: tables.orders,
        ConsistentRead: true,
        FilterExpression: 'customer_info.customer_id = :c',
        ExpressionAttributeValues: { ':c': customerId },
      }),
    );
    return Items as Order[];
  }

  async function outboxOf(orderId: string): Promise<OutboxEntry[]> {
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: tables.outbox,
        ConsistentRead: true,
        KeyConditionExpression: 'aggregate_id = :a',
        ExpressionAttributeValues: { ':a': orderId },
      }),
    );
    return Items as OutboxEntry[];
  }

  async function tableCount(table: string): Promise<number> {
    const { Count = 0 } = await doc.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }),
    );
    return Count;
  }

  beforeAll(async () => {
    const endpoint = testEndpoints().dynamodbEndpoint;
    doc = createDynamoDbDocumentClient(dynamoDbConfigFromEnv({ DYNAMODB_ENDPOINT: endpoint }));
    try {
      expect(await ensureOrderTables(doc, prefix)).toEqual([
        tables.orders,
        tables.outbox,
        tables.idempotency,
      ]);
    } catch (error) {
      throw new Error(`DynamoDB Local is not usable at ${endpoint}: is the stack up?`, { cause: error });
    }
    // The Lambda entry point, configured from its environment as in AWS.
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.ORDERS_TABLE_PREFIX = prefix;
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const { handler } = (await import('../../../functions/orders-api/handler.ts')) as {
      handler: OrdersApiHandler;
    };
    api = await startHttpApi({ routes: { 'POST /orders': handler } });
    throttled = await startHttpApi({
      routes: { 'POST /orders': handler },
      throttle: { rateLimit: 0.5, burstLimit: 3 },
    });
    gateway = await startHttpApi({ routes: { 'POST /orders': handler }, maxPayloadBytes: 256 * 1024 });
  });

  afterAll(async () => {
    await Promise.all([api?.close(), throttled?.close(), gateway?.close()]);
    if (!doc) return;
    await dropOrderTables(doc, prefix);
    doc.destroy();
  });

  it('creates the tables as declared: outbox streamed (NEW_IMAGE), TTL on outbox and idempotency', async () => {
    const client = doc as unknown as DynamoDBClient;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tables.outbox }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'aggregate_id', KeyType: 'HASH' },
      { AttributeName: 'sequence', KeyType: 'RANGE' },
    ]);
    for (const table of [tables.outbox, tables.idempotency]) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expires_at');
    }
    const orders = await client.send(new DescribeTableCommand({ TableName: tables.orders }));
    expect(orders.Table?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
  });

  it('POST → 202, one order and one outbox entry carrying the ECST event and the trace', async () => {
    const { order, customerId } = orderFor();
    const response = await post(api, JSON.stringify(order), {
      traceparent: TRACEPARENT,
      'x-correlation-id': 'it-corr-1',
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { order_id: string; trace_id: string; correlation_id: string };
    expect(body.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(body.correlation_id).toBe('it-corr-1');
    expect(response.headers.get('traceparent')).toMatch(
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
    );

    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.orders, Key: { order_id: body.order_id }, ConsistentRead: true }),
    );
    const stored = Item as Order;
    expect(stored).toMatchObject({
      order_id: body.order_id,
      status: 'ACCEPTED',
      customer_info: order.customer_info,
      currency: 'EUR',
      total_amount: 53.48,
    });
    expect(stored.metadata.traceparent).toBe(response.headers.get('traceparent'));
    expect(await ordersOf(customerId)).toHaveLength(1);

    const outbox = await outboxOf(body.order_id);
    expect(outbox).toHaveLength(1);
    const entry = outbox[0]!;
    expect(entry).toMatchObject({
      sequence: 1,
      topic: 'orders',
      message_key: body.order_id,
      event_type: 'order_created',
    });
    const event = JSON.parse(entry.payload) as OrderCreatedEvent;
    expect(event.order_id).toBe(body.order_id);
    expect(event.customer_info).toEqual(order.customer_info);
    expect(event.items).toEqual(stored.items);
    expect(event.inventory_status).toEqual(stored.inventory_status);
    expect(event.metadata).toEqual(stored.metadata);
    expect(entry.kafka_headers).toEqual({
      traceparent: stored.metadata.traceparent,
      correlation_id: 'it-corr-1',
      event_type: 'order_created',
      event_id: event.event_id,
      content_type: 'application/json',
    });
  });

  it('a cancelled transaction writes nothing: neither the order nor the idempotency record', async () => {
    const writer = createDynamoOrderWriter(doc, tables);
    const nowMs = Date.now();
    const request = validOrder() as OrderRequest;
    const order = buildOrder(request, {
      orderId: uuidV7(nowMs),
      nowMs,
      trace: traceContextOf(undefined),
      correlationId: 'it-atomic',
      requestId: 'it',
    });
    const outbox = outboxEntryOf(orderCreatedEvent(order), nowMs);
    const record: IdempotencyRecord = {
      idempotency_key: `atomic-${order.order_id}`,
      request_hash: 'h',
      order_id: order.order_id,
      status_code: 202,
      response_body: '{}',
      created_at: order.created_at,
      expires_at: Math.floor(nowMs / 1000) + 60,
    };
    // An outbox entry already there for this order makes its condition fail.
    await doc.send(new PutCommand({ TableName: tables.outbox, Item: { ...outbox, payload: 'older' } }));
    expect(await writer.write({ order, outbox, idempotency: record, nowMs })).toEqual({
      kind: 'order-exists',
    });
    const get = (TableName: string, Key: Record<string, unknown>) =>
      doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
    expect((await get(tables.orders, { order_id: order.order_id })).Item).toBeUndefined();
    expect((await get(tables.idempotency, { idempotency_key: record.idempotency_key })).Item).toBeUndefined();
    expect((await outboxOf(order.order_id)).map((e) => e.payload)).toEqual(['older']);

    // And the other way round: an existing order blocks the outbox entry and the record.
    const second = { ...order, order_id: uuidV7(nowMs) };
    const secondOutbox = outboxEntryOf(orderCreatedEvent(second), nowMs);
    await doc.send(new PutCommand({ TableName: tables.orders, Item: second }));
    const secondRecord = { ...record, idempotency_key: `atomic-${second.order_id}` };
    expect(
      await writer.write({ order: second, outbox: secondOutbox, idempotency: secondRecord, nowMs }),
    ).toEqual({
      kind: 'order-exists',
    });
    expect(await outboxOf(second.order_id)).toEqual([]);
    expect(
      (await get(tables.idempotency, { idempotency_key: secondRecord.idempotency_key })).Item,
    ).toBeUndefined();

    // Without a conflict, the same writer commits all three.
    const third = { ...order, order_id: uuidV7(nowMs) };
    const thirdRecord = { ...record, idempotency_key: `atomic-${third.order_id}`, order_id: third.order_id };
    expect(
      await writer.write({
        order: third,
        outbox: outboxEntryOf(orderCreatedEvent(third), nowMs),
        idempotency: thirdRecord,
        nowMs,
      }),
    ).toEqual({ kind: 'written' });
    expect((await get(tables.orders, { order_id: third.order_id })).Item).toBeDefined();
    expect(await outboxOf(third.order_id)).toHaveLength(1);
    expect(
      (await get(tables.idempotency, { idempotency_key: thirdRecord.idempotency_key })).Item,
    ).toMatchObject({
      order_id: third.order_id,
    });
  });

  it('the same POST with the same Idempotency-Key twice → one order, the same 202 body', async () => {
    const { order, customerId } = orderFor();
    const key = `it-key-${customerId}`;
    const first = await post(api, JSON.stringify(order), { 'idempotency-key': key });
    const second = await post(api, JSON.stringify(order, null, 2), { 'idempotency-key': `"${key}"` });
    expect([first.status, second.status]).toEqual([202, 202]);
    const [a, b] = [await first.text(), await second.text()];
    expect(b).toBe(a);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const orders = await ordersOf(customerId);
    expect(orders.map((o) => o.order_id)).toEqual([JSON.parse(a).order_id]);
    expect(await outboxOf(orders[0]!.order_id)).toHaveLength(1);
  });

  it('the same key with a different body → 422 IDEMPOTENCY_KEY_REUSED, no second order', async () => {
    const { order, customerId } = orderFor();
    const key = `it-key-${customerId}`;
    expect((await post(api, JSON.stringify(order), { 'idempotency-key': key })).status).toBe(202);
    const changed = structuredClone(order);
    changed.items[1].quantity = 4;
    changed.total_amount = 57.98;
    const response = await post(api, JSON.stringify(changed), { 'idempotency-key': key });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { code: string; errors: { code: string }[] };
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ordersOf(customerId)).toHaveLength(1);
  });

  it('concurrent POSTs with one Idempotency-Key → exactly one order; every 202 is the same answer', async () => {
    const { order, customerId } = orderFor();
    const key = `it-key-${customerId}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post(api, JSON.stringify(order), { 'idempotency-key': key })),
    );
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    console.info(`[orders] 8 concurrent POSTs, one key: statuses ${statuses.join(',')}`);
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    const accepted = bodies.filter((_, i) => statuses[i] === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted).size).toBe(1);
    const orders = await ordersOf(customerId);
    expect(orders).toHaveLength(1);
    expect(JSON.parse(accepted[0]!).order_id).toBe(orders[0]!.order_id);
    expect(await outboxOf(orders[0]!.order_id)).toHaveLength(1);
  });

  it(`${BAD_REQUESTS.length} bad requests over HTTP → 400 with their reason and path, never a 5xx, nothing written`, async () => {
    const before = await Promise.all([tableCount(tables.orders), tableCount(tables.outbox)]);
    const seen: string[] = [];
    for (const input of BAD_REQUESTS) {
      const response = await post(api, input.body, { ...(input.headers ?? {}) });
      const problem = (await response.json()) as { code: string; errors: { code: string; path: string }[] };
      seen.push(`${input.kind}: ${response.status} ${problem.code}`);
      expect(response.status, input.kind).toBe(400);
      expect(
        problem.errors.map((e) => [e.code, e.path]),
        input.kind,
      ).toEqual([[input.code, input.path]]);
    }
    for (const input of WRONG_CONTENT_TYPES) {
      const response = await post(api, input.body, { ...(input.headers ?? {}) });
      expect(response.status, input.kind).toBe(415);
      expect(((await response.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(new Set(BAD_REQUESTS.map((c) => c.code)).size).toBeGreaterThanOrEqual(20);
    expect(await Promise.all([tableCount(tables.orders), tableCount(tables.outbox)])).toEqual(before);
  });

  it('a body over the API limit → 413 PAYLOAD_TOO_LARGE from the handler; over the gateway quota → 413 from the gateway', async () => {
    const big = JSON.stringify({ ...validOrder(), padding: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await post(api, big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    const huge = await post(gateway, 'x'.repeat(300 * 1024));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ message: 'Request Entity Too Large' });
  });

  it('throttles with the stage token bucket (burst 3) → 429 Too Many Requests', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(throttled, '')).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    const refused = await post(throttled, '');
    expect(await refused.json()).toEqual({ message: 'Too Many Requests' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('answers 404 for routes the API does not have, as API Gateway does', async () => {
    const get = await fetch(`${api.url}/orders`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ message: 'Not Found' });
    const other = await fetch(`${api.url}/carts`, { method: 'POST', body: '{}' });
    expect(other.status).toBe(404);
  });

  it('measures: sequential accepted POSTs (latency through HTTP + one transaction)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const { order } = orderFor();
      const started = performance.now();
      const response = await post(api, JSON.stringify(order), { 'idempotency-key': `it-lat-${i}-${prefix}` });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      expect(response.status).toBe(202);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    console.info(
      `[orders] 40 sequential POST /orders (with Idempotency-Key): p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`,
    );
  });
});
