/**
 * The order consumer on the real embedded stack: its handler (`functions/orders-consumer`) behind
 * the ESM emulator with the stage's mapping settings, reading the pipeline's `orders` topic (LZ4
 * on the broker) and appending to its event store on DynamoDB Local (tables of this run's prefix).
 * The stage (`ORDER_CONSUMER`) comes from the commerce definition, with its store, `orders-dlq`
 * as a dead-letter topic and a replay source.
 *
 * Checked:
 * 1. `order_created` records built with the ORDER API's model, as the outbox publisher produces
 *    them (key = order id, the outbox's headers) → exactly one stored event per order, version 1,
 *    payload byte for byte, trace id = the `traceparent` header's, correlation id = the header's;
 *    the state item says ACCEPTED / version 1 / last event / trace id;
 * 2. the same records produced again (outbox re-publish, redelivery) → still one event each;
 * 3. DynamoDB unreachable (a closed port): the mapping retries (3 times) and writes the records to
 *    `orders-dlq` in AWS's on-failure format, the original record (headers included) inside; the
 *    store comes back, the replay job (`shared/replay`) republishes them to `orders`, and every
 *    order then has exactly one event (a missing table fails the same way, not retryable);
 * 4. malformed records → `commerce.rejected` with their reason, original key and bytes, stage
 *    `order-consumer`; nothing stored;
 * 5. routed `checkout` / `order_completed` (keyed by user id, validation's headers) → appended to
 *    their order id: after an API order's `order_created` (versions 2, 3, COMPLETED) and for a
 *    commerce order of its own (versions 1, 2); produced again → nothing more.
 * Figures (console): events/s through Kafka + emulator + DynamoDB Local, and through the store
 * alone; DynamoDB item writes, transactions, keys read and WCU per event.
 *
 * The pipeline topics are shared with other runs: each mapping has a consumer group of its own,
 * committed at the end offsets noted before producing; topics are read from noted end offsets and
 * records are this run's by key or order id.
 */
import { createServer } from 'node:net';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineHandle, startPipeline } from '../../../localstack/esm/pipeline.ts';
import type { HandlerSource } from '../../../localstack/esm/types.ts';
import {
  DynamoOrderEventStore,
  EVENT_STORE_ERROR,
  EVENT_STORE_FAULT,
  type StoredOrderEvent,
} from '../../../shared/commerce/orders/event-store.ts';
import {
  ORDER_EVENT_STORE,
  orderEventTableNames,
} from '../../../shared/commerce/orders/event-store-table.ts';
import {
  ORDER_CONSUMER_PII_KEYS,
  ORDER_CONSUMER_STAGE,
  orderConsumerStage,
} from '../../../shared/commerce/orders/order-consumer-stage.ts';
import { readOrderEvent } from '../../../shared/commerce/orders/order-events.ts';
import { COMMERCE_PIPELINE, commerceStageSpec } from '../../../shared/commerce/pipeline.ts';
import { REJECT_REASON } from '../../../shared/commerce/reason-codes.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { createKafkaConnections, PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { decodeKafkaEvent, type KafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { createBatchProducer } from '../../../shared/kafka/producer.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { eventSourceMappingsOf } from '../../../shared/pipeline/mappings.ts';
import type { StageSpec } from '../../../shared/pipeline/types.ts';
import { CheckpointStore } from '../../../shared/replay/checkpoint-store.ts';
import { ensureReplayJobTable } from '../../../shared/replay/job-table.ts';
import { runReplay } from '../../../shared/replay/replay-job.ts';
import { parseReplayRequest } from '../../../shared/replay/request.ts';
import { createKafkaHandler, type KafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
  sharedDynamoDb,
} from '../../../shared/storage/dynamodb/client.ts';
import { dropTables, ensureTables } from '../../../shared/storage/dynamodb/tables.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import {
  type OrderCreatedMessage,
  type OrderTopicMessage,
  orderCreatedMessage,
  routedMessage,
} from '../../unit/orders/order-consumer-fixtures.ts';
import { closeStageHandler, waitFor } from '../esm/harness.ts';
import {
  commitGroupAt,
  endOffsets,
  type Offsets,
  readSince,
  waitForGroupCommit,
} from '../stages/kafka-io.ts';

const endpoints = testEndpoints();
const brokers = endpoints.kafkaBrokers;
const RUN = Date.now().toString(36);
const PREFIX = `it-order-consumer-${RUN}-`;
const TABLES = orderEventTableNames(PREFIX);
const JOB_TABLE = `it-order-consumer-${RUN}-replay-jobs`;
const ORDERS = COMMERCE_TOPIC.orders;
const DLQ = COMMERCE_TOPIC.ordersDlq;
/** Orders of the end-to-end run (override: ORDER_CONSUMER_IT_ORDERS). */
const N = Number(process.env.ORDER_CONSUMER_IT_ORDERS ?? 1_000);
const OUTAGE = 20;

/** The stage as the commerce definition declares it. */
const ORDER_CONSUMER: StageSpec = commerceStageSpec(ORDER_CONSUMER_STAGE);

const PIPELINE = COMMERCE_PIPELINE;

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let doc: DynamoDBDocumentClient;
let reader: DynamoOrderEventStore;
let orders: OrderCreatedMessage[] = [];
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.KAFKA_BROKERS = brokers.join(',');
  process.env.KAFKA_CLIENT_ID = 'it-order-consumer';
  process.env.DYNAMODB_ENDPOINT = endpoints.dynamodbEndpoint;
  // Read by the handler at cold start (the emulator keeps what the user set).
  process.env[ORDER_EVENT_STORE.tablePrefixVariable] = PREFIX;

  doc = createDynamoDbDocumentClient(dynamoDbConfigFromEnv());
  await ensureTables(doc, ORDER_EVENT_STORE.tables, PREFIX);
  await ensureReplayJobTable(doc, JOB_TABLE);
  reader = new DynamoOrderEventStore(doc, { tables: TABLES });

  kafka = testKafka('it-order-consumer', brokers);
  admin = kafka.admin();
  await admin.connect();
  await applyCatalog(admin, COMMERCE_PIPELINE.topics, { timeoutMs: 60_000 });
  producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();

  const now = Date.now();
  orders = Array.from({ length: N }, (_, i) =>
    orderCreatedMessage(i, {
      nowMs: now + i,
      correlationId: `it-oc-${RUN}-${i}`,
      ...(i % 2 === 0 ? { traceparent: `00-${traceIdOf(i)}-00f067aa0ba902b7-01` } : {}),
    }),
  );
});

afterAll(async () => {
  // The handler module's own Kafka clients: the emulator imported it once per mapping environment.
  await closeStageHandler(
    PIPELINE,
    ORDER_CONSUMER,
    eventSourceMappingsOf(ORDER_CONSUMER)[0]!.consumerGroupId,
  );
  await producer?.disconnect();
  await admin?.disconnect();
  if (doc) {
    await dropTables(doc, ORDER_EVENT_STORE.tables, PREFIX).catch(() => undefined);
    await (doc as unknown as DynamoDBClient)
      .send(new DeleteTableCommand({ TableName: JOB_TABLE }))
      .catch(() => undefined);
    doc.destroy();
  }
  sharedDynamoDb().doc.destroy();
  console.info(`[order-consumer] figures: ${JSON.stringify(figures)}`);
});

/** A trace id of this run for order `i` (32 hex digits). */
function traceIdOf(i: number): string {
  return `${Number.parseInt(RUN, 36).toString(16).padStart(12, '0')}${i.toString(16).padStart(20, '0')}`.slice(
    -32,
  );
}

/** Produces messages to `orders` in order; returns the end offsets after. */
async function produce(messages: readonly OrderTopicMessage[]): Promise<Offsets> {
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({
      topic: ORDERS,
      acks: -1,
      messages: messages.slice(i, i + 500).map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });
  }
  return endOffsets(admin, ORDERS);
}

/** Commits `group` at `offsets` (a new group then starts exactly there, whatever `orders` held). */
const commitGroup = (group: string, offsets: Offsets) => commitGroupAt(admin, group, ORDERS, offsets);

/** Starts the order consumer's mapping with consumer group `group` (the real handler unless given). */
function startConsumer(group: string, handler?: HandlerSource): Promise<PipelineHandle> {
  return startPipeline({
    pipeline: PIPELINE,
    brokers,
    stages: [ORDER_CONSUMER_STAGE],
    mappingOverrides: { consumerGroupId: group },
    retryBackoffMs: 50,
    retryBackoffMaxMs: 200,
    ...(handler ? { handlers: { [ORDER_CONSUMER_STAGE]: handler } } : {}),
  });
}

/** Waits until `group` has committed `orders` up to `to` (every record before it processed). */
const drained = (group: string, to: Offsets) => waitForGroupCommit(admin, group, ORDERS, to, 240_000);

/** The histories of `orderIds` (bounded concurrency). */
async function histories(orderIds: readonly string[]): Promise<Map<string, StoredOrderEvent[]>> {
  const out = new Map<string, StoredOrderEvent[]>();
  for (let i = 0; i < orderIds.length; i += 25) {
    const part = orderIds.slice(i, i + 25);
    const found = await Promise.all(part.map((id) => reader.history(id)));
    for (const [j, id] of part.entries()) out.set(id, found[j]!);
  }
  return out;
}

/** A handler on the given store, with the stage's PII masks (its Kafka clients from the environment). */
function handlerOn(store: DynamoOrderEventStore): KafkaHandler {
  return createKafkaHandler(orderConsumerStage({ store }), { piiKeys: ORDER_CONSUMER_PII_KEYS });
}

/**
 * An item's size as DynamoDB counts it, roughly: attribute names and values in UTF-8 (a number
 * takes about one byte per two significant digits, plus one).
 */
function approxItemBytes(item: object): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number') bytes += Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
    else bytes += Buffer.byteLength(JSON.stringify(value));
  }
  return bytes;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('order consumer on the real stack (Kafka + DynamoDB Local, ESM emulator)', () => {
  const group = `it-order-consumer-${RUN}`;

  it('order_created from the outbox → exactly one event per order (version 1, bytes, trace id of traceparent) and its state', async () => {
    await commitGroup(group, await endOffsets(admin, ORDERS));
    const pipeline = await startConsumer(group);
    const started = Date.now();
    try {
      await drained(group, await produce(orders));
    } finally {
      await pipeline.stop();
    }
    const elapsedMs = Date.now() - started;
    const totals = pipeline.stageTotals()[ORDER_CONSUMER_STAGE]!;
    expect(totals.recordsOnFailure).toBe(0);
    expect(totals.recordsSucceeded).toBeGreaterThanOrEqual(N);

    const stored = await histories(orders.map((o) => o.event.order_id));
    for (const o of orders) {
      const events = stored.get(o.event.order_id)!;
      expect(events, o.event.order_id).toHaveLength(1);
      const [e] = events;
      expect(e).toMatchObject({
        order_id: o.event.order_id,
        version: 1,
        event_id: o.event.event_id,
        event_type: 'order_created',
        occurred_at: o.event.occurred_at,
        trace_id: o.traceId,
        parent_span_id: o.event.metadata.span_id,
        traceparent: o.headers.traceparent,
        correlation_id: o.correlationId,
        source_topic: ORDERS,
      });
      expect(e!.payload).toBe(o.value);
    }
    // The callers' trace ids were continued by the API, and the store kept them.
    expect(stored.get(orders[0]!.event.order_id)![0]!.trace_id).toBe(traceIdOf(0));
    const sample = [orders[0]!, orders[1]!, orders.at(-1)!];
    for (const o of sample) {
      expect(await reader.state(o.event.order_id)).toMatchObject({
        order_id: o.event.order_id,
        version: 1,
        status: 'ACCEPTED',
        last_event_id: o.event.event_id,
        last_event_type: 'order_created',
        trace_id: o.traceId,
        correlation_id: o.correlationId,
        currency: 'EUR',
        total_amount: 53.48,
        item_count: 5,
      });
    }
    figures.endToEnd = {
      orders: N,
      elapsedMs,
      eventsPerSecond: Math.round((N / elapsedMs) * 1000),
      invocations: totals.invocations,
    };
  });

  it('the same records produced again (outbox re-publish, redelivery) → still one event per order', async () => {
    const pipeline = await startConsumer(group); // continues from the group's committed offsets
    const started = Date.now();
    try {
      await drained(group, await produce(orders));
    } finally {
      await pipeline.stop();
    }
    const elapsedMs = Date.now() - started;
    expect(pipeline.stageTotals()[ORDER_CONSUMER_STAGE]!.recordsSucceeded).toBeGreaterThanOrEqual(N);
    const stored = await histories(orders.map((o) => o.event.order_id));
    expect([...stored.values()].filter((events) => events.length !== 1)).toEqual([]);
    expect((await reader.state(orders[0]!.event.order_id))?.version).toBe(1);
    figures.redelivery = { records: N, elapsedMs, recordsPerSecond: Math.round((N / elapsedMs) * 1000) };
  });

  it('DynamoDB unreachable → retries → orders-dlq (AWS format, headers kept) → store back → replay → exactly one event per order', async () => {
    const outageGroup = `it-order-consumer-${RUN}-outage`;
    const now = Date.now();
    const batch = Array.from({ length: OUTAGE }, (_, i) =>
      orderCreatedMessage(1_000_000 + i, { nowMs: now + i, correlationId: `it-oc-${RUN}-outage-${i}` }),
    );
    const ids = new Set(batch.map((b) => b.event.order_id));
    const downDoc = createDynamoDbDocumentClient({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      region: 'us-east-1',
    });
    const down = handlerOn(new DynamoOrderEventStore(downDoc, { tables: TABLES }));
    const dlqFrom = await endOffsets(admin, DLQ);
    await commitGroup(outageGroup, await endOffsets(admin, ORDERS));
    const outageStarted = Date.now();
    let pipeline = await startConsumer(outageGroup, {
      kind: 'function',
      handler: (e: KafkaEvent) => down(e),
    });
    try {
      await drained(outageGroup, await produce(batch));
    } finally {
      await pipeline.stop();
      await down.close();
      downDoc.destroy();
    }
    const totals = pipeline.stageTotals()[ORDER_CONSUMER_STAGE]!;
    expect(totals.recordsOnFailure).toBeGreaterThanOrEqual(OUTAGE);
    expect(totals.retries).toBeGreaterThanOrEqual(ORDER_CONSUMER.retry.maximumRetryAttempts);
    expect([...(await histories([...ids])).values()].every((events) => events.length === 0)).toBe(true);

    // orders-dlq: one AWS on-failure record per order, keyed by the order id, the original inside.
    const dlqTo = await endOffsets(admin, DLQ);
    const dead = (await readSince(kafka, admin, DLQ, dlqFrom)).filter((r) =>
      ids.has(r.key?.toString() ?? ''),
    );
    expect(dead).toHaveLength(OUTAGE);
    for (const r of dead) {
      const document = JSON.parse(r.value!.toString('utf8')) as {
        requestContext: { condition: string; approximateInvokeCount: number; functionArn: string };
        payload: KafkaEvent;
      };
      expect(document.requestContext.condition).toBe('RetriesExhausted');
      expect(document.requestContext.approximateInvokeCount).toBe(
        ORDER_CONSUMER.retry.maximumRetryAttempts + 1,
      );
      const [original] = decodeKafkaEvent(document.payload);
      const sent = batch.find((b) => b.event.order_id === r.key!.toString())!;
      expect(original!.topic).toBe(ORDERS);
      expect(original!.value!.toString('utf8')).toBe(sent.value);
      expect(original!.headers.traceparent?.toString()).toBe(sent.headers.traceparent);
      expect(original!.headers.correlation_id?.toString()).toBe(sent.correlationId);
    }
    const outageMs = Date.now() - outageStarted;

    // The store is back: a working handler on the same group; the replay republishes the DLQ range.
    const store = new DynamoOrderEventStore(doc, { tables: TABLES });
    const up = handlerOn(store);
    pipeline = await startConsumer(outageGroup, { kind: 'function', handler: (e: KafkaEvent) => up(e) });
    const connections = createKafkaConnections(kafka);
    try {
      const summary = await runReplay(
        parseReplayRequest(
          {
            jobId: `it-order-consumer-${RUN}`,
            source: DLQ,
            range: {
              kind: 'offsets',
              partitions: [...dlqTo].map(([partition, end]) => ({
                partition,
                start: dlqFrom.get(partition) ?? 0,
                end,
              })),
            },
            filter: { stages: [ORDER_CONSUMER_STAGE] },
          },
          PIPELINE,
        ),
        {
          kafka,
          admin,
          producer: createBatchProducer(connections, { timeoutMs: 15_000 }),
          checkpoints: new CheckpointStore(doc, JOB_TABLE),
          pipeline: PIPELINE,
          leaseMs: 60_000,
        },
      );
      expect(summary.partial).toBe(false);
      expect(summary.total.republished).toBeGreaterThanOrEqual(OUTAGE);
      await drained(outageGroup, await endOffsets(admin, ORDERS));
      await waitFor(
        'every outage order stored',
        async () => [...(await histories([...ids])).values()].every((events) => events.length > 0),
        60_000,
      );
      // Let the mapping drain anything else (a second copy must not appear).
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      await pipeline.stop();
      await up.close();
      await connections.disconnect();
    }
    const stored = await histories([...ids]);
    for (const b of batch) {
      const events = stored.get(b.event.order_id)!;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ version: 1, trace_id: b.traceId, correlation_id: b.correlationId });
    }
    // Nothing of ours failed again.
    const later = (await readSince(kafka, admin, DLQ, dlqTo)).filter((r) => ids.has(r.key?.toString() ?? ''));
    expect(later).toEqual([]);
    const s = store.stats();
    figures.outage = { orders: OUTAGE, outageMs, replayed: OUTAGE, storeStats: s };
    figures.perEvent = {
      itemWrites: s.itemsWritten / s.appended,
      transactions: s.transactions / s.appended,
      keysRead: s.keysRead / (s.appended + s.duplicates),
      wcu: s.writeCapacityUnits / s.appended,
    };
  });

  it('a missing table is EVENT_STORE_REJECTED (not retryable) on the real DynamoDB Local; still a failure, not a reject', async () => {
    const missing = new DynamoOrderEventStore(doc, { tables: orderEventTableNames(`${PREFIX}missing-`) });
    const read = readOrderEvent(Buffer.from(orders[0]!.value), { nowMs: Date.now() });
    if (!read.ok) throw new Error(read.message);
    const [result] = await missing.appendAll([read.event]);
    expect(result).toMatchObject({
      kind: 'failed',
      error: { code: EVENT_STORE_FAULT.REJECTED, retryable: false },
    });
    expect((result as { error: Error }).error.message).toContain('ResourceNotFoundException');
    // An unreachable endpoint, by contrast, is transient.
    const downDoc = createDynamoDbDocumentClient({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      region: 'us-east-1',
    });
    try {
      const [r] = await new DynamoOrderEventStore(downDoc, { tables: TABLES }).appendAll([read.event]);
      expect(r).toMatchObject({
        kind: 'failed',
        error: { code: EVENT_STORE_ERROR.UNAVAILABLE, retryable: true },
      });
    } finally {
      downDoc.destroy();
    }
  });

  it('malformed records → commerce.rejected with their reasons, original key and bytes; nothing stored', async () => {
    const badGroup = `it-order-consumer-${RUN}-bad`;
    const valid = JSON.parse(orderCreatedMessage(7).value) as Record<string, unknown>;
    const bad: { value: string; reason: string }[] = [
      { value: 'not json', reason: REJECT_REASON.NOT_JSON },
      { value: '[]', reason: REJECT_REASON.NOT_OBJECT },
      { value: '{"event_type":"order_shipped"}', reason: REJECT_REASON.UNKNOWN_EVENT_TYPE },
      { value: JSON.stringify({ ...valid, schema_version: 2 }), reason: REJECT_REASON.INVALID_VALUE },
      { value: JSON.stringify({ ...valid, customer_info: undefined }), reason: REJECT_REASON.MISSING_FIELD },
      { value: JSON.stringify({ ...valid, coupon: 'X' }), reason: REJECT_REASON.UNKNOWN_FIELD },
      { value: JSON.stringify({ ...valid, currency: 'eur' }), reason: REJECT_REASON.INVALID_CURRENCY },
    ];
    const messages = bad.map((b, i) => ({
      key: `it-oc-${RUN}-bad-${i}`,
      value: b.value,
      headers: { correlation_id: `it-oc-${RUN}-bad-${i}` },
    }));
    const rejectedFrom = await endOffsets(admin, COMMERCE_TOPIC.rejected);
    await commitGroup(badGroup, await endOffsets(admin, ORDERS));
    const pipeline = await startConsumer(badGroup);
    try {
      await drained(badGroup, await produce(messages));
    } finally {
      await pipeline.stop();
    }
    const keys = new Set(messages.map((m) => m.key));
    const rejected = (await readSince(kafka, admin, COMMERCE_TOPIC.rejected, rejectedFrom)).filter((r) =>
      keys.has(r.key?.toString() ?? ''),
    );
    expect(rejected).toHaveLength(bad.length);
    for (const r of rejected) {
      const i = Number(r.key!.toString().split('-').at(-1));
      expect(r.value!.toString('utf8')).toBe(bad[i]!.value);
      expect(r.headers.correlation_id?.toString()).toBe(messages[i]!.headers.correlation_id);
      expect(decodeFailureHeaders(r.headers)).toMatchObject({
        reason: bad[i]!.reason,
        stage: ORDER_CONSUMER_STAGE,
        sourceTopic: ORDERS,
      });
    }
    // The valid fixture's order id (7) was never stored from the broken copies.
    expect(await reader.history(valid.order_id as string)).toEqual([]);
  });

  it('routed checkout / order_completed → appended to their order id (after an API order, and on their own); again → nothing more', async () => {
    const routedGroup = `it-order-consumer-${RUN}-routed`;
    const apiOrder = orders[3]!;
    const ownOrder = `it-oc-${RUN}-ord-1`;
    const user = `it-oc-${RUN}-u-1`;
    const t = Date.now() - 60_000;
    const messages = [
      routedMessage('checkout', apiOrder.event.order_id, user, t),
      routedMessage('order_completed', apiOrder.event.order_id, user, t + 1_000),
      routedMessage('checkout', ownOrder, user, t + 2_000),
      routedMessage('order_completed', ownOrder, user, t + 3_000),
    ];
    await commitGroup(routedGroup, await endOffsets(admin, ORDERS));
    let pipeline = await startConsumer(routedGroup);
    try {
      await drained(routedGroup, await produce(messages));
    } finally {
      await pipeline.stop();
    }
    const check = async () => {
      const api = await reader.history(apiOrder.event.order_id);
      expect(api.map((e) => [e.version, e.event_type])).toEqual([
        [1, 'order_created'],
        [2, 'checkout'],
        [3, 'order_completed'],
      ]);
      expect(api[1]!.payload).toBe(messages[0]!.value);
      expect(await reader.state(apiOrder.event.order_id)).toMatchObject({
        version: 3,
        status: 'COMPLETED',
        last_event_type: 'order_completed',
        last_event_id: messages[1]!.event.event_id,
      });
      const own = await reader.history(ownOrder);
      expect(own.map((e) => [e.version, e.event_type])).toEqual([
        [1, 'checkout'],
        [2, 'order_completed'],
      ]);
      expect(await reader.state(ownOrder)).toMatchObject({ version: 2, status: 'COMPLETED', item_count: 5 });
    };
    await check();
    pipeline = await startConsumer(routedGroup);
    try {
      await drained(routedGroup, await produce(messages));
    } finally {
      await pipeline.stop();
    }
    await check();
  });

  it('figures: the store alone on DynamoDB Local (batches of 500 new events, then the same again), packed vs one transaction per order', async () => {
    const now = Date.now();
    const eventsOf = (first: number, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const m = orderCreatedMessage(first + i, { nowMs: now + first + i });
        const read = readOrderEvent(Buffer.from(m.value), {
          nowMs: now,
          traceparent: m.headers.traceparent,
          correlationId: m.headers.correlation_id,
        });
        if (!read.ok) throw new Error(read.message);
        return read.event;
      });
    const runs: Record<string, unknown> = {};
    for (const [label, ordersPerTransaction, count] of [
      ['packed (25 orders per transaction)', 25, 2_000],
      ['one transaction per order', 1, 1_000],
    ] as const) {
      const store = new DynamoOrderEventStore(doc, { tables: TABLES, ordersPerTransaction });
      const events = eventsOf(ordersPerTransaction * 10_000_000, count);
      const timed = async () => {
        const started = Date.now();
        for (let i = 0; i < events.length; i += 500) {
          const results = await store.appendAll(events.slice(i, i + 500));
          expect(results.filter((r) => r.kind === 'failed')).toEqual([]);
        }
        return Date.now() - started;
      };
      const newMs = await timed();
      const afterNew = store.stats();
      const againMs = await timed();
      const s = store.stats();
      expect(afterNew.appended).toBe(events.length);
      expect(s.duplicates).toBe(events.length);
      expect(s.transactions).toBe(afterNew.transactions); // redelivery: no write at all
      const payloadBytes = events.reduce((n, e) => n + Buffer.byteLength(e.payload), 0) / events.length;
      runs[label] = {
        events: events.length,
        appendEventsPerSecond: Math.round((events.length / newMs) * 1000),
        duplicateEventsPerSecond: Math.round((events.length / againMs) * 1000),
        perNewEvent: {
          transactions: +(afterNew.transactions / afterNew.appended).toFixed(3),
          itemWrites: afterNew.itemsWritten / afterNew.appended,
          keysRead: afterNew.keysRead / afterNew.appended,
          wcuReportedByDynamoDbLocal: afterNew.writeCapacityUnits / afterNew.appended,
          payloadBytes: Math.round(payloadBytes),
        },
        perDuplicate: { itemWrites: 0, keysRead: (s.keysRead - afterNew.keysRead) / events.length },
      };
    }
    // WCU by AWS's rule (DynamoDB Local's ConsumedCapacity for transactions is not AWS's): 2 per KB
    // per item of a transaction, items rounded up to 1 KB each.
    const sample = orders[0]!.event.order_id;
    const [logItem] = await reader.history(sample);
    const state = await reader.state(sample);
    const marker = {
      event_id: logItem!.event_id,
      order_id: sample,
      version: 1,
      stored_at: logItem!.stored_at,
    };
    const kb = [logItem!, marker, state!].map((item) => Math.ceil(approxItemBytes(item) / 1024));
    runs.wcuPerNewEventByAwsRule = { itemKb: kb, wcu: 2 * kb.reduce((a, b) => a + b, 0) };
    figures.storeAlone = runs;
  });
});
