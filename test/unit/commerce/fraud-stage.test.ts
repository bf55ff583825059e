import type { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  CORRUPT_FRAUD_STATE,
  FRAUD_STATE_ERROR,
  FraudStateError,
  FraudStateRepository,
  type FraudStateStore,
  fraudStateFailure,
  isExpired,
  type LoadedWindowState,
  parseWindowState,
  type WindowStateWrite,
  type WindowStateWriteResult,
} from '../../../shared/commerce/fraud/state-repository.ts';
import {
  type CustomerWindowState,
  DEFAULT_FRAUD_THRESHOLDS,
  deterministicUuid,
  evaluateFraud,
  FraudAlertSchema,
  type PaymentEvent,
  REJECT_REASON,
} from '../../../shared/commerce/index.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { FRAUD_ALERTS_METRIC, fraudStage } from '../../../shared/commerce/stages/fraud-stage.ts';
import { fraudStateTableFromEnv } from '../../../shared/commerce/stages/fraud-stage-from-env.ts';
import { VALIDATED_HEADER } from '../../../shared/commerce/stages/validation-headers.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { encodeKafkaEvent, type RawKafkaRecord } from '../../../shared/kafka/msk-event.ts';
import type { OutboundRecord } from '../../../shared/kafka/producer.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { createStageMetrics } from '../../../shared/observability/metrics.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import type { FanOutOutcome } from '../../../shared/runtime/outcome.ts';
import type { RecordResult, SettledRecord, Stage } from '../../../shared/runtime/stage.ts';
import { quietLogger, recordingProducer } from '../../support/handler-doubles.ts';
import { VALID } from './fixtures.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const T0 = Date.UTC(2026, 0, 15, 10);
const MIN = 60_000;
const NOW = T0 + 2 * 60 * MIN;
const A = '100001';
const B = '100002';

let n = 0;
/** A payment event of `kind` for `customer` at T0 + `minutes`. */
function pay(
  kind: 'attempt' | 'success' | 'failure',
  customer: string,
  minutes: number,
  o: { amount?: number; card?: string } = {},
): PaymentEvent {
  n++;
  const common = {
    event_id: deterministicUuid('fraud-stage-test', n),
    timestamp: T0 + Math.round(minutes * MIN),
    user_id: customer,
    order_id: `ord_${n}`,
    payment_id: `pay_${n}`,
    amount: o.amount ?? 50,
    currency: 'EUR' as const,
    method: 'card' as const,
    device_id: 'dev_1',
    card_fingerprint: o.card ?? 'card_00000001',
  };
  if (kind === 'attempt') return { ...common, event_type: 'payment_attempt' };
  if (kind === 'success') return { ...common, event_type: 'payment_success' };
  return { ...common, event_type: 'payment_failure', failure_reason: 'card_declined' };
}

/** Records of `payments` partition `partition` from offset `first` on (value: JSON, or raw bytes). */
function records(values: readonly (PaymentEvent | string | null)[], partition = 0, first = 0): StageRecord[] {
  return values.map((v, i) => ({
    topic: COMMERCE_TOPIC.payments,
    partition,
    offset: first + i,
    timestamp: NOW,
    key: v !== null && typeof v === 'object' ? Buffer.from(v.user_id) : Buffer.from('k'),
    value: v === null ? null : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
    headers: {},
  }));
}

/** An in-memory store with the DynamoDB repository's conditional semantics and scripted failures. */
class MemoryStore implements FraudStateStore {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly reads: string[][] = [];
  readonly writes: WindowStateWrite[][] = [];
  failReads: Error | undefined;
  /** The next N writes fail with THROTTLED. */
  failWrites = 0;

  async getMany(customerIds: readonly string[]): Promise<Map<string, LoadedWindowState>> {
    this.reads.push([...customerIds]);
    if (this.failReads) throw this.failReads;
    const out = new Map<string, LoadedWindowState>();
    for (const id of customerIds) {
      const item = this.items.get(id);
      if (item) out.set(id, parseWindowState(id, structuredClone(item)));
    }
    return out;
  }

  async putMany(writes: readonly WindowStateWrite[]): Promise<WindowStateWriteResult[]> {
    this.writes.push([...writes]);
    return writes.map(({ state, expectedRevision }) => {
      if (this.failWrites > 0) {
        this.failWrites--;
        return { ok: false, error: new FraudStateError(FRAUD_STATE_ERROR.THROTTLED, 'throttled') };
      }
      const current = this.items.get(state.customerId) as CustomerWindowState | undefined;
      if (current?.revision !== expectedRevision) {
        return { ok: false, error: new FraudStateError(FRAUD_STATE_ERROR.CONFLICT, 'revision changed') };
      }
      this.items.set(state.customerId, structuredClone(state) as unknown as Record<string, unknown>);
      return { ok: true };
    });
  }

  state(id: string): CustomerWindowState | undefined {
    return this.items.get(id) as CustomerWindowState | undefined;
  }
}

const stageWith = (store: FraudStateStore) => fraudStage({ store, now: () => NOW });
const outputsOf = (result: RecordResult | undefined) => (result as FanOutOutcome).outputs;
const alertOf = (value: string | Buffer) => FraudAlertSchema.parse(JSON.parse(value.toString()));
const settle = (recs: readonly StageRecord[], results: readonly RecordResult[]): SettledRecord[] =>
  recs.map((record, i) => ({ record, result: results[i] as SettledRecord['result'] }));

function handlerOf(stage: Stage, producer: ReturnType<typeof recordingProducer>) {
  return createKafkaHandler(stage, {
    producer,
    logger: quietLogger(),
    metrics: createStageMetrics('fraud', 'test'),
    now: () => NOW,
  });
}

const eventOf = (recs: readonly StageRecord[]) =>
  encodeKafkaEvent(recs as readonly RawKafkaRecord[], { bootstrapServers: '127.0.0.1:9092' });
const alertsIn = (outbound: readonly OutboundRecord[]) =>
  outbound.filter((o) => o.topic === COMMERCE_TOPIC.fraudAlerts).map((o) => alertOf(o.value as Buffer));
const failedOffsets = (res: { batchItemFailures: { itemIdentifier: { offset: number } }[] }) =>
  res.batchItemFailures.map((f) => f.itemIdentifier.offset);

describe('fraud stage', () => {
  it('reads every customer of the batch in one wave and fans each alert out with its triggering record', async () => {
    const store = new MemoryStore();
    const events = [
      pay('attempt', A, 0),
      pay('attempt', B, 0.5),
      pay('attempt', A, 1),
      pay('attempt', A, 2),
      pay('attempt', B, 2.5),
      pay('attempt', A, 3),
      pay('attempt', A, 4), // A's fifth attempt in 4 minutes: VELOCITY
    ];
    const recs = records(events);
    const stage = stageWith(store);
    const results = await stage.processBatch(recs);

    expect(store.reads).toEqual([[A, B]]);
    expect(results.map((r) => r.kind)).toEqual(Array(7).fill('fan-out'));
    expect(results.map((r) => outputsOf(r).length)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    // Pipeline age counts from the record's Kafka timestamp when no ingestion header says otherwise.
    expect(results.map((r) => (r as FanOutOutcome).eventTimeMs)).toEqual(Array(7).fill(NOW));
    const [out] = outputsOf(results[6]);
    expect(out).toMatchObject({ kind: 'forward', topic: COMMERCE_TOPIC.fraudAlerts, key: A });
    const alert = alertOf(out!.value);
    expect(alert).toMatchObject({
      customer_id: A,
      rule: 'VELOCITY',
      window_start: events[0]!.timestamp,
      triggering_event_id: events[6]!.event_id,
      evidence: { count: 5, event_ids: [0, 2, 3, 5, 6].map((i) => events[i]!.event_id) },
    });
    // Nothing is stored before afterProduce.
    expect(store.writes).toEqual([]);
    // Alerts per rule, for the records that settled.
    expect(stage.batchMetrics!(settle(recs, results))).toEqual([
      { name: FRAUD_ALERTS_METRIC, value: 1, dimensions: { rule: 'VELOCITY' } },
    ]);
    expect(stage.batchMetrics!(settle(recs.slice(0, 6), results.slice(0, 6)))).toEqual([]);
  });

  it('afterProduce stores each changed state conditionally; a redelivery raises nothing and writes nothing', async () => {
    const store = new MemoryStore();
    const stage = stageWith(store);
    const recs = records([0, 1, 2, 3, 4].map((m) => pay('attempt', A, m)).concat([pay('attempt', B, 5)]));
    const first = await stage.processBatch(recs);
    await stage.afterProduce!(settle(recs, first));
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]!.map((w) => [w.state.customerId, w.expectedRevision, w.state.revision])).toEqual([
      [A, undefined, 1],
      [B, undefined, 1],
    ]);
    expect(store.state(A)!.alerts.VELOCITY).toEqual({ start: T0, end: T0 + 5 * MIN });
    // expiresAt: epoch seconds, 30 days after now.
    expect(store.state(A)!.expiresAt).toBe(Math.ceil((NOW + DEFAULT_FRAUD_THRESHOLDS.stateTtlMs) / 1000));

    const again = await stage.processBatch(recs);
    expect(again.flatMap((r) => outputsOf(r))).toEqual([]);
    await stage.afterProduce!(settle(recs, again));
    expect(store.writes).toHaveLength(1); // unchanged: no write

    // The next event continues from the stored revision.
    const next = records([pay('attempt', A, 6)], 0, 6);
    await stage.afterProduce!(settle(next, await stage.processBatch(next)));
    expect(store.writes[1]!.map((w) => [w.expectedRevision, w.state.revision])).toEqual([[1, 2]]);
  });

  it('rejects what is not a payment event with its reason, and never reads the store for it', async () => {
    const store = new MemoryStore();
    const { card_fingerprint: _card, ...noCard } = pay('attempt', A, 0);
    const recs = records([
      null,
      'not json',
      JSON.stringify(VALID.view),
      JSON.stringify(noCard),
      '{"event_type":"payment_attempt"}',
    ]);
    const results = await stageWith(store).processBatch(recs);
    expect(results.map((r) => (r.kind === 'reject' ? r.reason : r.kind))).toEqual([
      REJECT_REASON.EMPTY_VALUE,
      REJECT_REASON.NOT_JSON,
      REJECT_REASON.INVALID_VALUE,
      REJECT_REASON.MISSING_FIELD,
      REJECT_REASON.MISSING_FIELD,
    ]);
    expect(store.reads).toEqual([]);

    // Through the runtime: rejects reach commerce.rejected with the stage's headers, nothing fails.
    const producer = recordingProducer();
    const res = await handlerOf(stageWith(store), producer)(eventOf(recs));
    expect(res.batchItemFailures).toEqual([]);
    const rejected = producer.calls[0]!.filter((o) => o.topic === COMMERCE_TOPIC.rejected);
    expect(rejected).toHaveLength(5);
    const meta = decodeFailureHeaders(rejected[2]!.headers as Record<string, string>);
    expect(meta).toMatchObject({ reason: REJECT_REASON.INVALID_VALUE, stage: 'fraud', sourceOffset: 2 });
    expect(meta?.message).toMatch(/not a payment event/);
  });

  it('a failed read fails every payment record transiently; rejects stay rejects', async () => {
    const store = new MemoryStore();
    store.failReads = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const results = await stageWith(store).processBatch(
      records([pay('attempt', A, 0), 'x', pay('attempt', B, 1)]),
    );
    expect(results.map((r) => r.kind)).toEqual(['failed', 'reject', 'failed']);
    const error = (results[0] as { error: FraudStateError }).error;
    expect(error).toBeInstanceOf(FraudStateError);
    expect(error).toMatchObject({ code: FRAUD_STATE_ERROR.THROTTLED, retryable: true });
  });

  it('a failed state write fails the batch; the retry re-derives the same alert; once stored, a redelivery produces nothing', async () => {
    const store = new MemoryStore();
    const producer = recordingProducer();
    const handler = handlerOf(stageWith(store), producer);
    const recs = records([0, 1, 2, 3, 4].map((m) => pay('attempt', A, m)));
    store.failWrites = 1;

    const first = await handler(eventOf(recs));
    expect(failedOffsets(first)).toEqual([0, 1, 2, 3, 4]);
    const second = await handler(eventOf(recs));
    expect(second.batchItemFailures).toEqual([]);
    const third = await handler(eventOf(recs));
    expect(third.batchItemFailures).toEqual([]);

    const [a1, a2, a3] = producer.calls.map(alertsIn);
    expect(a1).toHaveLength(1);
    // Only in the failure window: the same alert again, same id and same bytes.
    expect(a2).toEqual(a1);
    expect(producer.calls[1]![0]!.value).toEqual(producer.calls[0]![0]!.value);
    expect(a3).toEqual([]);
    expect(store.state(A)!.revision).toBe(1);
  });

  it('a corrupt item fails only its customer (typed, not retryable); records held back after it are evaluated on redelivery', async () => {
    const store = new MemoryStore();
    store.items.set(A, { customerId: A, revision: 'x' });
    const producer = recordingProducer();
    const stage = stageWith(store);
    const handler = handlerOf(stage, producer);
    // Partition 0: B, A (corrupt), then B four more times: B's fifth attempt is a VELOCITY.
    const recs = records([
      pay('attempt', B, 0),
      pay('attempt', A, 0.5),
      pay('attempt', B, 1),
      pay('attempt', B, 2),
      pay('attempt', B, 3),
      pay('attempt', B, 4),
    ]);
    const direct = await stage.processBatch(recs);
    expect(direct[1]).toMatchObject({
      kind: 'failed',
      error: { code: CORRUPT_FRAUD_STATE, retryable: false },
    });
    expect((direct[1] as { error: Error }).error.message).toMatch(
      /^stored fraud window state does not match its schema: (v|revision)/,
    );
    expect(outputsOf(direct[5])).toHaveLength(1);

    const res = await handler(eventOf(recs));
    expect(failedOffsets(res)).toEqual([1, 2, 3, 4, 5]);
    // B's alert was held back with its record, and B's stored state has only its settled event.
    expect(producer.calls.flatMap(alertsIn)).toEqual([]);
    expect(store.state(B)!.recent.map((r) => r.id)).toEqual([
      JSON.parse(recs[0]!.value!.toString()).event_id,
    ]);

    // The item is repaired (deleted); the mapping redelivers from offset 1.
    store.items.delete(A);
    const retry = await handler(eventOf(recs.slice(1)));
    expect(retry.batchItemFailures).toEqual([]);
    const alerts = producer.calls.flatMap(alertsIn);
    expect(alerts.map((a) => [a.customer_id, a.rule, a.window_start])).toEqual([[B, 'VELOCITY', T0]]);
    expect(store.state(B)!.recent).toHaveLength(5);
    expect(store.state(A)!.revision).toBe(1);
  });

  it('an expired state counts as absent; the write continues its revision', async () => {
    const store = new MemoryStore();
    const old = evaluateFraud(
      undefined,
      [0, 1, 2, 3].map((m) => pay('attempt', A, m)),
      DEFAULT_FRAUD_THRESHOLDS,
      T0,
    );
    const expired: CustomerWindowState = { ...old.state, revision: 7, expiresAt: Math.floor(NOW / 1000) - 1 };
    expect(isExpired(expired, NOW)).toBe(true);
    store.items.set(A, expired as unknown as Record<string, unknown>);
    const stage = stageWith(store);
    const recs = records([pay('attempt', A, 4)]);
    const results = await stage.processBatch(recs);
    expect(outputsOf(results[0])).toEqual([]); // the four expired attempts do not count
    await stage.afterProduce!(settle(recs, results));
    expect(store.writes[0]!.map((w) => [w.expectedRevision, w.state.revision])).toEqual([[7, 8]]);
    expect(store.state(A)!.recent).toHaveLength(1);
  });

  it('pipeline age counts from the ingested-at header when validation wrote one', async () => {
    const [record] = records([pay('attempt', A, 0)]);
    const withHeader = {
      ...record!,
      headers: {
        [VALIDATED_HEADER.eventType]: Buffer.from('payment_attempt'),
        [VALIDATED_HEADER.ingestedAt]: Buffer.from(String(NOW - 5_000)),
      },
    };
    const [result] = await stageWith(new MemoryStore()).processBatch([withHeader]);
    expect((result as FanOutOutcome).eventTimeMs).toBe(NOW - 5_000);
  });

  it('duplicates inside one batch raise one alert, on the first copy', async () => {
    const store = new MemoryStore();
    const events = [0, 1, 2, 3, 4].map((m) => pay('attempt', A, m));
    const results = await stageWith(store).processBatch(records([...events, events[4]!]));
    expect(results.map((r) => outputsOf(r).length)).toEqual([0, 0, 0, 0, 1, 0]);
  });
});

// ── the DynamoDB repository ─────────────────────────────────────────────────────────────────

type Sent = BatchGetCommand | PutCommand;

/** A document client answering from `items`, failing puts with `putError` when set. */
function scriptedDoc(
  items: Record<string, unknown>[],
  opts: { putError?: Error; getError?: Error; unprocessed?: boolean } = {},
) {
  const sent: Sent['input'][] = [];
  const doc = {
    async send(command: Sent) {
      sent.push(command.input);
      if ('RequestItems' in command.input) {
        if (opts.getError) throw opts.getError;
        const [table, request] = Object.entries(command.input.RequestItems!)[0]!;
        if (opts.unprocessed) return { Responses: {}, UnprocessedKeys: { [table]: request } };
        const ids = new Set((request.Keys ?? []).map((k) => k.customerId));
        return { Responses: { [table]: items.filter((i) => ids.has(i.customerId)) }, UnprocessedKeys: {} };
      }
      if (opts.putError) throw opts.putError;
      return {};
    },
  };
  return { doc: doc as unknown as DynamoDBDocumentClient, sent };
}

const named = (name: string) => Object.assign(new Error(`${name} message`), { name });

describe('FraudStateRepository', () => {
  const good = evaluateFraud(undefined, [pay('attempt', A, 0)], DEFAULT_FRAUD_THRESHOLDS, NOW).state;
  const fast = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} };

  it('reads strongly consistently by customerId and parses every item with the state schema', async () => {
    const { doc, sent } = scriptedDoc([
      good as unknown as Record<string, unknown>,
      { ...good, customerId: B, recent: [{ id: 1 }] },
      { ...good, customerId: '100003', extra: true },
    ]);
    const repo = new FraudStateRepository(doc, { table: 't-fraud-windows' });
    const loaded = await repo.getMany([A, B, '100003', '100004']);
    expect(sent[0]).toEqual({
      RequestItems: {
        't-fraud-windows': {
          Keys: [A, B, '100003', '100004'].map((customerId) => ({ customerId })),
          ConsistentRead: true,
        },
      },
    });
    expect(loaded.get(A)).toEqual({ kind: 'found', state: good });
    expect(loaded.get(B)).toMatchObject({ kind: 'corrupt', error: { code: CORRUPT_FRAUD_STATE } });
    const corrupt = loaded.get(B);
    expect(corrupt?.kind === 'corrupt' ? corrupt.error.message : '').toMatch(/recent\.0\.id/);
    expect(loaded.get('100003')?.kind).toBe('corrupt');
    expect(loaded.has('100004')).toBe(false);
    expect(parseWindowState(B, good as unknown as Record<string, unknown>).kind).toBe('corrupt');
  });

  it('writes conditionally: attribute_not_exists for a new customer, the revision read otherwise', async () => {
    const { doc, sent } = scriptedDoc([]);
    const repo = new FraudStateRepository(doc, { table: 't' });
    expect(
      await repo.putMany([
        { state: good, expectedRevision: undefined },
        { state: good, expectedRevision: 4 },
      ]),
    ).toEqual([{ ok: true }, { ok: true }]);
    expect(sent).toEqual([
      {
        TableName: 't',
        Item: good,
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': 'customerId' },
      },
      {
        TableName: 't',
        Item: good,
        ConditionExpression: '#r = :r',
        ExpressionAttributeNames: { '#r': 'revision' },
        ExpressionAttributeValues: { ':r': 4 },
      },
    ]);
  });

  it.each([
    ['ConditionalCheckFailedException', FRAUD_STATE_ERROR.CONFLICT],
    ['ProvisionedThroughputExceededException', FRAUD_STATE_ERROR.THROTTLED],
    ['ThrottlingException', FRAUD_STATE_ERROR.THROTTLED],
    ['RequestLimitExceeded', FRAUD_STATE_ERROR.THROTTLED],
    ['ResourceNotFoundException', FRAUD_STATE_ERROR.UNAVAILABLE],
    ['TimeoutError', FRAUD_STATE_ERROR.UNAVAILABLE],
  ])('a write failing with %s reports %s (transient)', async (name, code) => {
    const { doc } = scriptedDoc([], { putError: named(name) });
    const [result] = await new FraudStateRepository(doc, { table: 't' }).putMany([
      { state: good, expectedRevision: 1 },
    ]);
    expect(result).toMatchObject({ ok: false, error: { code, retryable: true, name: 'FraudStateError' } });
  });

  it('a failed or throttled read throws a FraudStateError', async () => {
    const down = scriptedDoc([], { getError: named('ECONNREFUSED') });
    await expect(new FraudStateRepository(down.doc, { table: 't' }).getMany([A])).rejects.toMatchObject({
      code: FRAUD_STATE_ERROR.UNAVAILABLE,
    });
    const throttled = scriptedDoc([], { unprocessed: true });
    const repo = new FraudStateRepository(throttled.doc, { table: 't', batchGet: fast });
    await expect(repo.getMany([A])).rejects.toMatchObject({
      code: FRAUD_STATE_ERROR.THROTTLED,
      retryable: true,
    });
    // The retry of unprocessed keys stays strongly consistent.
    expect(
      throttled.sent.map((s) => (s as BatchGetCommand['input']).RequestItems?.t?.ConsistentRead),
    ).toEqual([true, true]);
    expect(fraudStateFailure('read', new FraudStateError(FRAUD_STATE_ERROR.CONFLICT, 'x')).code).toBe(
      FRAUD_STATE_ERROR.CONFLICT,
    );
  });

  it('the table name comes from FRAUD_STATE_TABLE_PREFIX (default orion-commerce-)', () => {
    expect(fraudStateTableFromEnv({})).toBe('orion-commerce-fraud-windows');
    expect(fraudStateTableFromEnv({ FRAUD_STATE_TABLE_PREFIX: 'orion-dev-' })).toBe(
      'orion-dev-fraud-windows',
    );
    expect(() => fraudStateTableFromEnv({ FRAUD_STATE_TABLE_PREFIX: 'bad prefix' })).toThrow(
      /FRAUD_STATE_TABLE_PREFIX/,
    );
  });
});
