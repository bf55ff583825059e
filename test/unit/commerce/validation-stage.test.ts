/**
 * The commerce validation stage, driven directly (`processBatch`) and as the Lambda handler
 * (`createKafkaHandler` with a stub producer): forwards valid events of every type with their
 * bytes unchanged, keyed by the customer id, input headers kept plus the validated headers;
 * rejects every kind of bad input with its reason; counts valid/invalid per event type as EMF
 * metrics, once per batch, for settled records only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  COMMERCE_TOPIC,
  DEFAULT_MAX_EVENT_BYTES,
  DEFECTS,
  EVENT_TYPES,
  type EventType,
  generateCommerceRun,
  REJECT_REASON,
  REJECT_REASONS,
  type RejectReason,
  tallyValidation,
  UNKNOWN_TYPE_KEY,
  validateEvent,
} from '../../../shared/commerce/index.ts';
import { VALIDATED_HEADER } from '../../../shared/commerce/stages/validation-headers.ts';
import { VALIDATION_METRIC, validationMetrics } from '../../../shared/commerce/stages/validation-metrics.ts';
import { commerceValidationStage } from '../../../shared/commerce/stages/validation-stage.ts';
import { decodeFailureHeaders, FAILURE_HEADER } from '../../../shared/kafka/failure-headers.ts';
import { encodeKafkaEvent, type RawKafkaRecord } from '../../../shared/kafka/msk-event.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { createStageMetrics } from '../../../shared/observability/metrics.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import { REJECT_VALUE_MAX_BYTES } from '../../../shared/runtime/reject-record.ts';
import type { RecordResult } from '../../../shared/runtime/stage.ts';
import { quietLogger, recordingProducer } from '../../support/handler-doubles.ts';
import { captureOutput } from '../observability/capture.ts';
import { bytes, json, NOW, T, VALID, vary } from './fixtures.ts';

/** Kafka timestamp of the test records (the ingestion time the stage passes on). */
const INGESTED = NOW - 2_000;
const stage = () => commerceValidationStage({ now: () => NOW });

let offset = 0;
function record(value: Uint8Array | null, extra: Partial<StageRecord> = {}): StageRecord {
  return {
    topic: COMMERCE_TOPIC.rawEvents,
    partition: 0,
    offset: offset++,
    timestamp: INGESTED,
    key: Buffer.from('key-from-producer'),
    value: value === null ? null : Buffer.from(value),
    headers: {},
    ...extra,
  };
}

async function runBatch(...records: StageRecord[]): Promise<RecordResult[]> {
  return stage().processBatch(records);
}

const v = VALID.view;
const t = VALID.transaction;
const pay = VALID.payment_attempt;
const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });

/**
 * [name, raw value, reason, counter key]: at least one row per reason code, the bad-input
 * discipline of the CDR validation (empty, not JSON, wrong types, unknown type, oversized,
 * prototype-polluting keys, control characters…). The counter key is the event type when the
 * value named a known one, else `unknown`.
 */
const BAD: readonly [string, Uint8Array | null, RejectReason, EventType | typeof UNKNOWN_TYPE_KEY][] = [
  ['a tombstone (null value)', null, REJECT_REASON.EMPTY_VALUE, 'unknown'],
  ['zero bytes', new Uint8Array(0), REJECT_REASON.EMPTY_VALUE, 'unknown'],
  ['only whitespace', bytes(' \r\n\t'), REJECT_REASON.EMPTY_VALUE, 'unknown'],
  [
    'one byte over 1 MiB',
    new Uint8Array(DEFAULT_MAX_EVENT_BYTES + 1).fill(0x20),
    REJECT_REASON.OVERSIZED,
    'unknown',
  ],
  ['broken UTF-8', new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), REJECT_REASON.NOT_UTF8, 'unknown'],
  ['not JSON', bytes('event_type=view&user_id=12345'), REJECT_REASON.NOT_JSON, 'unknown'],
  ['truncated JSON', bytes(JSON.stringify(v).slice(0, 40)), REJECT_REASON.NOT_JSON, 'unknown'],
  ['a JSON array', json([v]), REJECT_REASON.NOT_OBJECT, 'unknown'],
  ['JSON null', bytes('null'), REJECT_REASON.NOT_OBJECT, 'unknown'],
  ['nesting deeper than 8', json(vary(v, { meta: deep(10) })), REJECT_REASON.NESTING_TOO_DEEP, 'unknown'],
  [
    '__proto__ at the root',
    bytes(`{"__proto__":{"admin":true},${JSON.stringify(v).slice(1)}`),
    REJECT_REASON.FORBIDDEN_KEY,
    'unknown',
  ],
  [
    'constructor.prototype nested',
    json(vary(VALID.filter, { filters: { constructor: { prototype: 1 } } })),
    REJECT_REASON.FORBIDDEN_KEY,
    'unknown',
  ],
  [
    'an ANSI escape in user_id',
    json(vary(v, { user_id: '12345\u001b[2J' })),
    REJECT_REASON.INVALID_CHARACTERS,
    'unknown',
  ],
  ['NUL in a key', json(vary(v, { 'a\u0000': 1 })), REJECT_REASON.INVALID_CHARACTERS, 'unknown'],
  [
    'price 1e999',
    bytes(JSON.stringify(t).replace('599.99', '1e999')),
    REJECT_REASON.NON_FINITE_NUMBER,
    'unknown',
  ],
  [
    'unknown event_type',
    json(vary(v, { event_type: 'page_visit' })),
    REJECT_REASON.UNKNOWN_EVENT_TYPE,
    'unknown',
  ],
  ['no event_type', json(vary(v, { event_type: undefined })), REJECT_REASON.MISSING_FIELD, 'unknown'],
  ['view without category', json(vary(v, { category: undefined })), REJECT_REASON.MISSING_FIELD, 'view'],
  [
    'card payment without fingerprint',
    json(vary(pay, { card_fingerprint: undefined })),
    REJECT_REASON.MISSING_FIELD,
    'payment_attempt',
  ],
  ['event_type a number', json(vary(v, { event_type: 7 })), REJECT_REASON.WRONG_TYPE, 'unknown'],
  ['price as a string', json(vary(t, { price: '599.99' })), REJECT_REASON.WRONG_TYPE, 'transaction'],
  ['user_id as a number', json(vary(v, { user_id: 12345 })), REJECT_REASON.WRONG_TYPE, 'view'],
  [
    'timestamp in epoch seconds',
    json(vary(v, { timestamp: Math.floor(T / 1000) })),
    REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
    'view',
  ],
  [
    'timestamp 10 minutes ahead',
    json(vary(VALID.checkout, { timestamp: NOW + 600_000 })),
    REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
    'checkout',
  ],
  ['currency EURO', json(vary(pay, { currency: 'EURO' })), REJECT_REASON.INVALID_CURRENCY, 'payment_attempt'],
  [
    'negative amount',
    json(vary(VALID.order_completed, { amount: -1 })),
    REJECT_REASON.NEGATIVE_VALUE,
    'order_completed',
  ],
  ['rating 6', json(vary(VALID.review, { rating: 6 })), REJECT_REASON.INVALID_VALUE, 'review'],
  ['an extra coupon_code', json(vary(v, { coupon_code: 'WELCOME10' })), REJECT_REASON.UNKNOWN_FIELD, 'view'],
];

describe('commerce validation stage: valid events', () => {
  it.each(EVENT_TYPES)(
    'forwards a valid %s to commerce.validated: bytes unchanged, key = user_id, headers kept',
    async (type) => {
      const value = json(VALID[type]);
      const headers = {
        traceparent: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
        'correlation-id': Buffer.from('c-1'),
        binary: Buffer.from([0x00, 0xff, 0xc3, 0x28]),
      };
      const [result] = await runBatch(record(value, { headers }));
      expect(result).toMatchObject({
        kind: 'forward',
        topic: COMMERCE_TOPIC.validated,
        key: VALID[type].user_id,
        eventTimeMs: INGESTED,
      });
      if (result?.kind !== 'forward') return;
      expect(Buffer.compare(result.value as Buffer, Buffer.from(value))).toBe(0);
      expect({ ...result.headers }).toEqual({
        ...headers,
        [VALIDATED_HEADER.eventType]: type,
        [VALIDATED_HEADER.ingestedAt]: String(INGESTED),
      });
    },
  );

  it('keys by user_id whatever the producer keyed by, even no key', async () => {
    const results = await runBatch(
      record(json(vary(v, { user_id: 'u-7' })), { key: null }),
      record(json(vary(v, { user_id: 'u-8' })), { key: Buffer.from('u-1') }),
    );
    expect(results.map((r) => r.kind === 'forward' && r.key)).toEqual(['u-7', 'u-8']);
  });

  it('replaces a validated header the producer set itself (only validation vouches for the type)', async () => {
    const headers = { [VALIDATED_HEADER.eventType]: Buffer.from('payment_success') };
    const [result] = await runBatch(record(json(v), { headers }));
    expect(result?.kind === 'forward' && result.headers?.[VALIDATED_HEADER.eventType]).toBe('view');
  });

  it('keeps a header literally named __proto__ as a header', async () => {
    const headers: Record<string, Buffer> = Object.create(null);
    Object.defineProperty(headers, '__proto__', { value: Buffer.from('x'), enumerable: true });
    const [result] = await runBatch(record(json(v), { headers }));
    const out = result?.kind === 'forward' ? result.headers! : {};
    expect(Object.keys(out)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual(Buffer.from('x'));
  });

  it('reads the clock once per batch and honours configured limits', async () => {
    let reads = 0;
    const ahead = commerceValidationStage({
      now: () => {
        reads++;
        return NOW - 3_600_000;
      },
    });
    const results = await ahead.processBatch([record(json(v)), record(json(v))]);
    expect(results.map((r) => r.kind === 'reject' && r.reason)).toEqual([
      REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
      REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
    ]);
    expect(reads).toBe(2); // once at construction, once for the batch
    const small = commerceValidationStage({ now: () => NOW, maxBytes: 64 });
    expect((await small.processBatch([record(json(v))]))[0]).toMatchObject({
      reason: REJECT_REASON.OVERSIZED,
    });
  });
});

describe('commerce validation stage: every kind of bad input', () => {
  it.each(BAD)('rejects %s with its reason', async (_name, value, reason) => {
    const [result] = await runBatch(record(value));
    expect(result).toMatchObject({ kind: 'reject', reason });
    if (result?.kind !== 'reject') return;
    expect(result.message).not.toContain('\n');
    expect(result.message).not.toContain('12345'); // never the customer id in clear
  });

  it('covers every reason code', () => {
    expect(new Set(BAD.map(([, , reason]) => reason))).toEqual(new Set(REJECT_REASONS));
  });

  it('rejects exactly the records the generator spoilt, with the reason it expects', async () => {
    const { records } = generateCommerceRun({
      seed: 11,
      startMs: NOW - 3_600_000,
      count: 2_000,
      invalidRatio: 0.3,
    });
    const results = await runBatch(...records.map((g) => record(g.value, { key: Buffer.from(g.key) })));
    const verdicts = results.map((r) =>
      r.kind === 'reject' ? r.reason : r.kind === 'forward' ? 'valid' : r.kind,
    );
    expect(verdicts).toEqual(records.map((g) => g.expected));
    expect(new Set(records.map((g) => g.defect).filter(Boolean))).toEqual(new Set(Object.keys(DEFECTS)));
    for (const [i, r] of results.entries()) {
      if (r.kind === 'forward') expect(r.key).toBe(records[i]!.key);
    }
  });
});

describe('commerce validation stage: per-type counters', () => {
  it('counts settled records per event type; unknown types under "unknown"', async () => {
    const s = stage();
    const batch = [
      record(json(VALID.view)),
      record(json(VALID.view)),
      record(json(vary(v, { category: undefined }))),
      record(json(VALID.payment_failure)),
      record(bytes('not json')),
      record(json(vary(v, { event_type: 'page_visit' }))),
    ];
    const results = await s.processBatch(batch);
    const settled = batch.map((r, i) => ({ record: r, result: results[i]! as never }));
    expect(s.batchMetrics!(settled)).toEqual(
      validationMetrics({
        view: { valid: 2, invalid: 1 },
        payment_failure: { valid: 1, invalid: 0 },
        unknown: { valid: 0, invalid: 2 },
      }),
    );
    // Only the records given are counted (the others did not settle).
    expect(s.batchMetrics!(settled.slice(0, 1))).toEqual([
      { name: VALIDATION_METRIC.valid, value: 1, dimensions: { eventType: 'view' } },
      { name: VALIDATION_METRIC.invalid, value: 0, dimensions: { eventType: 'view' } },
    ]);
  });
});

function raw(value: Uint8Array | null, partition = 0, key: string | null = 'k'): RawKafkaRecord {
  return {
    topic: COMMERCE_TOPIC.rawEvents,
    partition,
    offset: offset++,
    timestamp: INGESTED,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    headers: { traceparent: '00-abc-def-01' },
  };
}

describe('commerce validation handler (createKafkaHandler, stub producer)', () => {
  afterEach(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  });

  function handlerWith(producer: ReturnType<typeof recordingProducer>) {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const logger = quietLogger();
    return createKafkaHandler(stage(), {
      producer,
      logger,
      metrics: createStageMetrics('validation', 'test'),
      now: () => NOW,
    });
  }

  it('sends forwards and rejects in one produce, rejects with original bytes and reason headers', async () => {
    const producer = recordingProducer();
    const handler = handlerWith(producer);
    const valid = EVENT_TYPES.map((type) => raw(json(VALID[type]), 1));
    const bad = BAD.map(([, value]) => raw(value, 2));
    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const lines = await captureOutput(async () => {
      response = await handler(encodeKafkaEvent([...valid, ...bad], { bootstrapServers: 'b:9092' }));
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(producer.calls).toHaveLength(1);
    const sent = producer.calls[0]!;
    const forwarded = sent.filter((r) => r.topic === COMMERCE_TOPIC.validated);
    const rejected = sent.filter((r) => r.topic === COMMERCE_TOPIC.rejected);
    expect(forwarded.map((r) => r.key)).toEqual(EVENT_TYPES.map((type) => VALID[type].user_id));
    expect(forwarded.map((r) => String(r.headers?.[VALIDATED_HEADER.eventType]))).toEqual([...EVENT_TYPES]);
    expect(forwarded.every((r) => String(r.headers?.traceparent) === '00-abc-def-01')).toBe(true);
    expect(rejected).toHaveLength(BAD.length);
    for (const [i, [name, value, reason]] of BAD.entries()) {
      const out = rejected[i]!;
      const meta = decodeFailureHeaders(out.headers!)!;
      expect(meta, name).toMatchObject({
        reason,
        stage: 'validation',
        sourceTopic: COMMERCE_TOPIC.rawEvents,
      });
      expect(String(out.headers!.traceparent)).toBe('00-abc-def-01');
      expect(String(out.key)).toBe('k');
      const original = value === null ? null : Buffer.from(value);
      if (original === null) expect(out.value, name).toBeNull();
      else if (original.length > REJECT_VALUE_MAX_BYTES) {
        // The oversized value: its first 64 KiB, and headers saying so.
        expect(Buffer.compare(out.value as Buffer, original.subarray(0, REJECT_VALUE_MAX_BYTES))).toBe(0);
        expect(meta).toMatchObject({ valueBytes: original.length, valueTruncated: true });
        expect(String(out.headers![FAILURE_HEADER.valueTruncated])).toBe('true');
      } else expect(Buffer.compare(out.value as Buffer, original), name).toBe(0);
    }

    // One EMF line per event type seen, with both counts; plus the batch line and the reason lines.
    const docs = lines.map((l) => JSON.parse(l)).filter((d) => d._aws !== undefined);
    const perType = docs.filter((d) => d.eventType !== undefined);
    const expected = tallyValidation(
      [...EVENT_TYPES.map((type) => json(VALID[type])), ...BAD.map(([, value]) => value)].map((value) =>
        validateEvent(value, { nowMs: NOW }),
      ),
    );
    expect(
      Object.fromEntries(
        perType.map((d) => [d.eventType, { valid: d.ValidEvents, invalid: d.InvalidEvents }]),
      ),
    ).toEqual(expected);
    expect(perType.every((d) => d.stage === 'validation')).toBe(true);
    expect(perType.find((d) => d.eventType === 'view')).toMatchObject({ ValidEvents: 1, InvalidEvents: 4 });
    expect(perType.find((d) => d.eventType === UNKNOWN_TYPE_KEY)!.InvalidEvents).toBe(
      BAD.filter(([, , , key]) => key === UNKNOWN_TYPE_KEY).length,
    );
    const reasons = new Set(BAD.map(([, , reason]) => reason));
    expect(docs).toHaveLength(1 + reasons.size + perType.length);
    expect(docs[0]).toMatchObject({ RecordsIn: valid.length + bad.length, RecordsRejected: bad.length });
  });

  it('counts nothing for a batch whose produce failed (its redelivery is counted)', async () => {
    const handler = handlerWith(recordingProducer(new Error('broker down')));
    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const lines = await captureOutput(async () => {
      response = await handler(encodeKafkaEvent([raw(json(v)), raw(null)], { bootstrapServers: 'b:9092' }));
    });
    expect(response?.batchItemFailures).toHaveLength(2);
    const docs = lines.map((l) => JSON.parse(l)).filter((d) => d._aws !== undefined);
    expect(docs.filter((d) => d.eventType !== undefined)).toEqual([]);
    expect(docs[0]).toMatchObject({ RecordsFailed: 2 });
  });
});
