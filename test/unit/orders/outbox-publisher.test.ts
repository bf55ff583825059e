/**
 * The outbox publisher without services: the strict reading of an entry's stream image (every
 * malformed shape → its reason, never a value in the message), and the handler with an injected
 * producer and marker — one produce per batch with topic/key/value/headers exactly the entry's,
 * REMOVE/MODIFY skipped and counted, malformed entries to the reject topic with failure headers
 * (and reported done), the partial batch response naming the first record not done (produce
 * failure, mark failure), one log line per batch without customer data, the EMF figures, the
 * DynamoDB marker's conditional update, and Powertools Tracer: a no-op outside Lambda, subsegments
 * and the order's trace id as annotation when enabled.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ORDER_PII_KEYS } from '../../../shared/commerce/orders/constants.ts';
import { buildOrder, orderCreatedEvent, orderEventId } from '../../../shared/commerce/orders/model/order.ts';
import type { OrderRequest } from '../../../shared/commerce/orders/model/schemas.ts';
import {
  decodeOutboxImage,
  OUTBOX_REJECT_REASON,
  type OutboxEntry,
  outboxEntryOf,
} from '../../../shared/commerce/orders/outbox.ts';
import {
  createDynamoOutboxMarker,
  createOutboxPublisher,
  markFailure,
  OUTBOX_PUBLISHER_STAGE,
  type OutboxMark,
  OutboxMarkError,
  type OutboxMarker,
  type OutboxMarkResult,
  type OutboxPublisherDeps,
  type OutboxTracer,
  streamSourceOf,
  tableOfStreamArn,
} from '../../../shared/commerce/orders/outbox-publisher.ts';
import { validOrder } from '../../../shared/commerce/orders/sample-orders.ts';
import { traceContextOf } from '../../../shared/commerce/orders/trace.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import { decodeFailureHeaders, FAILURE_HEADER } from '../../../shared/kafka/failure-headers.ts';
import type { BatchProducer, OutboundRecord } from '../../../shared/kafka/producer.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { createStageMetrics } from '../../../shared/observability/metrics.ts';
import { UnsupportedEventError } from '../../../shared/runtime/errors.ts';
import { captureOutput } from '../observability/capture.ts';
import { CUSTOMER_SECRETS } from './bad-inputs.ts';

const TABLE = 'orion-unit-order-outbox';
const ARN = `arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE}/stream/2026-06-01T00:00:00.000`;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

afterEach(() => {
  vi.restoreAllMocks();
});

/** An outbox entry as the API writes it, for order `n` (sequence 1) or a later event of it. */
function entryOf(n: number, sequence = 1, traceId = TRACE_ID): OutboxEntry {
  const orderId = `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const order = buildOrder(validOrder() as OrderRequest, {
    orderId,
    nowMs: NOW,
    trace: traceContextOf(`00-${traceId}-00f067aa0ba902b7-01`),
    correlationId: `corr-${n}`,
    requestId: `req-${n}`,
  });
  const first = outboxEntryOf(orderCreatedEvent(order), NOW);
  if (sequence === 1) return first;
  const eventId = orderEventId(orderId, sequence);
  return {
    ...first,
    sequence,
    event_id: eventId,
    event_type: 'order_updated',
    payload: JSON.stringify({ event_id: eventId, event_type: 'order_updated', order_id: orderId, sequence }),
    kafka_headers: { ...first.kafka_headers, event_id: eventId, event_type: 'order_updated' },
  };
}

/** DynamoDB JSON of a plain value (strings, numbers, maps, lists), as a stream image holds it. */
function attr(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attr) };
  if (value && typeof value === 'object') return { M: imageOf(value as Record<string, unknown>) };
  return { NULL: true };
}
function imageOf(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, attr(v)]));
}

let sequenceNumber = 1000;
/** A stream record of the outbox table. */
function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
  image: Record<string, AttributeValue> | undefined = imageOf(item),
): DynamoDBRecord {
  sequenceNumber += 1;
  return {
    eventID: `e-${sequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: ARN,
    dynamodb: {
      ApproximateCreationDateTime: NOW / 1000,
      Keys: { aggregate_id: { S: String(item.aggregate_id) }, sequence: { N: String(item.sequence) } },
      ...(eventName === 'REMOVE' ? {} : image ? { NewImage: image } : {}),
      SequenceNumber: String(sequenceNumber),
      SizeBytes: 100,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}
const insert = (entry: OutboxEntry) => streamRecord('INSERT', entry as unknown as Record<string, unknown>);
const eventOf = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** A producer keeping every batch; `failNext` makes the next send reject. */
function fakeProducer() {
  const sends: OutboundRecord[][] = [];
  let failNext: Error | undefined;
  const producer: BatchProducer & { sends: typeof sends; fail(e: Error): void } = {
    sends,
    fail(e) {
      failNext = e;
    },
    async send(records) {
      sends.push([...records]);
      if (failNext) {
        const e = failNext;
        failNext = undefined;
        throw e;
      }
    },
  };
  return producer;
}

/** A marker keeping every mark; `failOnce` keys fail their first mark. */
function fakeMarker(failOnce: ReadonlySet<string> = new Set()) {
  const calls: { marks: OutboxMark[]; publishedAt: string }[] = [];
  const failed = new Set<string>();
  const marker: OutboxMarker & { calls: typeof calls } = {
    calls,
    async markMany(marks, publishedAt) {
      calls.push({ marks: [...marks], publishedAt });
      return marks.map((m): OutboxMarkResult => {
        const key = `${m.aggregateId}#${m.sequence}`;
        if (failOnce.has(key) && !failed.has(key)) {
          failed.add(key);
          return { ok: false, error: new OutboxMarkError('OUTBOX_MARK_THROTTLED', 'throttled') };
        }
        return { ok: true, gone: false };
      });
    },
  };
  return marker;
}

function quietLogger(): Logger {
  const logger = new Logger({ serviceName: 'unit' });
  logger.setLogLevel('SILENT');
  return logger;
}
function quietMetrics(): Metrics {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const metrics = createStageMetrics(OUTBOX_PUBLISHER_STAGE, 'unit');
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  return metrics;
}

function publisher(over: Partial<OutboxPublisherDeps> = {}) {
  const producer = fakeProducer();
  const marker = fakeMarker();
  const handler = createOutboxPublisher({
    producer,
    marker,
    logger: quietLogger(),
    metrics: quietMetrics(),
    outboxTable: 'fallback-order-outbox',
    now: () => NOW + 5_000,
    ...over,
  });
  return { handler, producer, marker };
}

describe('decodeOutboxImage', () => {
  const entry = entryOf(1);
  const good = imageOf(entry as unknown as Record<string, unknown>);
  const without = (name: string) => {
    const { [name]: _, ...rest } = good;
    return rest;
  };
  const withAttr = (name: string, value: AttributeValue) => ({ ...good, [name]: value });
  const withHeaders = (headers: Record<string, AttributeValue>) => ({
    ...good,
    kafka_headers: { M: headers },
  });
  const goodHeaders = good.kafka_headers!.M!;

  it('reads the entry the API writes: every field, the payload text unchanged', () => {
    const decoded = decodeOutboxImage(good);
    expect(decoded).toEqual({
      ok: true,
      entry: {
        aggregate_id: entry.aggregate_id,
        sequence: 1,
        event_id: entry.event_id,
        event_type: 'order_created',
        topic: 'orders',
        message_key: entry.aggregate_id,
        payload: entry.payload,
        kafka_headers: { ...entry.kafka_headers },
        created_at: entry.created_at,
      },
    });
  });

  const cases: Array<[string, Record<string, AttributeValue> | undefined, string, string]> = [
    ['no image', undefined, OUTBOX_REJECT_REASON.NO_IMAGE, 'NewImage'],
    ...[
      'aggregate_id',
      'event_id',
      'event_type',
      'topic',
      'message_key',
      'payload',
      'sequence',
      'kafka_headers',
    ].map(
      (name) =>
        [`no ${name}`, without(name), OUTBOX_REJECT_REASON.MISSING_ATTRIBUTE, name] as [
          string,
          Record<string, AttributeValue>,
          string,
          string,
        ],
    ),
    [
      'aggregate_id a number',
      withAttr('aggregate_id', { N: '7' }),
      OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE,
      'aggregate_id',
    ],
    ['payload empty', withAttr('payload', { S: '' }), OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE, 'payload'],
    ['payload binary', withAttr('payload', { B: 'e30=' }), OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE, 'payload'],
    ['sequence 0', withAttr('sequence', { N: '0' }), OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE, 'sequence'],
    ['sequence 1.5', withAttr('sequence', { N: '1.5' }), OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE, 'sequence'],
    [
      'sequence a string',
      withAttr('sequence', { S: '1' }),
      OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE,
      'sequence',
    ],
    [
      'sequence past 2^53',
      withAttr('sequence', { N: '9007199254740993' }),
      OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE,
      'sequence',
    ],
    [
      'headers a list',
      withAttr('kafka_headers', { L: [] }),
      OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE,
      'kafka_headers',
    ],
    [
      'a header a number',
      withHeaders({ ...goodHeaders, retries: { N: '1' } }),
      OUTBOX_REJECT_REASON.INVALID_ATTRIBUTE,
      'kafka_headers.retries',
    ],
    ...['traceparent', 'correlation_id', 'event_type', 'event_id', 'content_type'].map((name) => {
      const { [name]: _, ...rest } = goodHeaders;
      return [
        `no ${name} header`,
        withHeaders(rest),
        OUTBOX_REJECT_REASON.MISSING_ATTRIBUTE,
        `kafka_headers.${name}`,
      ] as [string, Record<string, AttributeValue>, string, string];
    }),
    [
      'an empty event_id header',
      withHeaders({ ...goodHeaders, event_id: { S: '' } }),
      OUTBOX_REJECT_REASON.MISSING_ATTRIBUTE,
      'kafka_headers.event_id',
    ],
    [
      'key not the order id',
      withAttr('message_key', { S: 'c-100042' }),
      OUTBOX_REJECT_REASON.KEY_MISMATCH,
      'message_key',
    ],
    [
      'payload not JSON',
      withAttr('payload', { S: '{"customer":"Jeanne Martin"' }),
      OUTBOX_REJECT_REASON.PAYLOAD_NOT_JSON,
      'payload',
    ],
    [
      'payload a JSON array',
      withAttr('payload', { S: '["Jeanne Martin"]' }),
      OUTBOX_REJECT_REASON.PAYLOAD_NOT_JSON,
      'payload',
    ],
    [
      'payload JSON null',
      withAttr('payload', { S: 'null' }),
      OUTBOX_REJECT_REASON.PAYLOAD_NOT_JSON,
      'payload',
    ],
  ];
  it.each(cases)('%s → %s', (_name, image, reason, names) => {
    const decoded = decodeOutboxImage(image);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe(reason);
    expect(decoded.message).toContain(names);
    for (const secret of [...CUSTOMER_SECRETS, entry.aggregate_id])
      expect(decoded.message).not.toContain(secret);
  });

  it('keeps extra string headers and a header named __proto__ as ordinary headers', () => {
    const decoded = decodeOutboxImage(
      withHeaders({ ...goodHeaders, ['__proto__']: { S: 'x' }, tenant: { S: 'eu' } }),
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(Object.keys(decoded.entry.kafka_headers)).toContain('__proto__');
    expect(decoded.entry.kafka_headers.tenant).toBe('eu');
  });
});

describe('stream helpers', () => {
  it('tableOfStreamArn reads the table of a stream ARN, nothing else', () => {
    expect(tableOfStreamArn(ARN)).toBe(TABLE);
    expect(tableOfStreamArn('arn:aws:kinesis:eu-west-1:1:stream/x')).toBeUndefined();
    expect(tableOfStreamArn(undefined)).toBeUndefined();
  });
  it('streamSourceOf cannot be a Kafka topic name', () => {
    expect(streamSourceOf(TABLE)).toBe(`dynamodb:${TABLE}`);
    expect(/^[a-zA-Z0-9._-]+$/.test(streamSourceOf(TABLE))).toBe(false);
  });
  it.each([
    ['ThrottlingException', undefined, 'OUTBOX_MARK_THROTTLED', true],
    ['ProvisionedThroughputExceededException', 'client', 'OUTBOX_MARK_THROTTLED', true],
    ['InternalServerError', 'server', 'OUTBOX_MARK_UNAVAILABLE', true],
    ['TimeoutError', undefined, 'OUTBOX_MARK_UNAVAILABLE', true],
    ['AccessDeniedException', 'client', 'OUTBOX_MARK_REFUSED', false],
    ['ResourceNotFoundException', 'client', 'OUTBOX_MARK_REFUSED', false],
  ])('markFailure: %s ($fault %s) → %s', (name, fault, code, retryable) => {
    const error = markFailure(Object.assign(new Error('boom'), { name, $fault: fault }));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });
});

describe('the publisher', () => {
  it('publishes every INSERT in ONE produce, exactly the entry (topic, key, value, headers), and marks it', async () => {
    const { handler, producer, marker } = publisher();
    const entries = [entryOf(1), entryOf(1, 2), entryOf(2)];
    const records = [
      streamRecord('MODIFY', { ...entries[0], published_at: 'x' }),
      insert(entries[0]!),
      insert(entries[1]!),
      streamRecord('REMOVE', entries[2] as unknown as Record<string, unknown>),
      insert(entries[2]!),
    ];
    const response = await handler(eventOf(records));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(producer.sends).toHaveLength(1);
    expect(producer.sends[0]).toEqual(
      entries.map((e) => ({
        topic: 'orders',
        key: e.aggregate_id,
        value: e.payload,
        headers: { ...e.kafka_headers },
      })),
    );
    expect(marker.calls).toHaveLength(1);
    expect(marker.calls[0]!.publishedAt).toBe(new Date(NOW + 5_000).toISOString());
    expect(marker.calls[0]!.marks).toEqual(
      entries.map((e) => ({
        table: TABLE,
        aggregateId: e.aggregate_id,
        sequence: e.sequence,
        topic: 'orders',
      })),
    );
    expect(handler.lastReport()).toMatchObject({
      records: 5,
      inserts: 3,
      published: 3,
      rejected: {},
      skipped: { REMOVE: 1, MODIFY: 1, OTHER: 0 },
      marked: 3,
      failed: 0,
      heldBack: 0,
      orders: 2,
    });
  });

  it('a batch of REMOVE/MODIFY only produces nothing and marks nothing', async () => {
    const { handler, producer, marker } = publisher();
    const e = entryOf(3) as unknown as Record<string, unknown>;
    expect(await handler(eventOf([streamRecord('REMOVE', e), streamRecord('MODIFY', e)]))).toEqual({
      batchItemFailures: [],
    });
    expect(producer.sends).toEqual([[]]);
    expect(marker.calls).toHaveLength(0);
    expect(handler.lastReport()?.skipped).toEqual({ REMOVE: 1, MODIFY: 1, OTHER: 0 });
  });

  it('a malformed entry goes to commerce.rejected with its reason, counts as done, and later entries still go', async () => {
    const { handler, producer, marker } = publisher();
    const good1 = entryOf(4);
    const { payload: _, ...noPayload } = entryOf(5) as unknown as Record<string, unknown>;
    const good2 = entryOf(6);
    const bad = streamRecord('INSERT', noPayload);
    const response = await handler(eventOf([insert(good1), bad, insert(good2)]));
    expect(response).toEqual({ batchItemFailures: [] });
    const sent = producer.sends[0]!;
    expect(sent.map((r) => r.topic)).toEqual(['orders', 'commerce.rejected', 'orders']);
    const reject = sent[1]!;
    expect(reject.key).toBe(noPayload.aggregate_id);
    expect(JSON.parse(String(reject.value))).toEqual(bad.dynamodb!.NewImage);
    const meta = decodeFailureHeaders(reject.headers as Record<string, string>)!;
    expect(meta).toMatchObject({
      reason: 'OUTBOX_MISSING_ATTRIBUTE',
      stage: 'outbox-publisher',
      sourceTopic: `dynamodb:${TABLE}`,
      sourcePartition: -1,
      sourceOffset: -1,
      sourceTimestamp: NOW,
      failedAt: NOW + 5_000,
    });
    expect(meta.message).toContain('payload is missing');
    expect(meta.message).toContain(bad.dynamodb!.SequenceNumber);
    // The entry's own headers travel with it (trace and correlation for whoever repairs it).
    expect((reject.headers as Record<string, string>).correlation_id).toBe('corr-5');
    expect(marker.calls[0]!.marks[1]).toMatchObject({
      aggregateId: noPayload.aggregate_id,
      topic: 'commerce.rejected',
      rejectReason: 'OUTBOX_MISSING_ATTRIBUTE',
    });
    expect(handler.lastReport()).toMatchObject({ published: 2, rejected: { OUTBOX_MISSING_ATTRIBUTE: 1 } });
  });

  it('an entry naming a topic the publisher does not write is rejected (UNKNOWN_TOPIC), never produced there', async () => {
    const { handler, producer } = publisher();
    const entry = { ...entryOf(7), topic: 'payments' };
    await handler(eventOf([insert(entry)]));
    expect(producer.sends[0]!.map((r) => r.topic)).toEqual(['commerce.rejected']);
    expect((producer.sends[0]![0]!.headers as Record<string, string>)[FAILURE_HEADER.reason]).toBe(
      'OUTBOX_UNKNOWN_TOPIC',
    );
  });

  it('a reject value is truncated past 64 KiB like every reject, and says so', async () => {
    const { handler, producer } = publisher();
    const entry = { ...entryOf(8), payload: `[${'"x",'.repeat(20_000)}"x"]` };
    await handler(eventOf([insert(entry)]));
    const reject = producer.sends[0]![0]!;
    expect((reject.value as Buffer).length).toBe(64 * 1024);
    expect(decodeFailureHeaders(reject.headers as Record<string, string>)).toMatchObject({
      reason: 'OUTBOX_PAYLOAD_NOT_JSON',
      valueTruncated: true,
    });
  });

  it('a failed produce marks nothing and names the first INSERT of the batch (skipped records before it are done)', async () => {
    const { handler, producer, marker } = publisher();
    producer.fail(
      Object.assign(new Error('not acknowledged'), {
        name: 'ProduceTimeoutError',
        code: 'PRODUCE_TIMEOUT',
        retryable: true,
      }),
    );
    const e1 = entryOf(9);
    const records = [
      streamRecord('MODIFY', e1 as unknown as Record<string, unknown>),
      insert(e1),
      insert(entryOf(9, 2)),
    ];
    const response = await handler(eventOf(records));
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }],
    });
    expect(marker.calls).toHaveLength(0);
    expect(handler.lastReport()).toMatchObject({
      published: 0,
      failed: 2,
      heldBack: 0,
      failureCodes: { PRODUCE_TIMEOUT: 2 },
      firstFailure: records[1]!.dynamodb!.SequenceNumber,
    });
  });

  it('a failed mark names that record: it and every later record come again, in order (held back)', async () => {
    const failing = entryOf(10, 2);
    const marker = fakeMarker(new Set([`${failing.aggregate_id}#2`]));
    const { handler } = publisher({ marker });
    const records = [insert(entryOf(10)), insert(failing), insert(entryOf(10, 3)), insert(entryOf(11))];
    const response = await handler(eventOf(records));
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }],
    });
    expect(handler.lastReport()).toMatchObject({
      published: 4,
      marked: 3,
      failed: 1,
      heldBack: 2,
      failureCodes: { OUTBOX_MARK_THROTTLED: 1 },
    });
    // The retry (from the failed record on, as the mapping redelivers) publishes them again and succeeds.
    expect(await handler(eventOf(records.slice(1)))).toEqual({ batchItemFailures: [] });
  });

  it('a marker that throws fails the marks (first record named), not the invocation', async () => {
    const marker: OutboxMarker = {
      markMany: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    };
    const { handler } = publisher({ marker });
    const records = [insert(entryOf(18)), insert(entryOf(19))];
    expect(await handler(eventOf(records))).toEqual({
      batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }],
    });
    expect(handler.lastReport()).toMatchObject({
      published: 2,
      failed: 2,
      failureCodes: { OUTBOX_MARK_UNAVAILABLE: 2 },
    });
  });

  it('a mark of an item TTL already deleted counts as gone, not as a failure', async () => {
    const marker: OutboxMarker = { markMany: async (marks) => marks.map(() => ({ ok: true, gone: true })) };
    const { handler } = publisher({ marker });
    expect(await handler(eventOf([insert(entryOf(12))]))).toEqual({ batchItemFailures: [] });
    expect(handler.lastReport()).toMatchObject({ marked: 0, markGone: 1, failed: 0 });
  });

  it('the mark goes to the table of the record’s stream; the configured table only when the ARN names none', async () => {
    const { handler, marker } = publisher();
    const record = insert(entryOf(13));
    delete record.eventSourceARN;
    await handler(eventOf([record]));
    expect(marker.calls[0]!.marks[0]!.table).toBe('fallback-order-outbox');
  });

  it('an empty event does nothing; anything but a DynamoDB stream event fails the invocation', async () => {
    const { handler, producer } = publisher();
    expect(await handler(eventOf([]))).toEqual({ batchItemFailures: [] });
    expect(producer.sends).toHaveLength(0);
    await expect(handler({} as DynamoDBStreamEvent)).rejects.toBeInstanceOf(UnsupportedEventError);
    const kinesis = { ...insert(entryOf(14)), eventSource: 'aws:kinesis' };
    await expect(handler(eventOf([kinesis]))).rejects.toThrow(/eventSource="aws:kinesis"/);
  });

  it('logs ONE line per batch, with its figures and no customer data; EMF has Published, Rejected, Skipped', async () => {
    const logger = createLogger({
      serviceName: 'unit',
      persistentKeys: { stage: OUTBOX_PUBLISHER_STAGE },
      piiKeys: [...COMMERCE_PIPELINE.piiKeys, ...ORDER_PII_KEYS],
    });
    const metrics = createStageMetrics(OUTBOX_PUBLISHER_STAGE, 'unit');
    const { handler } = publisher({ logger, metrics });
    const { payload: _, ...noPayload } = entryOf(16) as unknown as Record<string, unknown>;
    const records = [
      ...Array.from({ length: 20 }, (_, i) => insert(entryOf(100 + i))),
      streamRecord('INSERT', noPayload),
      streamRecord('REMOVE', entryOf(15) as unknown as Record<string, unknown>),
    ];
    const lines = await captureOutput(() => handler(eventOf(records)));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const logs = parsed.filter((l) => !('_aws' in l));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      message: 'outbox batch published',
      stage: 'outbox-publisher',
      records: 22,
      published: 20,
      rejected: { OUTBOX_MISSING_ATTRIBUTE: 1 },
      skipped: { REMOVE: 1 },
    });
    for (const secret of CUSTOMER_SECRETS) expect(lines.join('\n')).not.toContain(secret);
    const emf = parsed.filter((l) => '_aws' in l);
    const batch = emf.find((l) => 'RecordsIn' in l)!;
    expect(batch).toMatchObject({
      RecordsIn: 22,
      RecordsForwarded: 20,
      RecordsRejected: 1,
      stage: 'outbox-publisher',
    });
    const own = emf.find((l) => 'Published' in l)!;
    expect(own).toMatchObject({ Published: 20, Rejected: 1 });
    expect(emf.find((l) => 'Skipped' in l)).toMatchObject({ Skipped: 1, eventName: 'REMOVE' });
    // Pipeline age from the entries' created_at (5 s before "now").
    expect(new Set(batch.PipelineAgeMs as number[])).toEqual(new Set([5_000]));
  });

  it('warns once with the error code when a record failed', async () => {
    const logger = createLogger({ serviceName: 'unit' });
    const { handler, producer } = publisher({ logger });
    producer.fail(Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' }));
    const lines = await captureOutput(() => handler(eventOf([insert(entryOf(17))])));
    const logs = lines.map((l) => JSON.parse(l)).filter((l) => !('_aws' in l));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'WARN',
      message: 'outbox batch processed with failures',
      failed: 1,
      error: { name: 'KafkaJSConnectionError' },
    });
  });
});

describe('Powertools Tracer', () => {
  it('outside Lambda it is disabled: the publisher opens no segment and is not slower', async () => {
    expect(process.env.AWS_EXECUTION_ENV).toBeUndefined();
    const tracer = new Tracer({ serviceName: 'unit', captureHTTPsRequests: false });
    expect(tracer.isTracingEnabled()).toBe(false);
    const getSegment = vi.spyOn(tracer, 'getSegment');
    const traced = publisher({ tracer });
    const plain = publisher();
    const batch = eventOf(Array.from({ length: 100 }, (_, i) => insert(entryOf(200 + i))));
    const time = async (h: typeof traced.handler) => {
      const t0 = performance.now();
      for (let i = 0; i < 30; i++) await h(batch);
      return performance.now() - t0;
    };
    await time(traced.handler);
    await time(plain.handler); // warm-up of both
    const [withTracer, without] = [await time(traced.handler), await time(plain.handler)];
    expect(await traced.handler(batch)).toEqual({ batchItemFailures: [] });
    expect(getSegment).not.toHaveBeenCalled();
    // Same work either way; a generous bound so that a busy machine does not make it flaky.
    expect(withTracer).toBeLessThan(without * 1.5 + 20);
  });

  it('when enabled: a subsegment for the handler, the produce and the mark; the order trace id as annotation', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const annotations: Record<string, unknown> = {};
    const metadata: Record<string, unknown> = {};
    const segment = (name: string): unknown => ({
      name,
      addNewSubsegment(child: string) {
        opened.push(child);
        return segment(child);
      },
      addError() {},
      close() {
        closed.push(name);
      },
    });
    let current = segment('facade');
    const tracer = {
      isTracingEnabled: () => true,
      getSegment: () => current,
      setSegment: (s: unknown) => {
        current = s;
      },
      putAnnotation: (k: string, v: unknown) => {
        annotations[k] = v;
      },
      putMetadata: (k: string, v: unknown) => {
        metadata[k] = v;
      },
      annotateColdStart: () => {},
      addServiceNameAnnotation: () => {},
    } as unknown as OutboxTracer;
    const { handler } = publisher({ tracer });
    await handler(eventOf([insert(entryOf(300)), insert(entryOf(300, 2))]));
    expect(opened).toEqual(['## outbox-publisher', '### kafka produce', '### outbox mark']);
    expect(closed).toEqual(['### kafka produce', '### outbox mark', '## outbox-publisher']);
    expect(annotations).toMatchObject({ order_trace_id: TRACE_ID, order_traces: 1, published: 2, failed: 0 });
    expect((current as { name: string }).name).toBe('facade');

    const other = '0af7651916cd43dd8448eb211c80319c';
    await handler(eventOf([insert(entryOf(301)), insert(entryOf(302, 1, other))]));
    expect(annotations.order_traces).toBe(2);
    expect(metadata.order_trace_ids).toEqual([TRACE_ID, other]);
  });
  it('enabled but without a segment (Lambda without X-Ray context): runs untraced, no annotation attempted', async () => {
    const calls: string[] = [];
    const tracer = {
      isTracingEnabled: () => true,
      getSegment: () => {
        calls.push('getSegment');
        return undefined;
      },
      setSegment: () => calls.push('setSegment'),
      putAnnotation: () => calls.push('putAnnotation'),
      putMetadata: () => calls.push('putMetadata'),
      annotateColdStart: () => calls.push('annotateColdStart'),
      addServiceNameAnnotation: () => calls.push('addServiceNameAnnotation'),
    } as unknown as OutboxTracer;
    const { handler, producer } = publisher({ tracer });
    expect(await handler(eventOf([insert(entryOf(303))]))).toEqual({ batchItemFailures: [] });
    expect(producer.sends).toHaveLength(1);
    expect(calls).toEqual(['getSegment']);
  });
});

describe('createDynamoOutboxMarker', () => {
  /** A document client answering from `answer`, counting calls in flight. */
  function fakeDoc(answer: (input: Record<string, unknown>) => Promise<void>) {
    const inputs: Record<string, unknown>[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const doc = {
      async send(command: { input: Record<string, unknown> }) {
        inputs.push(command.input);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 1));
          await answer(command.input);
          return {};
        } finally {
          inFlight--;
        }
      },
    };
    return { doc: doc as unknown as DynamoDBDocumentClient, inputs, max: () => maxInFlight };
  }

  it('one conditional UpdateItem per entry, first values kept, at most `concurrency` in flight', async () => {
    const fake = fakeDoc(async () => {});
    const marker = createDynamoOutboxMarker(fake.doc, { concurrency: 4 });
    const marks = Array.from({ length: 20 }, (_, i) => ({
      table: TABLE,
      aggregateId: `o-${i}`,
      sequence: 1,
      topic: 'orders',
    }));
    const results = await marker.markMany(marks, '2026-06-01T12:00:05.000Z');
    expect(results.every((r) => r.ok && !r.gone)).toBe(true);
    expect(fake.max()).toBe(4);
    expect(fake.inputs[0]).toEqual({
      TableName: TABLE,
      Key: { aggregate_id: 'o-0', sequence: 1 },
      UpdateExpression: 'SET #at = if_not_exists(#at, :at), #topic = if_not_exists(#topic, :topic)',
      ConditionExpression: 'attribute_exists(#id)',
      ExpressionAttributeNames: { '#id': 'aggregate_id', '#at': 'published_at', '#topic': 'published_topic' },
      ExpressionAttributeValues: { ':at': '2026-06-01T12:00:05.000Z', ':topic': 'orders' },
    });
  });

  it('a reject mark also sets reject_reason; a missing item is gone; other errors are typed failures', async () => {
    const fake = fakeDoc(async (input) => {
      const id = (input.Key as { aggregate_id: string }).aggregate_id;
      if (id === 'gone')
        throw Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
          $fault: 'client',
        });
      if (id === 'slow')
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
    });
    const marker = createDynamoOutboxMarker(fake.doc);
    const results = await marker.markMany(
      [
        {
          table: TABLE,
          aggregateId: 'bad',
          sequence: 1,
          topic: 'commerce.rejected',
          rejectReason: 'OUTBOX_NO_IMAGE',
        },
        { table: TABLE, aggregateId: 'gone', sequence: 1, topic: 'orders' },
        { table: TABLE, aggregateId: 'slow', sequence: 1, topic: 'orders' },
      ],
      'now',
    );
    expect(fake.inputs[0]).toMatchObject({
      UpdateExpression: expect.stringContaining('#reason = if_not_exists(#reason, :reason)'),
      ExpressionAttributeValues: { ':reason': 'OUTBOX_NO_IMAGE', ':topic': 'commerce.rejected' },
    });
    expect(results[0]).toEqual({ ok: true, gone: false });
    expect(results[1]).toEqual({ ok: true, gone: true });
    expect(results[2]).toMatchObject({
      ok: false,
      error: { code: 'OUTBOX_MARK_THROTTLED', retryable: true },
    });
  });
});
