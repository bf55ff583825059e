/**
 * The order consumer stage against an in-memory event store (one version per order, one write per
 * event id, scripted failures) and through the real stage runtime with a recording producer:
 * every malformed record → its reason (to `commerce.rejected`, original bytes and failure
 * headers), routed `checkout` / `order_completed` appended to their order, store failures →
 * batch item failures (later records of the partition held back), metrics per type and outcome,
 * the logger's correlation id, no customer data in logs, and the Powertools Tracer: a no-op
 * locally that neither throws nor slows, an X-Ray subsegment when enabled.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { deterministicUuid } from '../../../shared/commerce/hash.ts';
import {
  type AppendRequest,
  type AppendResult,
  EVENT_STORE_ERROR,
  EventStoreError,
  type OrderEventStore,
} from '../../../shared/commerce/orders/event-store.ts';
import {
  MAX_LOGGED_IDS,
  ORDER_CONSUMER_PII_KEYS,
  ORDER_CONSUMER_STAGE,
  ORDER_EVENTS_METRIC,
  orderConsumerStage,
} from '../../../shared/commerce/orders/order-consumer-stage.ts';
import { orderConsumerStageFromEnv } from '../../../shared/commerce/orders/order-consumer-stage-from-env.ts';
import { MAX_ORDER_EVENT_BYTES } from '../../../shared/commerce/orders/order-events.ts';
import { REJECT_REASON } from '../../../shared/commerce/reason-codes.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { encodeKafkaEvent, type RawKafkaRecord } from '../../../shared/kafka/msk-event.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { createStageMetrics } from '../../../shared/observability/metrics.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import type { DoneOutcome, RejectOutcome } from '../../../shared/runtime/outcome.ts';
import type { RecordResult, SettledRecord, Stage } from '../../../shared/runtime/stage.ts';
import { quietLogger, recordingProducer } from '../../support/handler-doubles.ts';
import { captureOutput } from '../observability/capture.ts';
import { CUSTOMER_SECRETS } from './bad-inputs.ts';
import { orderCreatedMessage, routedMessage, stageRecords, T0 } from './order-consumer-fixtures.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const NOW = T0 + 60_000;

/** An in-memory event store: versions per order, one append per event id, scripted failures per order. */
class MemoryStore implements OrderEventStore {
  readonly versions = new Map<string, number>();
  readonly stored = new Map<string, AppendRequest & { version: number }>();
  readonly calls: AppendRequest[][] = [];
  /** Orders whose appends fail, with the error. */
  readonly failing = new Map<string, EventStoreError>();

  async appendAll(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    this.calls.push([...requests]);
    return requests.map((r) => {
      const known = this.stored.get(r.eventId);
      if (known) return { kind: 'duplicate', version: known.version };
      const error = this.failing.get(r.orderId);
      if (error) return { kind: 'failed', error };
      const version = (this.versions.get(r.orderId) ?? 0) + 1;
      this.versions.set(r.orderId, version);
      this.stored.set(r.eventId, { ...r, version });
      return { kind: 'appended', version };
    });
  }

  history(orderId: string) {
    return [...this.stored.values()]
      .filter((e) => e.orderId === orderId)
      .sort((a, b) => a.version - b.version);
  }
}

const stageWith = (store: OrderEventStore, extra: { logger?: Logger; tracer?: Tracer } = {}) =>
  orderConsumerStage({ store, now: () => NOW, ...extra });

const eventOf = (recs: readonly StageRecord[]) =>
  encodeKafkaEvent(recs as readonly RawKafkaRecord[], { bootstrapServers: '127.0.0.1:9092' });
const settle = (recs: readonly StageRecord[], results: readonly RecordResult[]): SettledRecord[] =>
  recs.flatMap((record, i) =>
    results[i]!.kind === 'failed' ? [] : [{ record, result: results[i] as SettledRecord['result'] }],
  );

/** The valid order_created event of fixture 1 as an object, for the bad cases to break. */
function createdObject(): Record<string, unknown> {
  return JSON.parse(orderCreatedMessage(1).value);
}
function withField(path: string[], value: unknown): string {
  const object = createdObject();
  let at: Record<string, unknown> = object;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  if (value === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = value;
  return JSON.stringify(object);
}
const checkout = routedMessage('checkout', 'ord-1', 'u-1', T0).event;

/** Malformed records and the reason each must get. */
const MALFORMED: readonly { kind: string; value: string | Buffer | null; reason: string }[] = [
  { kind: 'a tombstone', value: null, reason: REJECT_REASON.EMPTY_VALUE },
  { kind: 'no bytes', value: '', reason: REJECT_REASON.EMPTY_VALUE },
  { kind: 'blank', value: '  \n ', reason: REJECT_REASON.EMPTY_VALUE },
  {
    kind: 'too large',
    value: `{"x":"${'a'.repeat(MAX_ORDER_EVENT_BYTES)}"}`,
    reason: REJECT_REASON.OVERSIZED,
  },
  { kind: 'not UTF-8', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: REJECT_REASON.NOT_UTF8 },
  { kind: 'not JSON', value: 'order please', reason: REJECT_REASON.NOT_JSON },
  { kind: 'a JSON array', value: '[1,2]', reason: REJECT_REASON.NOT_OBJECT },
  { kind: 'a prototype key', value: '{"__proto__":{"x":1}}', reason: REJECT_REASON.FORBIDDEN_KEY },
  { kind: 'no event_type', value: '{"order_id":"o"}', reason: REJECT_REASON.MISSING_FIELD },
  { kind: 'a numeric event_type', value: '{"event_type":7}', reason: REJECT_REASON.WRONG_TYPE },
  {
    kind: 'an unknown event_type',
    value: '{"event_type":"order_shipped"}',
    reason: REJECT_REASON.UNKNOWN_EVENT_TYPE,
  },
  {
    kind: 'a payment event',
    value: JSON.stringify({
      event_id: deterministicUuid('x', 1),
      event_type: 'payment_attempt',
      timestamp: T0,
      user_id: 'u-1',
      order_id: 'o-1',
      payment_id: 'p-1',
      amount: 10,
      currency: 'EUR',
      method: 'paypal',
      device_id: 'd-1',
    }),
    reason: REJECT_REASON.INVALID_VALUE,
  },
  {
    kind: 'order_created, schema_version 2',
    value: withField(['schema_version'], 2),
    reason: REJECT_REASON.INVALID_VALUE,
  },
  {
    kind: 'order_created without customer_info',
    value: withField(['customer_info'], undefined),
    reason: REJECT_REASON.MISSING_FIELD,
  },
  {
    kind: 'order_created with an unknown field',
    value: withField(['coupon'], 'X'),
    reason: REJECT_REASON.UNKNOWN_FIELD,
  },
  {
    kind: 'order_created, quantity as text',
    value: withField(['items', '0', 'quantity'], '2'),
    reason: REJECT_REASON.WRONG_TYPE,
  },
  {
    kind: 'order_created, lower-case currency',
    value: withField(['currency'], 'eur'),
    reason: REJECT_REASON.INVALID_CURRENCY,
  },
  {
    kind: 'order_created, event_id not a UUID',
    value: withField(['event_id'], 'evt-1'),
    reason: REJECT_REASON.INVALID_VALUE,
  },
  { kind: 'order_created, no items', value: withField(['items'], []), reason: REJECT_REASON.INVALID_VALUE },
  {
    kind: 'order_created, bad traceparent',
    value: withField(['metadata', 'traceparent'], 'x-y'),
    reason: REJECT_REASON.INVALID_VALUE,
  },
  {
    kind: 'order_created, bad e-mail',
    value: withField(['customer_info', 'email'], 'jeanne.martin'),
    reason: REJECT_REASON.INVALID_VALUE,
  },
  {
    kind: 'order_created, status',
    value: withField(['status'], 'SHIPPED'),
    reason: REJECT_REASON.INVALID_VALUE,
  },
  {
    kind: 'checkout without order_id',
    value: JSON.stringify({ ...checkout, order_id: undefined }),
    reason: REJECT_REASON.MISSING_FIELD,
  },
  {
    kind: 'checkout from the future',
    value: JSON.stringify({ ...checkout, timestamp: NOW + 3_600_000 }),
    reason: REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
  },
  {
    kind: 'order_completed with a negative amount',
    value: JSON.stringify({ ...routedMessage('order_completed', 'o', 'u', T0).event, amount: -1 }),
    reason: REJECT_REASON.NEGATIVE_VALUE,
  },
];

describe('order consumer: reading', () => {
  it.each(MALFORMED)(
    'rejects $kind with $reason (no store call, no customer value in the message)',
    async ({ value, reason }) => {
      const store = new MemoryStore();
      const [result] = await stageWith(store).processBatch(stageRecords([{ key: 'k', value }]));
      expect(result).toMatchObject({ kind: 'reject', reason });
      const message = (result as RejectOutcome).message;
      expect(message.length).toBeLessThan(400);
      for (const secret of CUSTOMER_SECRETS) expect(message).not.toContain(secret);
      expect(store.calls).toEqual([]);
    },
  );

  it('appends an order_created with its trace and correlation id from the headers; DONE at the acceptance time', async () => {
    const store = new MemoryStore();
    const m = orderCreatedMessage(1, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const recs = stageRecords([m], 2, 40);
    const [result] = await stageWith(store).processBatch(recs);
    expect(result).toEqual({ kind: 'done', eventTimeMs: Date.parse(m.event.occurred_at) });
    const [stored] = store.history(m.event.order_id);
    expect(stored).toMatchObject({
      version: 1,
      eventType: 'order_created',
      eventId: m.event.event_id,
      payload: m.value,
      trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', correlationId: 'corr-1' },
      source: { topic: 'orders', partition: 2, offset: 40 },
    });
  });

  it('routed checkout / order_completed are valid input: appended to their order id (after its order_created); age from ingested-at', async () => {
    const store = new MemoryStore();
    const m = orderCreatedMessage(1);
    const orderId = m.event.order_id;
    const c = routedMessage('checkout', orderId, 'u-9', T0 + 1_000, T0 + 2_000);
    const d = routedMessage('order_completed', orderId, 'u-9', T0 + 3_000, T0 + 4_000);
    const other = routedMessage('checkout', 'ord-generated-7', 'u-7', T0 + 500);
    const results = await stageWith(store).processBatch([
      ...stageRecords([m], 0, 0),
      ...stageRecords([c, d, other], 1, 0),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['done', 'done', 'done', 'done']);
    expect((results[1] as DoneOutcome).eventTimeMs).toBe(T0 + 2_000);
    expect(store.history(orderId).map((e) => [e.version, e.eventType])).toEqual([
      [1, 'order_created'],
      [2, 'checkout'],
      [3, 'order_completed'],
    ]);
    // A commerce order without an order_created still gets its stream.
    expect(store.history('ord-generated-7').map((e) => e.eventType)).toEqual(['checkout']);
    // One store call for the whole batch.
    expect(store.calls).toHaveLength(1);
  });

  it('a redelivered batch is DONE again, nothing appended twice; counted as duplicates', async () => {
    const store = new MemoryStore();
    const stage = stageWith(store);
    const recs = stageRecords([
      orderCreatedMessage(1),
      orderCreatedMessage(2),
      routedMessage('checkout', 'o-9', 'u', T0),
    ]);
    const first = await stage.processBatch(recs);
    const again = await stage.processBatch(recs);
    expect(again.map((r) => r.kind)).toEqual(['done', 'done', 'done']);
    expect(store.stored.size).toBe(3);
    expect(stage.batchMetrics!(settle(recs, first))).toEqual([
      {
        name: ORDER_EVENTS_METRIC,
        value: 2,
        dimensions: { eventType: 'order_created', outcome: 'appended' },
      },
      { name: ORDER_EVENTS_METRIC, value: 1, dimensions: { eventType: 'checkout', outcome: 'appended' } },
    ]);
    expect(stage.batchMetrics!(settle(recs, again))).toEqual([
      {
        name: ORDER_EVENTS_METRIC,
        value: 2,
        dimensions: { eventType: 'order_created', outcome: 'duplicate' },
      },
      { name: ORDER_EVENTS_METRIC, value: 1, dimensions: { eventType: 'checkout', outcome: 'duplicate' } },
    ]);
  });

  it('a store failure fails the record transiently with the store’s typed error', async () => {
    const store = new MemoryStore();
    const a = orderCreatedMessage(1);
    const b = orderCreatedMessage(2);
    store.failing.set(a.event.order_id, new EventStoreError(EVENT_STORE_ERROR.THROTTLED, 'throttled'));
    const results = await stageWith(store).processBatch(stageRecords([a, b]));
    expect(results[0]).toMatchObject({ kind: 'failed', error: { code: EVENT_STORE_ERROR.THROTTLED } });
    expect(results[1]!.kind).toBe('done');
  });

  it('a store that cannot be created fails every readable record (EVENT_STORE_UNAVAILABLE), rejects stay rejects', async () => {
    const stage = orderConsumerStage({
      store: () => {
        throw new Error('no credentials');
      },
      now: () => NOW,
    });
    const results = await stage.processBatch(
      stageRecords([orderCreatedMessage(1), { key: 'k', value: 'x' }]),
    );
    expect(results[0]).toMatchObject({ kind: 'failed', error: { code: EVENT_STORE_ERROR.UNAVAILABLE } });
    expect(results[1]).toMatchObject({ kind: 'reject', reason: REJECT_REASON.NOT_JSON });
  });
});

describe('order consumer behind the stage runtime', () => {
  it('rejects go to commerce.rejected with key, bytes, headers and reason; nothing else is produced', async () => {
    const producer = recordingProducer();
    const handler = createKafkaHandler(stageWith(new MemoryStore()), {
      producer,
      logger: quietLogger(),
      metrics: createStageMetrics(ORDER_CONSUMER_STAGE, 'test'),
      now: () => NOW,
    });
    const good = orderCreatedMessage(1);
    const bad = {
      key: 'order-x',
      value: withField(['schema_version'], 2),
      headers: { correlation_id: 'c-x' },
    };
    const res = await handler(eventOf(stageRecords([good, bad], 0, 7)));
    expect(res.batchItemFailures).toEqual([]);
    const [sent] = producer.calls;
    expect(sent).toHaveLength(1);
    const [rejected] = sent!;
    expect(rejected!.topic).toBe(COMMERCE_TOPIC.rejected);
    expect(rejected!.key?.toString()).toBe('order-x');
    expect(rejected!.value?.toString()).toBe(bad.value);
    expect(rejected!.headers?.correlation_id?.toString()).toBe('c-x');
    expect(decodeFailureHeaders(rejected!.headers!)).toMatchObject({
      reason: REJECT_REASON.INVALID_VALUE,
      stage: ORDER_CONSUMER_STAGE,
      sourceTopic: 'orders',
      sourcePartition: 0,
      sourceOffset: 8,
    });
  });

  it('a failed record and the records after it on its partition are reported; other partitions settle', async () => {
    const store = new MemoryStore();
    const handler = createKafkaHandler(stageWith(store), {
      producer: recordingProducer(),
      logger: quietLogger(),
      metrics: createStageMetrics(ORDER_CONSUMER_STAGE, 'test'),
      now: () => NOW,
    });
    const [a, b, c] = [orderCreatedMessage(1), orderCreatedMessage(2), orderCreatedMessage(3)];
    store.failing.set(a.event.order_id, new EventStoreError(EVENT_STORE_ERROR.UNAVAILABLE, 'down'));
    const res = await handler(eventOf([...stageRecords([a, b], 0, 10), ...stageRecords([c], 1, 20)]));
    expect(res.batchItemFailures.map((f) => [f.itemIdentifier.partition, f.itemIdentifier.offset])).toEqual([
      ['orders-0', 10],
      ['orders-0', 11],
    ]);
    // b was stored but is held back: its redelivery will be a duplicate, never a second event.
    store.failing.clear();
    await handler(eventOf(stageRecords([a, b], 0, 10)));
    expect(store.history(b.event.order_id)).toHaveLength(1);
    expect(store.history(a.event.order_id)).toHaveLength(1);
  });

  it('the logger carries the batch’s correlation id (one) or ids (several), never customer data', async () => {
    const logger = createLogger({ serviceName: 'test', piiKeys: ORDER_CONSUMER_PII_KEYS });
    const handler = createKafkaHandler(stageWith(new MemoryStore(), { logger }), {
      producer: recordingProducer(),
      logger,
      metrics: createStageMetrics(ORDER_CONSUMER_STAGE, 'test'),
      now: () => NOW,
    });
    const one = orderCreatedMessage(1, { correlationId: 'checkout-42' });
    const many = Array.from({ length: MAX_LOGGED_IDS + 5 }, (_, i) => orderCreatedMessage(10 + i));
    const lines = await captureOutput(async () => {
      await handler(eventOf(stageRecords([one])));
      await handler(eventOf(stageRecords(many)));
      await handler(eventOf(stageRecords([{ key: 'k', value: 'not json' }])));
    });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(3);
    expect(logged[0]).toMatchObject({
      message: 'batch processed',
      correlation_id: 'checkout-42',
      trace_id: one.traceId,
    });
    expect(logged[1]!.correlation_id).toBeUndefined();
    expect(logged[1]!.correlation_ids).toEqual(many.slice(0, MAX_LOGGED_IDS).map((m) => m.correlationId));
    expect(logged[2]!.correlation_id).toBeUndefined();
    expect(logged[2]!.correlation_ids).toBeUndefined();
    for (const line of lines) for (const secret of CUSTOMER_SECRETS) expect(line).not.toContain(secret);
  });
});

describe('order consumer and the Powertools Tracer', () => {
  it('locally the Tracer is disabled: no throw, no warning, no measurable cost', async () => {
    const tracer = new Tracer({ serviceName: 'test' });
    expect(tracer.isTracingEnabled()).toBe(false);
    const recs = stageRecords(Array.from({ length: 50 }, (_, i) => orderCreatedMessage(i)));
    const timeOf = async (stage: Stage) => {
      const started = performance.now();
      for (let i = 0; i < 40; i++) await stage.processBatch(recs);
      return performance.now() - started;
    };
    let withTracer = 0;
    let without = 0;
    const lines = await captureOutput(async () => {
      await timeOf(stageWith(new MemoryStore(), { tracer })); // warm-up
      without = await timeOf(stageWith(new MemoryStore()));
      withTracer = await timeOf(stageWith(new MemoryStore(), { tracer }));
    });
    expect(lines).toEqual([]);
    // 2,000 records each way; the tracer path adds one boolean check per batch.
    expect(withTracer).toBeLessThan(without * 1.5 + 20);
    const [done] = await stageWith(new MemoryStore(), { tracer }).processBatch(recs.slice(0, 1));
    expect(done!.kind).toBe('done');
  });

  it('enabled (in Lambda): the store call runs in an annotated subsegment, closed and unset even when it throws', async () => {
    const events: string[] = [];
    const subsegment = {
      addAnnotation: (k: string, v: unknown) => events.push(`annotation ${k}=${String(v)}`),
      addMetadata: (k: string, v: unknown) => events.push(`metadata ${k}=${JSON.stringify(v)}`),
      addError: () => events.push('error'),
      close: () => events.push('close'),
    };
    const parent = {
      addNewSubsegment: (name: string) => {
        events.push(`open ${name}`);
        return subsegment;
      },
    };
    const tracer = {
      isTracingEnabled: () => true,
      getSegment: () => parent,
      setSegment: (s: unknown) => events.push(s === parent ? 'set parent' : 'set subsegment'),
    } as unknown as Tracer;
    const m = orderCreatedMessage(1);
    await stageWith(new MemoryStore(), { tracer }).processBatch(stageRecords([m]));
    expect(events).toEqual([
      'open ### order-events append',
      'set subsegment',
      'annotation orderEvents=1',
      `metadata w3cTraceIds=${JSON.stringify([m.traceId])}`,
      'close',
      'set parent',
    ]);
    events.length = 0;
    const throwing = orderConsumerStage({
      store: { appendAll: async () => Promise.reject(new Error('boom')) },
      tracer,
      now: () => NOW,
    });
    const [failed] = await throwing.processBatch(stageRecords([m]));
    expect(failed).toMatchObject({ kind: 'failed', error: { code: EVENT_STORE_ERROR.UNAVAILABLE } });
    expect(events.slice(-3)).toEqual(['error', 'close', 'set parent']);
  });
});

describe('orderConsumerStageFromEnv', () => {
  it('builds the stage from the environment (tables from ORDER_EVENTS_TABLE_PREFIX) without connecting', () => {
    const stage = orderConsumerStageFromEnv(
      {
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
        ORDER_EVENTS_TABLE_PREFIX: 'orion-unit-',
      },
      { tracer: new Tracer({ serviceName: 'test' }) },
    );
    expect(stage.name).toBe(ORDER_CONSUMER_STAGE);
    expect(stage.rejectTopic).toBe(COMMERCE_TOPIC.rejected);
    expect(() => orderConsumerStageFromEnv({ ORDER_EVENTS_TABLE_PREFIX: 'no spaces allowed' })).toThrow(
      /ORDER_EVENTS_TABLE_PREFIX/,
    );
  });
});
