/**
 * The whole orders path on the REAL stack, with the real handlers, run by the local tools as
 * `orion run --pipeline commerce` runs them: `POST /orders` through the ORDER API's local HTTP
 * server (`startPipelineFunctions`) → one DynamoDB transaction (order + outbox entry [+ idempotency
 * record]) → the outbox table's stream → the outbox publisher on the DynamoDB Streams mapping →
 * Kafka `orders` → the order consumer behind the ESM emulator (`startPipeline`) → the event store.
 *
 * 1. N valid orders → 202 with an order id and a trace id each → exactly one stored event per order
 *    (order_created, version 1) whose trace id is the API's, and the `orders` record's
 *    `traceparent` header carries the same trace id;
 * 2. one POST sent twice with one Idempotency-Key → one order, one record on `orders`, one event;
 * 3. the publisher crashes between the produce and the marks (the mapping killed in its produce,
 *    as test/integration/orders/outbox-publisher.test.ts does), the functions restarted on the
 *    same checkpoint store resume → every entry published twice (same event id) → still exactly
 *    one stored event per order.
 *
 * Tables of this run only (unique prefixes through ORDERS_TABLE_PREFIX / ORDER_EVENTS_TABLE_PREFIX),
 * dropped afterwards; the order consumer has a consumer group of its own, committed at the end
 * offsets of `orders` noted before; `orders` is read from end offsets noted before.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDbStreamMapping,
  MemoryCheckpointStore,
  startDynamoDbStreamMapping,
} from '../../../localstack/esm/dynamodb-streams/index.ts';
import { type PipelineHandle, startPipeline } from '../../../localstack/esm/pipeline.ts';
import {
  type RunningPipelineFunctions,
  startPipelineFunctions,
} from '../../../localstack/esm/pipeline-functions.ts';
import { DynamoOrderEventStore, type StoredOrderEvent } from '../../../shared/commerce/orders/event-store.ts';
import {
  ORDER_EVENT_STORE,
  ORDER_EVENTS_TABLE_PREFIX_VARIABLE,
  orderEventTableNames,
} from '../../../shared/commerce/orders/event-store-table.ts';
import type { OutboxPublisherHandler } from '../../../shared/commerce/orders/outbox-publisher.ts';
import { outboxPublisherFromEnv } from '../../../shared/commerce/orders/outbox-publisher-from-env.ts';
import { validOrder } from '../../../shared/commerce/orders/sample-orders.ts';
import {
  dropOrderTables,
  ORDERS_TABLE_PREFIX_VARIABLE,
  orderTableNames,
} from '../../../shared/commerce/orders/tables.ts';
import { COMMERCE_PIPELINE, OUTBOX_PUBLISHER } from '../../../shared/commerce/pipeline.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { createKafka, createKafkaConnections, type KafkaConnections } from '../../../shared/kafka/client.ts';
import { type BatchProducer, createBatchProducer } from '../../../shared/kafka/producer.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { definePipeline, functionNameOf } from '../../../shared/pipeline/definition.ts';
import { streamStageMappingSettings } from '../../../shared/pipeline/stream-esm-settings.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
  sharedDynamoDb,
} from '../../../shared/storage/dynamodb/client.ts';
import { dropTables, ensureTables } from '../../../shared/storage/dynamodb/tables.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { closeStageHandler, waitFor } from '../esm/harness.ts';
import { commitGroupAt, endOffsets, type Offsets, type ReadRecord, readSince } from '../stages/kafka-io.ts';

const endpoints = testEndpoints();
const brokers = endpoints.kafkaBrokers;
const RUN = Date.now().toString(36);
const ORDERS_PREFIX = `it-flow-${RUN}-`;
const EVENTS_PREFIX = `it-flow-${RUN}-`;
const ORDER_TABLES = orderTableNames(ORDERS_PREFIX);
const ORDERS = COMMERCE_TOPIC.orders;
const CONSUMER = 'order-consumer';
const GROUP = `it-orders-flow-${RUN}`;
/** Valid orders of test 1 (DynamoDB Local writes a streamed table ~100 ms per item: keep it small). */
const N = 10;
/** Orders of the crash test. */
const M = 4;
const FAST = {
  pollIntervalMs: 50,
  shardDiscoveryIntervalMs: 200,
  retryBackoffMs: 20,
  retryBackoffMaxMs: 100,
};
/** The commerce definition without its stream stage: the ORDER API alone (outbox entries wait). */
const API_ONLY = definePipeline({ ...COMMERCE_PIPELINE, streamStages: [] });

let kafka: Kafka;
let admin: Admin;
let doc: DynamoDBDocumentClient;
let events: DynamoOrderEventStore;
let connections: KafkaConnections;
/** Shard checkpoints of the outbox mapping, kept across restarts (a re-enabled AWS mapping). */
const checkpoints = new MemoryCheckpointStore();
let functions: RunningPipelineFunctions | undefined;
let consumer: PipelineHandle | undefined;
const extra: { stop(): Promise<void> }[] = [];

interface Accepted {
  readonly orderId: string;
  readonly traceId: string;
  readonly traceparent: string;
  readonly status: number;
  readonly replayed: boolean;
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.KAFKA_BROKERS = brokers.join(',');
  process.env.DYNAMODB_ENDPOINT = endpoints.dynamodbEndpoint;
  // The env contract: the functions (API, publisher, consumer) read these at cold start and the
  // local tools keep what the user set.
  process.env[ORDERS_TABLE_PREFIX_VARIABLE] = ORDERS_PREFIX;
  process.env[ORDER_EVENTS_TABLE_PREFIX_VARIABLE] = EVENTS_PREFIX;

  doc = createDynamoDbDocumentClient(dynamoDbConfigFromEnv());
  // The event store is the Kafka stage's: startPipelineFunctions creates only the functions' tables.
  await ensureTables(doc, ORDER_EVENT_STORE.tables, EVENTS_PREFIX);
  events = new DynamoOrderEventStore(doc, { tables: orderEventTableNames(EVENTS_PREFIX) });

  kafka = testKafka('it-orders-flow', brokers);
  admin = kafka.admin();
  await admin.connect();
  await applyCatalog(admin, COMMERCE_PIPELINE.topics, { timeoutMs: 60_000 });
  connections = createKafkaConnections(createKafka({ brokers, auth: 'none', clientId: 'it-orders-flow' }));

  // The order consumer: its own group, starting at the end of `orders` (the topic is shared).
  await commitGroupAt(admin, GROUP, ORDERS, await endOffsets(admin, ORDERS));
  consumer = await startPipeline({
    pipeline: COMMERCE_PIPELINE,
    brokers,
    stages: [CONSUMER],
    mappingOverrides: { consumerGroupId: GROUP },
    retryBackoffMs: 50,
    retryBackoffMaxMs: 200,
  });
  functions = await startFunctions();
});

afterAll(async () => {
  await functions?.stop().catch(() => undefined);
  await Promise.all(extra.map((e) => e.stop().catch(() => undefined)));
  await consumer?.stop().catch(() => undefined);
  // The consumer module's own Kafka clients (one module instance per mapping environment).
  await closeStageHandler(
    COMMERCE_PIPELINE,
    COMMERCE_PIPELINE.stages.find((s) => s.name === CONSUMER)!,
    GROUP,
  );
  await connections?.disconnect().catch(() => undefined);
  await admin?.disconnect();
  if (doc) {
    await dropOrderTables(doc, ORDERS_PREFIX).catch(() => undefined);
    await dropTables(doc, ORDER_EVENT_STORE.tables, EVENTS_PREFIX).catch(() => undefined);
    doc.destroy();
  }
  sharedDynamoDb().doc.destroy();
});

/** The ORDER API and the outbox publisher as `orion run` starts them, on the shared checkpoints. */
function startFunctions(pipeline: PipelineDefinition = COMMERCE_PIPELINE): Promise<RunningPipelineFunctions> {
  return startPipelineFunctions({
    pipeline,
    brokers,
    streamKnobs: FAST,
    checkpoints,
    log: () => {},
  });
}

/** POSTs an order; the answer's order id, trace id (body) and traceparent (header). */
async function post(url: string, i: number, idempotencyKey?: string): Promise<Accepted> {
  const order = validOrder();
  order.customer_info.customer_id = `c-${RUN}-${i}`;
  const response = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(order),
  });
  const body = (await response.json()) as { order_id?: string; trace_id?: string };
  return {
    orderId: body.order_id ?? '',
    traceId: body.trace_id ?? '',
    traceparent: response.headers.get('traceparent') ?? '',
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

/** Waits until the order consumer's group has committed `orders` up to `to`. */
async function consumed(to: Offsets, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${GROUP} to commit ${ORDERS} up to its end`,
    async () => {
      const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [ORDERS] });
      const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
      return [...to].every(([p, end]) => (at.get(p) ?? -1) >= end);
    },
    timeoutMs,
  );
}

/** Records of `orders` since `from` keyed by one of `orderIds`. */
async function recordsOf(from: Offsets, orderIds: readonly string[]): Promise<ReadRecord[]> {
  const keys = new Set(orderIds);
  const read = await readSince(kafka, admin, ORDERS, from, 60_000);
  return read.filter((r) => keys.has(r.key?.toString() ?? ''));
}

async function histories(orderIds: readonly string[]): Promise<Map<string, StoredOrderEvent[]>> {
  const found = await Promise.all(orderIds.map((id) => events.history(id)));
  return new Map(orderIds.map((id, i) => [id, found[i]!]));
}

async function orderCount(): Promise<number> {
  const { Count = 0 } = await doc.send(
    new ScanCommand({ TableName: ORDER_TABLES.orders, Select: 'COUNT', ConsistentRead: true }),
  );
  return Count;
}

const header = (r: ReadRecord, name: string) => r.headers[name]?.toString();
const traceIdOfParent = (traceparent: string | undefined) => traceparent?.split('-')[1];

describe('orders flow: POST /orders → DynamoDB → stream → outbox publisher → Kafka → order consumer → event store', () => {
  it('N valid orders: 202 with order id and trace id each, one stored event per order (version 1) with the API trace id, traceparent on Kafka', async () => {
    const from = await endOffsets(admin, ORDERS);
    const url = functions!.urls['orders-api']!;
    const accepted = await Promise.all(Array.from({ length: N }, (_, i) => post(url, i)));
    for (const a of accepted) {
      expect(a.status).toBe(202);
      expect(a.orderId).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceIdOfParent(a.traceparent)).toBe(a.traceId);
    }
    const ids = accepted.map((a) => a.orderId);
    expect(new Set(ids).size).toBe(N);

    await functions!.waitUntilCaughtUp({ timeoutMs: 60_000 });
    const records = await recordsOf(from, ids);
    expect(records).toHaveLength(N);
    await consumed(await endOffsets(admin, ORDERS));

    const stored = await histories(ids);
    for (const a of accepted) {
      const record = records.find((r) => r.key!.toString() === a.orderId)!;
      expect(traceIdOfParent(header(record, 'traceparent'))).toBe(a.traceId);
      const history = stored.get(a.orderId)!;
      expect(history, a.orderId).toHaveLength(1);
      expect(history[0]).toMatchObject({
        order_id: a.orderId,
        version: 1,
        event_type: 'order_created',
        event_id: header(record, 'event_id'),
        trace_id: a.traceId,
        source_topic: ORDERS,
      });
    }
    expect(functions!.counters().httpApis['orders-api']?.byStatus['202']).toBeGreaterThanOrEqual(N);
    expect(consumer!.stageTotals()[CONSUMER]?.recordsOnFailure).toBe(0);
  });

  it('the same POST twice with one Idempotency-Key: one order, one record on `orders`, one stored event', async () => {
    const from = await endOffsets(admin, ORDERS);
    const before = await orderCount();
    const url = functions!.urls['orders-api']!;
    const key = `it-flow-${RUN}-key`;
    const first = await post(url, 1_000, key);
    const second = await post(url, 1_000, key);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect([first.replayed, second.replayed]).toEqual([false, true]);
    expect(second.orderId).toBe(first.orderId);
    expect(second.traceId).toBe(first.traceId); // the first answer, byte for byte
    expect(await orderCount()).toBe(before + 1);

    await functions!.waitUntilCaughtUp({ timeoutMs: 60_000 });
    expect(await recordsOf(from, [first.orderId])).toHaveLength(1);
    await consumed(await endOffsets(admin, ORDERS));
    const history = await events.history(first.orderId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ version: 1, trace_id: first.traceId });
  });

  it('the publisher crashes between the produce and the marks: entries published twice (same event id), one stored event per order', async () => {
    // Everything so far published and checkpointed; then the API alone takes M orders.
    await functions!.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await functions!.stop();
    functions = undefined;
    const from = await endOffsets(admin, ORDERS);
    const apiOnly = await startFunctions(API_ONLY);
    let accepted: Accepted[];
    try {
      const url = apiOnly.urls['orders-api']!;
      accepted = await Promise.all(Array.from({ length: M }, (_, i) => post(url, 2_000 + i)));
    } finally {
      await apiOnly.stop();
    }
    expect(accepted.map((a) => a.status)).toEqual(Array(M).fill(202));
    const ids = accepted.map((a) => a.orderId);

    // The publisher's mapping (same id, same checkpoints) whose execution environment dies once
    // Kafka acknowledged its first batch, before any mark.
    const realProducer = createBatchProducer(connections, { timeoutMs: 10_000 });
    let mapping: DynamoDbStreamMapping | undefined;
    let crashed = false;
    const crashing: BatchProducer = {
      async send(records) {
        await realProducer.send(records);
        if (!crashed && records.length > 0) {
          crashed = true;
          await mapping!.kill();
          throw new Error('execution environment crashed');
        }
      },
    };
    const handler: OutboxPublisherHandler = outboxPublisherFromEnv({ producer: crashing });
    extra.push({ stop: () => handler.close() });
    const functionName = functionNameOf(COMMERCE_PIPELINE, OUTBOX_PUBLISHER.name);
    mapping = await startDynamoDbStreamMapping({
      ...FAST,
      ...streamStageMappingSettings(OUTBOX_PUBLISHER),
      tableName: ORDER_TABLES.outbox,
      handler: (event) => handler(event),
      functionName,
      mappingId: `${functionName}@${ORDER_TABLES.outbox}`,
      checkpoints,
      endpoint: endpoints.dynamodbEndpoint,
      onError: () => {},
    });
    extra.push(mapping);
    await waitFor('the publisher to crash', () => crashed, 60_000);
    const once = await recordsOf(from, ids);
    expect(once).toHaveLength(M);

    // Restarted as `orion run` restarts it: resumes on the checkpoints, publishes again, marks.
    functions = await startFunctions();
    await functions.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await functions.waitUntilCaughtUp({ timeoutMs: 30_000 }); // the marks' MODIFY records
    const records = await recordsOf(from, ids);
    expect(records).toHaveLength(2 * M);
    for (const a of accepted) {
      const ofOrder = records.filter((r) => r.key!.toString() === a.orderId);
      expect(ofOrder).toHaveLength(2);
      expect(header(ofOrder[0]!, 'event_id')).toBe(header(ofOrder[1]!, 'event_id'));
      expect(traceIdOfParent(header(ofOrder[1]!, 'traceparent'))).toBe(a.traceId);
    }

    await consumed(await endOffsets(admin, ORDERS));
    const stored = await histories(ids);
    for (const a of accepted) {
      const history = stored.get(a.orderId)!;
      expect(history, a.orderId).toHaveLength(1);
      expect(history[0]).toMatchObject({ version: 1, trace_id: a.traceId });
    }
    const totals = consumer!.stageTotals()[CONSUMER]!;
    expect(totals.recordsOnFailure).toBe(0);
  });
});
