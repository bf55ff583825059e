/**
 * The commerce routing stage, driven directly (`processBatch`) and as the Lambda handler
 * (`createKafkaHandler` with a stub producer): KiVendTout's rule for every event type, key,
 * bytes and headers kept; records the validation stage wrote are routed from their header
 * without parsing; any other record is validated from its bytes, routed if valid, rejected with
 * the validation reason otherwise.
 */
import { describe, expect, it } from 'vitest';
import {
  COMMERCE_TOPIC,
  EVENT_TYPES,
  type EventType,
  REJECT_REASON,
  type RejectReason,
} from '../../../shared/commerce/index.ts';
import { commerceRoutingStage } from '../../../shared/commerce/stages/routing-stage.ts';
import { VALIDATED_HEADER, validatedHeaders } from '../../../shared/commerce/stages/validation-headers.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { encodeKafkaEvent, type RawKafkaRecord } from '../../../shared/kafka/msk-event.ts';
import type { RecordHeaders, StageRecord } from '../../../shared/kafka/types.ts';
import { createStageMetrics } from '../../../shared/observability/metrics.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import type { ForwardOutcome, Outcome } from '../../../shared/runtime/outcome.ts';
import { quietLogger, recordingProducer } from '../../support/handler-doubles.ts';
import { bytes, json, NOW, SEED_TOPIC_OF_EVENT_TYPE, T, VALID, vary } from './fixtures.ts';

/** When the event entered the pipeline (raw-events timestamp, carried by validation). */
const INGESTED = NOW - 5_000;
/** Kafka timestamp of the records on commerce.validated. */
const VALIDATED_AT = NOW - 1_000;
const TRACE = { traceparent: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') };

let offset = 0;
function record(value: Uint8Array | null, extra: Partial<StageRecord> = {}): StageRecord {
  return {
    topic: COMMERCE_TOPIC.validated,
    partition: 0,
    offset: offset++,
    timestamp: VALIDATED_AT,
    key: Buffer.from('12345'),
    value: value === null ? null : Buffer.from(value),
    headers: {},
    ...extra,
  };
}

/** Headers as the validation stage writes them (as bytes, as they come back from Kafka). */
function fromValidation(type: EventType, input: RecordHeaders = TRACE): Record<string, Buffer> {
  const out: Record<string, Buffer> = Object.create(null);
  for (const [name, value] of Object.entries(validatedHeaders(input, type, INGESTED)))
    out[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return out;
}

async function route(...records: StageRecord[]): Promise<Outcome[]> {
  const results = await commerceRoutingStage({ now: () => NOW }).processBatch(records);
  for (const r of results) if (r.kind === 'failed') throw r.error;
  return results as Outcome[];
}

const asForward = (o: Outcome | undefined): ForwardOutcome => {
  expect(o?.kind).toBe('forward');
  return o as ForwardOutcome;
};

describe('commerce routing stage: records from the validation stage', () => {
  it.each(EVENT_TYPES)('routes %s as KiVendTout does; key, bytes and headers unchanged', async (type) => {
    const value = json(VALID[type]);
    const headers = fromValidation(type);
    const input = record(value, { headers });
    const out = asForward((await route(input))[0]);
    expect(out.topic).toBe(SEED_TOPIC_OF_EVENT_TYPE[type]);
    expect(out.key).toBe(input.key);
    expect(Buffer.compare(out.value as Buffer, Buffer.from(value))).toBe(0);
    expect(out.headers).toBe(input.headers);
    expect(out.eventTimeMs).toBe(INGESTED); // pipeline age counts from ingestion
  });

  it('routes from the header without parsing the value (the header is validation’s word)', async () => {
    const out = asForward(
      (await route(record(bytes('opaque'), { headers: fromValidation('payment_success') })))[0],
    );
    expect(out.topic).toBe(COMMERCE_TOPIC.payments);
  });

  it('falls back to the record timestamp when the ingestion header is missing or malformed', async () => {
    for (const ingested of [undefined, 'yesterday', '-5', '1e12']) {
      const headers: Record<string, Buffer> = { [VALIDATED_HEADER.eventType]: Buffer.from('view') };
      if (ingested !== undefined) headers[VALIDATED_HEADER.ingestedAt] = Buffer.from(ingested);
      const out = asForward((await route(record(json(VALID.view), { headers })))[0]);
      expect(out.eventTimeMs, String(ingested)).toBe(VALIDATED_AT);
    }
  });
});

describe('commerce routing stage: records without a usable header are validated again', () => {
  it.each(EVENT_TYPES)('routes a valid %s with no header; adds the validated headers', async (type) => {
    const value = json(VALID[type]);
    const out = asForward((await route(record(value, { headers: TRACE })))[0]);
    expect(out.topic).toBe(SEED_TOPIC_OF_EVENT_TYPE[type]);
    expect(String(out.key)).toBe('12345');
    expect(Buffer.compare(out.value as Buffer, Buffer.from(value))).toBe(0);
    expect({ ...out.headers }).toEqual({
      ...TRACE,
      [VALIDATED_HEADER.eventType]: type,
      [VALIDATED_HEADER.ingestedAt]: String(VALIDATED_AT),
    });
  });

  it('keys a record that has no key by its user_id', async () => {
    const event = vary(VALID.checkout, { user_id: 'u-42' });
    for (const headers of [{}, fromValidation('checkout')]) {
      const out = asForward((await route(record(json(event), { key: null, headers })))[0]);
      expect(out).toMatchObject({ topic: COMMERCE_TOPIC.orders, key: 'u-42' });
    }
  });

  it('routes by the value when the header names no event type', async () => {
    for (const type of ['page_visit', '', 'PAYMENT_SUCCESS']) {
      const headers = { [VALIDATED_HEADER.eventType]: Buffer.from(type) };
      const out = asForward((await route(record(json(VALID.payment_failure), { headers })))[0]);
      expect(out.topic, type).toBe(COMMERCE_TOPIC.payments);
      expect(out.headers?.[VALIDATED_HEADER.eventType]).toBe('payment_failure');
    }
    const binary = { [VALIDATED_HEADER.eventType]: Buffer.from([0xff, 0xfe]) };
    expect(asForward((await route(record(json(VALID.review), { headers: binary })))[0]).topic).toBe(
      COMMERCE_TOPIC.userEvents,
    );
  });

  /** [name, raw value, headers, reason]: garbage on commerce.validated is rejected, never routed or crashing. */
  const GARBAGE: readonly [string, Uint8Array | null, RecordHeaders, RejectReason][] = [
    ['a tombstone', null, {}, REJECT_REASON.EMPTY_VALUE],
    ['a tombstone with validated headers', null, fromValidation('view'), REJECT_REASON.EMPTY_VALUE],
    [
      'zero bytes with validated headers',
      new Uint8Array(0),
      fromValidation('view'),
      REJECT_REASON.EMPTY_VALUE,
    ],
    ['broken UTF-8', new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]), {}, REJECT_REASON.NOT_UTF8],
    ['not JSON', bytes('<xml/>'), {}, REJECT_REASON.NOT_JSON],
    ['a JSON array', json([VALID.view]), {}, REJECT_REASON.NOT_OBJECT],
    [
      '__proto__ key',
      bytes(`{"__proto__":{"x":1},${JSON.stringify(VALID.view).slice(1)}`),
      {},
      REJECT_REASON.FORBIDDEN_KEY,
    ],
    [
      'control character',
      json(vary(VALID.view, { item_id: 'a\u0007' })),
      {},
      REJECT_REASON.INVALID_CHARACTERS,
    ],
    [
      'unknown event_type, garbage header',
      json(vary(VALID.view, { event_type: 'page_visit' })),
      { [VALIDATED_HEADER.eventType]: Buffer.from('page_visit') },
      REJECT_REASON.UNKNOWN_EVENT_TYPE,
    ],
    ['price as a string', json(vary(VALID.transaction, { price: '1' })), {}, REJECT_REASON.WRONG_TYPE],
    [
      'timestamp in seconds',
      json(vary(VALID.view, { timestamp: Math.floor(T / 1000) })),
      {},
      REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
    ],
  ];

  it.each(GARBAGE)('rejects %s with its reason', async (_name, value, headers, reason) => {
    const [out] = await route(record(value, { headers }));
    expect(out).toMatchObject({ kind: 'reject', reason });
  });
});

describe('commerce routing handler (createKafkaHandler, stub producer)', () => {
  it('routes a whole batch in one produce to the three topics; garbage to commerce.rejected', async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const logger = quietLogger();
    const producer = recordingProducer();
    const handler = createKafkaHandler(commerceRoutingStage({ now: () => NOW }), {
      producer,
      logger,
      metrics: createStageMetrics('routing', 'test'),
      now: () => NOW,
    });
    const raw = (value: Uint8Array | null, headers: RecordHeaders, partition: number): RawKafkaRecord => ({
      topic: COMMERCE_TOPIC.validated,
      partition,
      offset: offset++,
      timestamp: VALIDATED_AT,
      key: Buffer.from('12345'),
      value: value === null ? null : Buffer.from(value),
      headers,
    });
    const routed = EVENT_TYPES.map((type) => raw(json(VALID[type]), fromValidation(type), 0));
    const parsed = raw(json(VALID.payment_attempt), TRACE, 1);
    const garbage = raw(bytes('not json'), TRACE, 2);
    const response = await handler(
      encodeKafkaEvent([...routed, parsed, garbage], { bootstrapServers: 'b:9092' }),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(producer.calls).toHaveLength(1);
    const sent = producer.calls[0]!;
    expect(sent.map((r) => r.topic)).toEqual([
      ...EVENT_TYPES.map((type) => SEED_TOPIC_OF_EVENT_TYPE[type]),
      COMMERCE_TOPIC.payments,
      COMMERCE_TOPIC.rejected,
    ]);
    for (const r of sent) {
      expect(String(r.key)).toBe('12345');
      expect(String(r.headers?.traceparent)).toBe(String(TRACE.traceparent));
    }
    for (const [i, type] of EVENT_TYPES.entries()) {
      expect(String(sent[i]!.headers?.[VALIDATED_HEADER.eventType])).toBe(type);
      expect(Buffer.compare(sent[i]!.value as Buffer, Buffer.from(json(VALID[type])))).toBe(0);
    }
    const rejected = sent.at(-1)!;
    expect(decodeFailureHeaders(rejected.headers!)).toMatchObject({
      reason: REJECT_REASON.NOT_JSON,
      stage: 'routing',
      sourceTopic: COMMERCE_TOPIC.validated,
      sourcePartition: 2,
    });
    expect(String(rejected.value)).toBe('not json');
  });
});
