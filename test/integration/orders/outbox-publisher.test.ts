/**
 * The outbox publisher on the REAL stack: DynamoDB Local (the orders tables with the outbox's
 * NEW_IMAGE stream), the local DynamoDB Streams mapping (`localstack/esm/dynamodb-streams`) with
 * the settings the commerce definition gives the stream stage, and the embedded Kafka (the
 * pipeline's `orders` and `commerce.rejected` topics, read from the end offsets noted before).
 *
 * - orders POSTed through the real API (local HTTP server + `functions/orders-api/handler.ts`) come
 *   out on `orders` once each, key = order id, payload byte for byte, traceparent / correlation id
 *   as the API answered, every entry marked `published_at` — the mapping runs the real entry
 *   `functions/orders-outbox-publisher/handler.ts`;
 * - at-least-once: a mark whose answer is lost, and a crash between the produce and the marks,
 *   publish the entries again (same event id twice: the order consumer de-duplicates by it) and
 *   every entry ends marked;
 * - order: an order's entries come out in sequence order, across a failed produce and a failed mark;
 * - a malformed entry goes to `commerce.rejected` with its reason, the entries after it still go;
 * - REMOVE (deletions) and MODIFY records publish nothing;
 * - throughput of stream → Kafka → mark.
 *
 * Each test has tables of its own (unique prefix), dropped afterwards.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDbStreamMapping,
  MemoryCheckpointStore,
  startDynamoDbStreamMapping,
} from '../../../localstack/esm/dynamodb-streams/index.ts';
import type { StartDynamoDbStreamMappingOptions } from '../../../localstack/esm/dynamodb-streams/types.ts';
import { type RunningHttpApi, startHttpApi } from '../../../localstack/http/server.ts';
import type { OrdersApiHandler } from '../../../shared/commerce/orders/api/handler.ts';
import { uuidV7 } from '../../../shared/commerce/orders/ids.ts';
import { buildOrder, orderCreatedEvent, orderEventId } from '../../../shared/commerce/orders/model/order.ts';
import type { OrderRequest } from '../../../shared/commerce/orders/model/schemas.ts';
import { createDynamoOrderWriter } from '../../../shared/commerce/orders/order-writer.ts';
import { type OutboxEntry, outboxEntryOf } from '../../../shared/commerce/orders/outbox.ts';
import {
  createDynamoOutboxMarker,
  markFailure,
  type OutboxBatchReport,
  type OutboxMarker,
  type OutboxPublisherHandler,
} from '../../../shared/commerce/orders/outbox-publisher.ts';
import { outboxPublisherFromEnv } from '../../../shared/commerce/orders/outbox-publisher-from-env.ts';
import {
  dropOrderTables,
  ensureOrderTables,
  type OrderTableNames,
  orderTableNames,
} from '../../../shared/commerce/orders/tables.ts';
import { traceContextOf } from '../../../shared/commerce/orders/trace.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { createKafka, createKafkaConnections, type KafkaConnections } from '../../../shared/kafka/client.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { type BatchProducer, createBatchProducer } from '../../../shared/kafka/producer.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { batchPutItems } from '../../../shared/storage/dynamodb/batch-write.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
  sharedDynamoDb,
} from '../../../shared/storage/dynamodb/client.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { validOrder } from '../../unit/orders/bad-inputs.ts';
import { endOffsets, type ReadRecord, readSince } from '../stages/kafka-io.ts';

const endpoints = testEndpoints();
const RUN = Date.now().toString(36);
const ORDERS = COMMERCE_TOPIC.orders;
const REJECTED = COMMERCE_TOPIC.rejected;

/**
 * The stream stage as the commerce definition declares it (the lead's `outbox-publisher` entry):
 * the mapping's AWS settings.
 */
const STAGE_SETTINGS = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  maximumRetryAttempts: 10,
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
} as const satisfies Partial<StartDynamoDbStreamMappingOptions>;

let doc: DynamoDBDocumentClient;
let kafka: Kafka;
let admin: Admin;
let connections: KafkaConnections;
/** The real batched producer (the one the handler makes), wrapped by the fault tests. */
let realProducer: BatchProducer;
let realMarker: OutboxMarker;
const prefixes: string[] = [];
const mappings: DynamoDbStreamMapping[] = [];
const handlers: OutboxPublisherHandler[] = [];
let tests = 0;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
  process.env.KAFKA_CLIENT_ID = 'it-outbox-publisher';
  process.env.DYNAMODB_ENDPOINT = endpoints.dynamodbEndpoint;
  doc = createDynamoDbDocumentClient(dynamoDbConfigFromEnv());
  kafka = testKafka('it-outbox-publisher');
  admin = kafka.admin();
  await admin.connect();
  const topics = COMMERCE_PIPELINE.topics.filter((t) => t.name === ORDERS || t.name === REJECTED);
  await applyCatalog(admin, topics, { timeoutMs: 60_000 });
  connections = createKafkaConnections(
    createKafka({ brokers: endpoints.kafkaBrokers, auth: 'none', clientId: 'it-outbox-publisher' }),
  );
  realProducer = createBatchProducer(connections, { timeoutMs: 10_000 });
  realMarker = createDynamoOutboxMarker(doc);
});

afterAll(async () => {
  await Promise.all(mappings.map((m) => m.stop().catch(() => undefined)));
  await Promise.all(handlers.map((h) => h.close().catch(() => undefined)));
  await connections?.disconnect();
  await admin?.disconnect();
  if (doc) {
    for (const prefix of prefixes) await dropOrderTables(doc, prefix).catch(() => undefined);
    doc.destroy();
  }
  sharedDynamoDb().doc.destroy();
});

/** Tables of this test only. */
async function freshTables(): Promise<{ prefix: string; tables: OrderTableNames }> {
  tests += 1;
  const prefix = `it-outbox-${RUN}-${tests}-`;
  prefixes.push(prefix);
  await ensureOrderTables(doc, prefix);
  return { prefix, tables: orderTableNames(prefix) };
}

/** The mapping on a table's stream, with the stage's settings and fast emulator knobs. */
async function startMapping(
  table: string,
  handler: StartDynamoDbStreamMappingOptions['handler'],
  extra: Partial<StartDynamoDbStreamMappingOptions> = {},
): Promise<DynamoDbStreamMapping> {
  const mapping = await startDynamoDbStreamMapping({
    tableName: table,
    handler,
    endpoint: endpoints.dynamodbEndpoint,
    ...STAGE_SETTINGS,
    pollIntervalMs: 50,
    shardDiscoveryIntervalMs: 200,
    retryBackoffMs: 20,
    retryBackoffMaxMs: 100,
    onError: () => {},
    ...extra,
  });
  mappings.push(mapping);
  return mapping;
}

/** A publisher wired as the Lambda entry wires it, with the producer / marker the test gives. */
function publisher(options: { producer?: BatchProducer; marker?: OutboxMarker; prefix: string }) {
  const handler = outboxPublisherFromEnv({
    producer: options.producer ?? realProducer,
    marker: options.marker ?? realMarker,
    env: { ...process.env, ORDERS_TABLE_PREFIX: options.prefix },
  });
  handlers.push(handler);
  const reports: OutboxBatchReport[] = [];
  const run = async (event: DynamoDBStreamEvent) => {
    const response = await handler(event);
    const report = handler.lastReport();
    if (report) reports.push(report);
    return response;
  };
  return { run, reports };
}

/** Orders written the way the API writes them (the order writer's one transaction); returns their entries. */
async function writeOrders(tables: OrderTableNames, count: number, tag: string): Promise<OutboxEntry[]> {
  const writer = createDynamoOrderWriter(doc, tables);
  const entries: OutboxEntry[] = [];
  for (let i = 0; i < count; i++) {
    const nowMs = Date.now();
    const order = buildOrder(validOrder() as OrderRequest, {
      orderId: uuidV7(nowMs),
      nowMs,
      trace: traceContextOf(undefined),
      correlationId: `${tag}-${i}`,
      requestId: `it-${tag}-${i}`,
    });
    const outbox = outboxEntryOf(orderCreatedEvent(order), nowMs);
    expect(await writer.write({ order, outbox, nowMs })).toEqual({ kind: 'written' });
    entries.push(outbox);
  }
  return entries;
}

/** A later event of the order (sequence > 1), as the API would write it: next sequence, deterministic id. */
function laterEntry(first: OutboxEntry, sequence: number): OutboxEntry {
  const eventId = orderEventId(first.aggregate_id, sequence);
  const payload = JSON.stringify({
    event_id: eventId,
    event_type: 'order_updated',
    schema_version: 1,
    order_id: first.aggregate_id,
    sequence,
  });
  return {
    ...first,
    sequence,
    event_id: eventId,
    event_type: 'order_updated',
    payload,
    kafka_headers: { ...first.kafka_headers, event_id: eventId, event_type: 'order_updated' },
  };
}

async function putEntry(tables: OrderTableNames, item: Record<string, unknown>): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: tables.outbox,
      Item: item,
      ConditionExpression: 'attribute_not_exists(aggregate_id)',
    }),
  );
}

async function outboxOf(tables: OrderTableNames, orderId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tables.outbox,
      ConsistentRead: true,
      KeyConditionExpression: 'aggregate_id = :a',
      ExpressionAttributeValues: { ':a': orderId },
    }),
  );
  return Items;
}

/** Records of `topic` since `from` whose key is one of `keys`, in partition/offset order. */
async function ours(
  topic: string,
  from: Map<number, number>,
  keys: ReadonlySet<string>,
): Promise<ReadRecord[]> {
  const read = await readSince(kafka, admin, topic, from, 60_000);
  return read.filter((r) => keys.has(r.key?.toString() ?? ''));
}

const header = (r: ReadRecord, name: string) => r.headers[name]?.toString();
const countBy = (values: readonly string[]) => {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
};

describe('outbox publisher: DynamoDB Streams → Kafka on the real stack', () => {
  it('orders POSTed through the API come out on `orders` once each: key, payload, traceparent, correlation id; every entry marked', async () => {
    const { prefix, tables } = await freshTables();
    // The two Lambda entries, configured from their environment as in AWS.
    process.env.ORDERS_TABLE_PREFIX = prefix;
    const { handler: api } = (await import('../../../functions/orders-api/handler.ts')) as {
      handler: OrdersApiHandler;
    };
    const entry = '../../../functions/orders-outbox-publisher/handler.ts';
    const { handler: publisherEntry } = (await import(entry)) as { handler: OutboxPublisherHandler };
    handlers.push(publisherEntry);
    const http: RunningHttpApi = await startHttpApi({ routes: { 'POST /orders': api } });
    const from = await endOffsets(admin, ORDERS);
    const answers: { order_id: string; correlation_id: string; traceparent: string }[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        const response = await fetch(`${http.url}/orders`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-correlation-id': `it-outbox-${RUN}-${i}`,
            traceparent: `00-${(BigInt(Date.now()) * 1000n + BigInt(i)).toString(16).padStart(32, '0')}-00f067aa0ba902b7-01`,
          },
          body: JSON.stringify(validOrder()),
        });
        expect(response.status).toBe(202);
        const body = (await response.json()) as { order_id: string; correlation_id: string };
        answers.push({ ...body, traceparent: response.headers.get('traceparent')! });
      }
    } finally {
      await http.close();
    }

    const mapping = await startMapping(tables.outbox, 'functions/orders-outbox-publisher/handler.ts');
    await mapping.waitUntilCaughtUp({ timeoutMs: 60_000 });
    const keys = new Set(answers.map((a) => a.order_id));
    const records = await ours(ORDERS, from, keys);
    expect(records).toHaveLength(25);
    expect(new Set(records.map((r) => r.key!.toString()))).toEqual(keys);
    for (const answer of answers) {
      const record = records.find((r) => r.key!.toString() === answer.order_id)!;
      const [stored] = await outboxOf(tables, answer.order_id);
      expect(record.value!.toString()).toBe(stored!.payload); // byte for byte
      expect(header(record, 'traceparent')).toBe(answer.traceparent);
      expect(header(record, 'correlation_id')).toBe(answer.correlation_id);
      expect(header(record, 'event_id')).toBe(stored!.event_id);
      expect(header(record, 'event_type')).toBe('order_created');
      expect(header(record, 'content_type')).toBe('application/json');
      expect(JSON.parse(record.value!.toString()).metadata.traceparent).toBe(answer.traceparent);
      expect(stored).toMatchObject({ published_topic: ORDERS, published_at: expect.any(String) });
    }
    // The marks come back on the stream as MODIFY records: skipped, nothing more on the topic.
    await mapping.waitUntilCaughtUp({ timeoutMs: 30_000 });
    expect(mapping.counters.recordsIn).toBe(50);
    expect(mapping.counters.retries).toBe(0);
    expect(await ours(ORDERS, from, keys)).toHaveLength(25);
    // The mapping ran this very module (one execution environment): its report is the last batch's.
    expect(publisherEntry.lastReport()?.skipped.MODIFY).toBeGreaterThan(0);
  });

  it('a mark whose answer is lost: that entry and the later ones are published again (same event id), all end marked, first mark time kept', async () => {
    const { prefix, tables } = await freshTables();
    const entries = await writeOrders(tables, 8, 'lost-mark');
    const lost = entries[3]!;
    let lose = true;
    const firstMarks = new Map<string, string>();
    const marker: OutboxMarker = {
      async markMany(marks, publishedAt) {
        const results = await realMarker.markMany(marks, publishedAt);
        if (!lose) return results;
        lose = false;
        for (const m of marks) firstMarks.set(m.aggregateId, publishedAt);
        // The write happened; its answer did not come back.
        return results.map((r, i) =>
          marks[i]!.aggregateId === lost.aggregate_id
            ? { ok: false as const, error: markFailure(new Error('socket hang up')) }
            : r,
        );
      },
    };
    const { run, reports } = publisher({ prefix, marker });
    const from = await endOffsets(admin, ORDERS);
    const mapping = await startMapping(tables.outbox, run);
    await mapping.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await mapping.waitUntilCaughtUp({ timeoutMs: 30_000 });

    const keys = new Set(entries.map((e) => e.aggregate_id));
    const records = await ours(ORDERS, from, keys);
    const times = countBy(records.map((r) => header(r, 'event_id')!));
    expect(entries.map((e) => times.get(e.event_id))).toEqual([1, 1, 1, 2, 2, 2, 2, 2]);
    expect(records).toHaveLength(8 + 5);
    for (const e of entries) {
      const [item] = await outboxOf(tables, e.aggregate_id);
      expect(item?.published_at).toBe(firstMarks.get(e.aggregate_id) ?? item?.published_at);
      expect(item?.published_at).toEqual(expect.any(String));
    }
    // The lost one keeps the first publish time (if_not_exists), not the retry's.
    const [lostItem] = await outboxOf(tables, lost.aggregate_id);
    expect(lostItem?.published_at).toBe(firstMarks.get(lost.aggregate_id));
    expect(reports[0]).toMatchObject({ published: 8, failed: 1, heldBack: 4 });
    expect(mapping.counters.partialFailures).toBe(1);
  });

  it('a crash between the produce and the marks: a new mapping resumes, publishes every entry again and marks them all', async () => {
    const { prefix, tables } = await freshTables();
    const entries = await writeOrders(tables, 6, 'crash');
    const checkpoints = new MemoryCheckpointStore();
    let crashed: DynamoDbStreamMapping | undefined;
    let crash = true;
    const crashingProducer: BatchProducer = {
      async send(records) {
        await realProducer.send(records);
        if (crash && records.length > 0) {
          crash = false;
          // The execution environment dies after Kafka acknowledged, before any mark.
          await crashed!.kill();
          throw new Error('execution environment crashed');
        }
      },
    };
    const first = publisher({ prefix, producer: crashingProducer });
    const from = await endOffsets(admin, ORDERS);
    const options = { checkpoints, mappingId: `outbox-publisher@${RUN}-crash` };
    crashed = await startMapping(tables.outbox, first.run, options);
    const keys = new Set(entries.map((e) => e.aggregate_id));
    await waitUntil(async () => !crash);
    for (const e of entries)
      expect((await outboxOf(tables, e.aggregate_id))[0]?.published_at).toBeUndefined();

    const resumed = await startMapping(tables.outbox, publisher({ prefix }).run, options);
    await resumed.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await resumed.waitUntilCaughtUp({ timeoutMs: 30_000 });
    const records = await ours(ORDERS, from, keys);
    const times = countBy(records.map((r) => header(r, 'event_id')!));
    expect(records).toHaveLength(12);
    for (const e of entries) {
      expect(times.get(e.event_id)).toBe(2);
      expect((await outboxOf(tables, e.aggregate_id))[0]).toMatchObject({ published_topic: ORDERS });
    }
  });

  it("an order's entries come out in sequence order, across a failed produce and a failed mark", async () => {
    const { prefix, tables } = await freshTables();
    const [a, b] = await writeOrders(tables, 2, 'order');
    for (let sequence = 2; sequence <= 5; sequence++) {
      await putEntry(tables, laterEntry(a!, sequence) as unknown as Record<string, unknown>);
      if (sequence === 3) await putEntry(tables, laterEntry(b!, 2) as unknown as Record<string, unknown>);
    }
    let sends = 0;
    const producer: BatchProducer = {
      async send(records) {
        sends += 1;
        if (sends === 1) throw Object.assign(new Error('not acknowledged'), { name: 'ProduceTimeoutError' });
        await realProducer.send(records);
      },
    };
    let failMark = true;
    const marker: OutboxMarker = {
      async markMany(marks, publishedAt) {
        const results = await realMarker.markMany(
          marks.filter((m) => !(failMark && m.aggregateId === a!.aggregate_id && m.sequence === 3)),
          publishedAt,
        );
        if (!failMark) return results;
        failMark = false;
        const out = [...results];
        const at = marks.findIndex((m) => m.aggregateId === a!.aggregate_id && m.sequence === 3);
        out.splice(at, 0, { ok: false, error: markFailure(new Error('throttled')) });
        return out;
      },
    };
    const { run, reports } = publisher({ prefix, producer, marker });
    const from = await endOffsets(admin, ORDERS);
    const mapping = await startMapping(tables.outbox, run);
    await mapping.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await mapping.waitUntilCaughtUp({ timeoutMs: 30_000 });

    const records = await ours(ORDERS, from, new Set([a!.aggregate_id, b!.aggregate_id]));
    const sequenceOf = (r: ReadRecord) => JSON.parse(r.value!.toString()).sequence ?? 1;
    const ofA = records.filter((r) => r.key!.toString() === a!.aggregate_id).map(sequenceOf);
    // One partition per order (key = order id): offset order is the order the consumer reads.
    expect(
      new Set(records.filter((r) => r.key!.toString() === a!.aggregate_id).map((r) => r.partition)).size,
    ).toBe(1);
    // 1st batch: produce failed, nothing out; 2nd: all out, mark of 3 failed; 3rd: from 3 on, again.
    expect(ofA).toEqual([1, 2, 3, 4, 5, 3, 4, 5]);
    const ofB = records.filter((r) => r.key!.toString() === b!.aggregate_id).map(sequenceOf);
    expect(ofB).toEqual([1, 2, 2]); // b's 2nd entry was written after a's 3rd: redelivered with it
    expect(reports.slice(0, 3).map((r) => [r.published, r.failed, r.heldBack])).toEqual([
      [0, 7, 0],
      [7, 1, 3],
      [4, 0, 0],
    ]);
    for (let sequence = 1; sequence <= 5; sequence++) {
      const items = await outboxOf(tables, a!.aggregate_id);
      expect(items.find((i) => i.sequence === sequence)?.published_at).toEqual(expect.any(String));
    }
  });

  it('a malformed entry goes to commerce.rejected with its reason, later entries are still published, nothing is retried', async () => {
    const { prefix, tables } = await freshTables();
    const [good1] = await writeOrders(tables, 1, 'malformed-a');
    const [template] = await writeOrders(tables, 1, 'malformed-b');
    const { payload: _, ...bad } = laterEntry(template!, 2);
    await putEntry(tables, bad as unknown as Record<string, unknown>);
    const [good2] = await writeOrders(tables, 1, 'malformed-c');
    const { run, reports } = publisher({ prefix });
    const [fromOrders, fromRejected] = [await endOffsets(admin, ORDERS), await endOffsets(admin, REJECTED)];
    const mapping = await startMapping(tables.outbox, run);
    await mapping.waitUntilCaughtUp({ timeoutMs: 60_000 });

    const keys = new Set([good1!.aggregate_id, template!.aggregate_id, good2!.aggregate_id]);
    const published = await ours(ORDERS, fromOrders, keys);
    expect(published.map((r) => header(r, 'event_id')).sort()).toEqual(
      [good1!.event_id, template!.event_id, good2!.event_id].sort(),
    );
    const rejected = await ours(REJECTED, fromRejected, keys);
    expect(rejected).toHaveLength(1);
    const meta = decodeFailureHeaders(rejected[0]!.headers)!;
    expect(meta).toMatchObject({
      reason: 'OUTBOX_MISSING_ATTRIBUTE',
      stage: 'outbox-publisher',
      sourceTopic: `dynamodb:${tables.outbox}`,
    });
    expect(meta.message).toContain('payload is missing');
    expect(rejected[0]!.key!.toString()).toBe(template!.aggregate_id);
    expect(JSON.parse(rejected[0]!.value!.toString())).toMatchObject({ sequence: { N: '2' } });
    const badItem = (await outboxOf(tables, template!.aggregate_id)).find((i) => i.sequence === 2);
    expect(badItem).toMatchObject({ published_topic: REJECTED, reject_reason: 'OUTBOX_MISSING_ATTRIBUTE' });
    expect(mapping.counters.retries).toBe(0);
    expect(mapping.counters.partialFailures).toBe(0);
    expect(reports[0]).toMatchObject({ published: 3, rejected: { OUTBOX_MISSING_ATTRIBUTE: 1 }, failed: 0 });
  });

  it('REMOVE (a deletion, as TTL makes) and MODIFY records publish nothing and are counted', async () => {
    const { prefix, tables } = await freshTables();
    const entries = await writeOrders(tables, 4, 'skip');
    const { run, reports } = publisher({ prefix });
    const from = await endOffsets(admin, ORDERS);
    const mapping = await startMapping(tables.outbox, run);
    await mapping.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await mapping.waitUntilCaughtUp({ timeoutMs: 30_000 }); // the marks' MODIFY records
    for (const e of entries.slice(0, 2)) {
      await doc.send(
        new DeleteCommand({ TableName: tables.outbox, Key: { aggregate_id: e.aggregate_id, sequence: 1 } }),
      );
    }
    await doc.send(
      new UpdateCommand({
        TableName: tables.outbox,
        Key: { aggregate_id: entries[2]!.aggregate_id, sequence: 1 },
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': 'inspected' },
      }),
    );
    await mapping.waitUntilCaughtUp({ timeoutMs: 30_000 });
    const records = await ours(ORDERS, from, new Set(entries.map((e) => e.aggregate_id)));
    expect(records).toHaveLength(4);
    const total = (k: 'REMOVE' | 'MODIFY') => reports.reduce((n, r) => n + r.skipped[k], 0);
    expect(total('REMOVE')).toBe(2);
    expect(total('MODIFY')).toBe(4 + 1); // four marks and the hand-made update
    expect(reports.reduce((n, r) => n + r.published, 0)).toBe(4);
  });

  /**
   * Entries already in the outbox (BatchWriteItem), then the mapping started: time until every
   * entry is acknowledged by Kafka. DynamoDB Local spends ~45 ms per write to a table with a
   * stream, one at a time (7 ms without): `marks: false` leaves the marks out to measure the
   * stream → Kafka path itself, `marks: true` is the whole path as DynamoDB Local allows it.
   */
  it.each([
    { count: 500, marks: false },
    { count: 100, marks: true },
  ])(
    'throughput: $count entries in the outbox → Kafka `orders` (marks: $marks)',
    async ({ count, marks }) => {
      const { prefix, tables } = await freshTables();
      const nowMs = Date.now();
      const entries = Array.from({ length: count }, (_, i) => {
        const order = buildOrder(validOrder() as OrderRequest, {
          orderId: uuidV7(nowMs + i),
          nowMs,
          trace: traceContextOf(undefined),
          correlationId: `bench-${i}`,
          requestId: `bench-${i}`,
        });
        return outboxEntryOf(orderCreatedEvent(order), nowMs);
      });
      await batchPutItems(doc, tables.outbox, entries as unknown as Record<string, unknown>[], {
        concurrency: 4,
      });
      const noMarks: OutboxMarker = { markMany: async (m) => m.map(() => ({ ok: true, gone: false })) };
      const { run, reports } = publisher({ prefix, ...(marks ? {} : { marker: noMarks }) });
      const from = await endOffsets(admin, ORDERS);
      const started = performance.now();
      const mapping = await startMapping(tables.outbox, run);
      await waitUntil(async () => reports.reduce((n, r) => n + r.published, 0) >= count, 150_000);
      const elapsedMs = performance.now() - started;
      await mapping.waitUntilCaughtUp({ timeoutMs: 60_000 });
      const records = await ours(ORDERS, from, new Set(entries.map((e) => e.aggregate_id)));
      expect(records).toHaveLength(count);
      expect(reports.every((r) => r.failed === 0)).toBe(true);
      const batches = reports.filter((r) => r.inserts > 0);
      const mean = (f: (r: OutboxBatchReport) => number) =>
        +(batches.reduce((n, r) => n + f(r), 0) / batches.length).toFixed(1);
      const figures = {
        entries: count,
        marks,
        elapsedMs: Math.round(elapsedMs),
        entriesPerSecond: Math.round((count / elapsedMs) * 1000),
        invocations: batches.length,
        meanBatch: Math.round(count / batches.length),
        produceMsPerBatch: mean((r) => r.produceMs),
        markMsPerBatch: mean((r) => r.markMs),
        handlerMsPerBatch: mean((r) => r.durationMs),
      };
      console.log(`outbox publisher throughput: ${JSON.stringify(figures)}`);
    },
  );
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
