/**
 * Issue 11 items 4–5 on the real embedded broker: the commerce validation and routing handlers
 * (`functions/commerce-{validation,routing}`) run behind the ESM emulator, on the pipeline's own
 * topics (applied from `COMMERCE_TOPICS`, LZ4 on the broker). A seeded generator mix holding all
 * 11 event types and every defect the generator can inject (bar `oversized`: the topics'
 * `max.message.bytes` is 1 MiB, so the broker refuses it; the unit tests cover it), plus
 * hand-made bad records, is produced to `raw-events`; a few records go straight to
 * `commerce.validated` to exercise routing's own checks. Then:
 * - every valid event is on the topic KiVendTout's rule names, keyed by its `user_id`, bytes and
 *   headers unchanged (plus the validated headers);
 * - every invalid record is on `commerce.rejected` with its expected reason, its original bytes,
 *   key and headers;
 * - nothing is dropped: records in = routed + rejected, each exactly once, by the run's sequence
 *   header (and by event id for the valid ones);
 * - the valid/invalid counters per event type in the EMF lines match the mix.
 *
 * The pipeline topics are shared with other tests and runs: everything is read from the end
 * offsets noted before, and the run's records are told apart by a run header. The stages run
 * under consumer groups of this run, whose offsets are set to those end offsets before they start.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineHandle, startPipeline } from '../../../localstack/esm/pipeline.ts';
import {
  COMMERCE_TOPIC,
  DEFECT_KINDS,
  type DefectKind,
  EVENT_TYPES,
  type EventType,
  encodeEvent,
  type GeneratedRecord,
  generateCommerceRun,
  REJECT_REASON,
  type RejectReason,
  ROUTE_BY_EVENT_TYPE,
  type RoutedTopic,
  tallyValidation,
  validateEvent,
} from '../../../shared/commerce/index.ts';
import { COMMERCE_PIPELINE, COMMERCE_TOPICS, commerceStageSpec } from '../../../shared/commerce/pipeline.ts';
import { VALIDATED_HEADER } from '../../../shared/commerce/stages/validation-headers.ts';
import { PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { captureLogs, type LogCapture } from '../../unit/observability/capture.ts';
import {
  commitGroupAt,
  endOffsets,
  type Offsets,
  type ReadRecord,
  readSince,
  waitForGroupCommit,
} from '../stages/kafka-io.ts';

const { kafkaBrokers: brokers } = testEndpoints();
const RUN = randomUUID().slice(0, 8);
/** Unique per run, so event ids never repeat across runs on the shared topics. */
const SEED = (Date.now() % 2_000_000_000) + 1;
const RUN_HEADER = 'it-run';
const SEQ_HEADER = 'it-seq';
const ROUTED_TOPICS: readonly RoutedTopic[] = [
  COMMERCE_TOPIC.userEvents,
  COMMERCE_TOPIC.payments,
  COMMERCE_TOPIC.orders,
];
const OUTPUT_TOPICS = [...ROUTED_TOPICS, COMMERCE_TOPIC.rejected] as const;
/** The broker refuses values above the topics' 1 MiB `max.message.bytes`: covered by the unit tests. */
const BROKER_REFUSED: readonly DefectKind[] = ['oversized'];

/** One record this test produces, and what must become of it. */
interface Sent {
  readonly seq: number;
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer>;
  /** Where it must land and how. */
  readonly expect:
    | {
        readonly routed: RoutedTopic;
        readonly eventType: EventType;
        readonly key: string;
        readonly eventId: string;
      }
    | { readonly rejected: RejectReason; readonly stage: 'validation' | 'routing' };
  readonly what: string;
}

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let pipeline: PipelineHandle | undefined;
let logs: LogCapture | undefined;
/** This run's consumer-group prefixes of the two stages (the group of a mapping is `<prefix>.<topic>`). */
const prefixes = {
  validation: `it-commerce-validation-${RUN}`,
  routing: `it-commerce-routing-${RUN}`,
};
const groups = {
  validation: `${prefixes.validation}.${COMMERCE_TOPIC.rawEvents}`,
  routing: `${prefixes.routing}.${COMMERCE_TOPIC.validated}`,
};
const startOffsets = new Map<string, Offsets>();

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  delete process.env.POWERTOOLS_METRICS_DISABLED; // the per-type counters are checked below
  kafka = testKafka(`it-commerce-${RUN}`, brokers);
  admin = kafka.admin();
  await admin.connect();
  await applyCatalog(admin, COMMERCE_TOPICS, { timeoutMs: 60_000 });
  producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  logs?.stop();
  await pipeline?.stop().catch(() => undefined);
  await producer?.disconnect();
  await admin?.deleteGroups([groups.validation, groups.routing]).catch(() => undefined);
  await admin?.disconnect();
});

/** Headers of the run's record `seq`: the run, the sequence, a W3C trace context and a binary one. */
function runHeaders(seq: number): Record<string, Buffer> {
  return {
    [RUN_HEADER]: Buffer.from(RUN),
    [SEQ_HEADER]: Buffer.from(String(seq)),
    traceparent: Buffer.from(
      `00-${randomUUID().replaceAll('-', '')}-${seq.toString(16).padStart(16, '0')}-01`,
    ),
    'it-binary': Buffer.from([0x00, 0xff, 0xc3, 0x28, seq & 0xff]),
  };
}

const text = (s: string) => Buffer.from(s);
const jsonBytes = (v: unknown) => Buffer.from(JSON.stringify(v));

/** The records of this run: the generator's mix, hand-made bad ones, and direct routing inputs. */
function buildRun(generated: readonly GeneratedRecord[]): Sent[] {
  const sent: Sent[] = [];
  const add = (
    topic: string,
    key: string | null,
    value: Uint8Array | null,
    expectation: Sent['expect'],
    what: string,
    extraHeaders: Record<string, Buffer> = {},
  ) => {
    const seq = sent.length;
    sent.push({
      seq,
      topic,
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      headers: { ...runHeaders(seq), ...extraHeaders },
      expect: expectation,
      what,
    });
  };
  const routedAs = (event: { event_type: EventType; user_id: string; event_id: string }) => ({
    routed: ROUTE_BY_EVENT_TYPE[event.event_type],
    eventType: event.event_type,
    key: event.user_id,
    eventId: event.event_id,
  });
  const rejectedBy = (reason: RejectReason, stage: 'validation' | 'routing' = 'validation') => ({
    rejected: reason,
    stage,
  });

  for (const g of generated) {
    add(
      COMMERCE_TOPIC.rawEvents,
      g.key,
      g.value,
      g.expected === 'valid' ? routedAs(g.event!) : rejectedBy(g.expected),
      g.defect ?? `valid ${g.eventType}`,
    );
  }
  const template = generated.find((g) => g.event?.event_type === 'view')!.event! as Record<
    string,
    unknown
  > & {
    event_type: 'view';
    user_id: string;
    event_id: string;
  };
  const payment = generated.find((g) => g.event?.event_type === 'payment_failure')!.event! as Record<
    string,
    unknown
  > & { event_type: 'payment_failure'; user_id: string; event_id: string };
  const variant = (changes: Record<string, unknown>) => ({ ...template, event_id: randomUUID(), ...changes });

  // Hand-made bad records on raw-events.
  const raw = COMMERCE_TOPIC.rawEvents;
  add(raw, template.user_id, new Uint8Array(0), rejectedBy(REJECT_REASON.EMPTY_VALUE), 'empty value');
  add(raw, template.user_id, null, rejectedBy(REJECT_REASON.EMPTY_VALUE), 'tombstone');
  add(
    raw,
    template.user_id,
    text('event_type=view;user_id=1'),
    rejectedBy(REJECT_REASON.NOT_JSON),
    'not JSON',
  );
  add(
    raw,
    template.user_id,
    text(`{"__proto__":{"isAdmin":true},${JSON.stringify(variant({})).slice(1)}`),
    rejectedBy(REJECT_REASON.FORBIDDEN_KEY),
    '__proto__ key',
  );
  add(
    raw,
    template.user_id,
    jsonBytes(variant({ item_id: 'abc\u0000\u001b[31m' })),
    rejectedBy(REJECT_REASON.INVALID_CHARACTERS),
    'control characters',
  );
  add(
    raw,
    template.user_id,
    jsonBytes(variant({ event_type: 'page_visit' })),
    rejectedBy(REJECT_REASON.UNKNOWN_EVENT_TYPE),
    'unknown event_type',
  );
  add(
    raw,
    template.user_id,
    jsonBytes(variant({ user_id: 42 })),
    rejectedBy(REJECT_REASON.WRONG_TYPE),
    'user_id a number',
  );
  add(
    raw,
    template.user_id,
    jsonBytes(variant({ timestamp: String(template.timestamp) })),
    rejectedBy(REJECT_REASON.WRONG_TYPE),
    'timestamp a string',
  );
  // Valid, but keyed otherwise or not at all: validation keys by user_id.
  const unkeyed = variant({});
  add(raw, null, encodeEvent(unkeyed as never), routedAs(unkeyed), 'valid, no key');
  const misKeyed = variant({});
  add(raw, 'someone-else', encodeEvent(misKeyed as never), routedAs(misKeyed), 'valid, another key');
  // A producer claiming another event type in the validated header: validation's word replaces it.
  const spoofed = variant({});
  add(raw, template.user_id, encodeEvent(spoofed as never), routedAs(spoofed), 'spoofed event-type header', {
    [VALIDATED_HEADER.eventType]: text('payment_success'),
  });

  // Straight to commerce.validated: routing's own checks.
  const validated = COMMERCE_TOPIC.validated;
  const unvouched = { ...payment, event_id: randomUUID() };
  add(
    validated,
    null,
    encodeEvent(unvouched as never),
    routedAs(unvouched),
    'validated topic, no header, no key',
  );
  add(
    validated,
    template.user_id,
    text('<not json/>'),
    rejectedBy(REJECT_REASON.NOT_JSON, 'routing'),
    'validated topic, not JSON',
  );
  add(
    validated,
    template.user_id,
    jsonBytes(variant({ event_type: 'page_visit' })),
    rejectedBy(REJECT_REASON.UNKNOWN_EVENT_TYPE, 'routing'),
    'validated topic, garbage header and type',
    { [VALIDATED_HEADER.eventType]: text('page_visit') },
  );
  add(
    validated,
    template.user_id,
    null,
    rejectedBy(REJECT_REASON.EMPTY_VALUE, 'routing'),
    'validated topic, tombstone with a validated header',
    { [VALIDATED_HEADER.eventType]: text('view') },
  );
  return sent;
}

const headerOf = (r: ReadRecord, name: string) => r.headers[name]?.toString('utf8');

/**
 * The run's records of `topic` since the noted offsets, one per sequence number (a duplicate,
 * from a concurrent consumer of the shared topics, must be a byte-identical copy).
 */
async function ours(topic: string): Promise<Map<number, ReadRecord>> {
  const bySeq = new Map<number, ReadRecord>();
  for (const r of await readSince(kafka, admin, topic, startOffsets.get(topic)!, 60_000)) {
    if (headerOf(r, RUN_HEADER) !== RUN) continue;
    const seq = Number(headerOf(r, SEQ_HEADER));
    const first = bySeq.get(seq);
    if (!first) bySeq.set(seq, r);
    else
      expect(
        Buffer.compare(first.value ?? Buffer.alloc(0), r.value ?? Buffer.alloc(0)),
        `duplicate ${seq}`,
      ).toBe(0);
  }
  return bySeq;
}

function expectSameBytes(actual: Buffer | null, expected: Buffer | null, what: string) {
  if (expected === null) expect(actual, what).toBeNull();
  else expect(actual && Buffer.compare(actual, expected), what).toBe(0);
}

describe('commerce ingestion: validation and routing behind the ESM emulator', () => {
  it('routes every valid event by type and rejects every bad one with its reason; nothing dropped', async () => {
    const defects = DEFECT_KINDS.filter((k) => !BROKER_REFUSED.includes(k));
    const { records: generated } = generateCommerceRun({
      seed: SEED,
      // In the past, so that every event time is behind the validator's clock.
      startMs: Date.now() - 180_000,
      // Enough that every defect shows up whatever the seed (invalid_currency applies to
      // transactions only: ~120 defective ones, each a 1-in-17 chance).
      count: 3_000,
      invalidRatio: 0.4,
      defects,
    });
    // The mix covers every event type and every defect the broker accepts.
    expect(new Set(generated.filter((g) => g.expected === 'valid').map((g) => g.eventType))).toEqual(
      new Set(EVENT_TYPES),
    );
    expect(new Set(generated.map((g) => g.defect).filter(Boolean))).toEqual(new Set(defects));
    const sent = buildRun(generated);

    for (const topic of [COMMERCE_TOPIC.rawEvents, COMMERCE_TOPIC.validated, ...OUTPUT_TOPICS]) {
      startOffsets.set(topic, await endOffsets(admin, topic));
    }
    await commitGroupAt(
      admin,
      groups.validation,
      COMMERCE_TOPIC.rawEvents,
      startOffsets.get(COMMERCE_TOPIC.rawEvents)!,
    );
    await commitGroupAt(
      admin,
      groups.routing,
      COMMERCE_TOPIC.validated,
      startOffsets.get(COMMERCE_TOPIC.validated)!,
    );

    logs = captureLogs();
    const started = Date.now();
    pipeline = await startPipeline({
      pipeline: COMMERCE_PIPELINE,
      brokers,
      stages: [
        { ...commerceStageSpec('validation'), consumerGroupPrefix: prefixes.validation },
        { ...commerceStageSpec('routing'), consumerGroupPrefix: prefixes.routing },
      ],
      retryBackoffMs: 10,
    });
    const joined = Date.now();
    // The groups whose offsets were set are the mappings' groups: the stages start at the noted offsets.
    expect(pipeline.counters().map((c) => c.consumerGroupId)).toEqual([groups.validation, groups.routing]);

    await producer.sendBatch({
      acks: -1,
      topicMessages: [COMMERCE_TOPIC.rawEvents, COMMERCE_TOPIC.validated].map((topic) => ({
        topic,
        messages: sent
          .filter((s) => s.topic === topic)
          .map((s) => ({ key: s.key, value: s.value, headers: s.headers })),
      })),
    });
    const produced = Date.now();
    // Every record sent is before these offsets: wait until both stages committed past them.
    const rawEnd = await endOffsets(admin, COMMERCE_TOPIC.rawEvents);
    await waitForGroupCommit(admin, groups.validation, COMMERCE_TOPIC.rawEvents, rawEnd);
    await waitForGroupCommit(
      admin,
      groups.routing,
      COMMERCE_TOPIC.validated,
      await endOffsets(admin, COMMERCE_TOPIC.validated),
    );
    const processed = Date.now();
    const totals = pipeline.stageTotals();
    const rawAtTotals = await endOffsets(admin, COMMERCE_TOPIC.rawEvents);
    await pipeline.stop();
    pipeline = undefined;
    logs.stop();

    const outputs = new Map<string, Map<number, ReadRecord>>();
    for (const topic of OUTPUT_TOPICS) outputs.set(topic, await ours(topic));
    const rejected = outputs.get(COMMERCE_TOPIC.rejected)!;

    // Nothing dropped, nothing twice: every sequence number on exactly one output topic.
    const seen = new Map<number, string[]>();
    for (const [topic, bySeq] of outputs)
      for (const seq of bySeq.keys()) seen.set(seq, [...(seen.get(seq) ?? []), topic]);
    const missing = sent.filter((s) => !seen.has(s.seq)).map((s) => `${s.seq}: ${s.what}`);
    expect(missing, 'records neither routed nor rejected').toEqual([]);
    expect([...seen].filter(([, topics]) => topics.length > 1)).toEqual([]);
    expect(seen.size).toBe(sent.length);
    const routedCount = ROUTED_TOPICS.reduce((n, t) => n + outputs.get(t)!.size, 0);
    expect(routedCount + rejected.size).toBe(sent.length);

    const eventIds = new Set<string>();
    const typesOnTopic = new Map<string, Set<EventType>>();
    for (const s of sent) {
      if ('routed' in s.expect) {
        const out = outputs.get(s.expect.routed)!.get(s.seq);
        expect(out, `${s.seq} (${s.what}) not on ${s.expect.routed}: on ${seen.get(s.seq)}`).toBeDefined();
        if (!out) continue;
        expect(out.key?.toString(), s.what).toBe(s.expect.key);
        expectSameBytes(out.value, s.value, s.what);
        // Input headers unchanged, byte for byte; the validated ones added.
        for (const [name, value] of Object.entries(s.headers)) {
          if (name === VALIDATED_HEADER.eventType) continue;
          expectSameBytes(out.headers[name] ?? null, value, `${s.what}: header ${name}`);
        }
        expect(headerOf(out, VALIDATED_HEADER.eventType), s.what).toBe(s.expect.eventType);
        // When the record entered the pipeline: its producer timestamp, during the send.
        const ingestedAt = Number(headerOf(out, VALIDATED_HEADER.ingestedAt));
        expect(ingestedAt, s.what).toBeGreaterThanOrEqual(joined - 1_000);
        expect(ingestedAt, s.what).toBeLessThanOrEqual(produced + 1_000);
        const id = JSON.parse(out.value!.toString('utf8')).event_id as string;
        expect(id).toBe(s.expect.eventId);
        eventIds.add(id);
        const types = typesOnTopic.get(s.expect.routed) ?? new Set();
        types.add(s.expect.eventType);
        typesOnTopic.set(s.expect.routed, types);
      } else {
        const out = rejected.get(s.seq);
        expect(out, `${s.seq} (${s.what}) not rejected: on ${seen.get(s.seq)}`).toBeDefined();
        if (!out) continue;
        const meta = decodeFailureHeaders(out.headers)!;
        expect(meta, s.what).toMatchObject({
          reason: s.expect.rejected,
          stage: s.expect.stage,
          sourceTopic: s.topic,
          valueBytes: s.value?.length ?? 0,
        });
        expectSameBytes(out.value, s.value, s.what);
        expectSameBytes(out.key, s.key, `${s.what}: key`);
        for (const [name, value] of Object.entries(s.headers)) {
          expectSameBytes(out.headers[name] ?? null, value, `${s.what}: header ${name}`);
        }
      }
    }
    // Every event type on the topic KiVendTout's rule names; every valid event once, by event id.
    for (const type of EVENT_TYPES) expect(typesOnTopic.get(ROUTE_BY_EVENT_TYPE[type])).toContain(type);
    expect(eventIds.size).toBe(sent.filter((s) => 'routed' in s.expect).length);
    expect(totals.validation).toMatchObject({ recordsOnFailure: 0, functionErrors: 0 });
    expect(totals.routing).toMatchObject({ recordsOnFailure: 0, functionErrors: 0 });

    // The per-type counters of the validation stage, from its EMF lines.
    const counted: Record<string, { valid: number; invalid: number }> = {};
    for (const line of logs.lines) {
      if (!line.includes('"ValidEvents"')) continue;
      const doc = JSON.parse(line) as {
        stage: string;
        eventType: string;
        ValidEvents: number;
        InvalidEvents: number;
      };
      expect(doc.stage).toBe('validation');
      const c = counted[doc.eventType] ?? { valid: 0, invalid: 0 };
      counted[doc.eventType] = { valid: c.valid + doc.ValidEvents, invalid: c.invalid + doc.InvalidEvents };
    }
    const rawSent = sent.filter((s) => s.topic === COMMERCE_TOPIC.rawEvents);
    const expected = tallyValidation(rawSent.map((s) => validateEvent(s.value, { nowMs: Date.now() })));
    const rawStart = startOffsets.get(COMMERCE_TOPIC.rawEvents)!;
    const appendedBy = (end: Offsets) => [...end].reduce((n, [p, e]) => n + e - (rawStart.get(p) ?? 0), 0);
    const rawAppended = appendedBy(rawEnd);
    // Exact unless another producer wrote to raw-events meanwhile (the stage counted its records too).
    const countsExact = rawAppended === rawSent.length;
    // Validation read what was appended after the noted offsets, nothing older.
    expect(totals.validation!.recordsIn).toBeGreaterThanOrEqual(rawAppended);
    expect(totals.validation!.recordsIn).toBeLessThanOrEqual(appendedBy(rawAtTotals));
    if (countsExact) expect(counted).toEqual(expected);
    else {
      // Another producer wrote to raw-events meanwhile: our records are a part of the counts.
      for (const [type, c] of Object.entries(expected)) {
        expect(counted[type]!.valid).toBeGreaterThanOrEqual(c!.valid);
        expect(counted[type]!.invalid).toBeGreaterThanOrEqual(c!.invalid);
      }
    }

    const byReason: Record<string, number> = {};
    for (const s of sent)
      if ('rejected' in s.expect) byReason[s.expect.rejected] = (byReason[s.expect.rejected] ?? 0) + 1;
    console.info(
      JSON.stringify({
        test: 'commerce-ingestion',
        records: sent.length,
        routed: Object.fromEntries(ROUTED_TOPICS.map((t) => [t, outputs.get(t)!.size])),
        rejected: byReason,
        joinMs: joined - started,
        produceMs: produced - joined,
        processMs: processed - produced,
        countsExact,
        rawAppended,
        validationRecordsIn: totals.validation!.recordsIn,
      }),
    );
  });
});
