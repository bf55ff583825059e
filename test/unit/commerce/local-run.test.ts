/**
 * The commerce pipeline's local-run module: the load `npm start -- --pipeline commerce` and
 * `orion generate --pipeline commerce` produce (deterministic, every record's outcome known,
 * valid at the run's clock, ground truth the fraud rules find), the tracking ids of what lands,
 * the detection-quality figures, and the dataset layouts `orion load` reads.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { startHttpApi } from '../../../localstack/http/server.ts';
import { loadLocalRunModule } from '../../../localstack/load/local-run-module.ts';
import { createRng } from '../../../shared/commerce/generator/prng.ts';
import {
  COMMERCE_TOPIC,
  DATASET_ERROR,
  DEFAULT_FRAUD_THRESHOLDS,
  evaluateFraud,
  type FraudAlert,
  fraudAlertId,
  groupByCustomer,
  type PaymentEvent,
  replaySchedule,
  routeEvent,
  sampleKiVendToutJsonl,
  sampleRetailRocketCsv,
  validateEvent,
} from '../../../shared/commerce/index.ts';
import {
  type CommerceLoadRecord,
  commerceLoadSettings,
  createCommerceLoad,
  parseFraudPatterns,
} from '../../../shared/commerce/local/commerce-load.ts';
import { COMMERCE_DATASETS, replayPacer } from '../../../shared/commerce/local/datasets.ts';
import { fraudQuality, fraudQualityLines } from '../../../shared/commerce/local/fraud-quality.ts';
import { landingIdOf, orderLandingId, parseLandingId } from '../../../shared/commerce/local/landing.ts';
import {
  createOrderLoad,
  orderLoadSettings,
  type PlannedOrder,
  planOrders,
} from '../../../shared/commerce/local/order-load.ts';
import { orderQualityLines, ordersAccounting } from '../../../shared/commerce/local/order-quality.ts';
import { createOrderHandler } from '../../../shared/commerce/orders/api/create-order.ts';
import { decideIdempotency, type IdempotencyRecord } from '../../../shared/commerce/orders/idempotency.ts';
import { orderEventId } from '../../../shared/commerce/orders/model/order.ts';
import type { OrderWrite, OrderWriter } from '../../../shared/commerce/orders/order-writer.ts';
import { sampleOrder } from '../../../shared/commerce/orders/sample-orders.ts';
import { validateOrderBody, validateOrderObject } from '../../../shared/commerce/orders/validation.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import type { DatasetLineOutcome, LocalRunDriveContext } from '../../../shared/pipeline/local-run.ts';

const NOW = Date.UTC(2026, 5, 15, 12);
const request = { count: 3000, rate: 1000, invalidRatio: 0.05, seed: 42, options: {} };

function drain(load: ReturnType<typeof createCommerceLoad>): CommerceLoadRecord[] {
  const out: CommerceLoadRecord[] = [];
  for (let chunk = load.next(997); chunk.length > 0; chunk = load.next(997)) out.push(...chunk);
  return out;
}

const valueText = (r: CommerceLoadRecord) =>
  r.value === null ? null : Buffer.isBuffer(r.value) ? r.value.toString('base64') : r.value;

describe('the commerce local-run module', () => {
  it('is the one the definition names, with its options and dataset layouts', async () => {
    const localRun = await loadLocalRunModule(COMMERCE_PIPELINE);
    expect(localRun.labels.record).toBe('event');
    expect(localRun.options?.map((o) => o.flags)).toEqual([
      '--event-rate <n>',
      '--fraud-customers <n>',
      '--fraud-patterns <list>',
      '--customers <n>',
      '--orders <n>',
      '--order-rate <n>',
    ]);
    expect(localRun.datasets?.map((d) => d.name)).toEqual(['jsonl', 'retail-rocket']);
  });
});

describe('the commerce load', () => {
  const load = createCommerceLoad(request, { nowMs: NOW });
  const records = drain(load);

  it('holds exactly `size` records, the Sprint-1 draws plus their chains and the fraud payments', () => {
    expect(records.length).toBe(load.size);
    expect(load.size).toBeGreaterThan(request.count * 1.2);
    expect(load.next(10)).toEqual([]);
    expect(new Set(records.map((r) => r.topic))).toEqual(new Set([COMMERCE_TOPIC.rawEvents]));
    expect(load.description).toMatch(/^\d[\d,]* commerce events \(3,000 Sprint-1 events/);
  });

  it('is deterministic from the seed and the clock, and each seed has its own customers', () => {
    const again = drain(createCommerceLoad(request, { nowMs: NOW }));
    expect(again.map((r) => [r.key, r.expected, valueText(r)])).toEqual(
      records.map((r) => [r.key, r.expected, valueText(r)]),
    );
    const other = drain(createCommerceLoad({ ...request, seed: 43 }, { nowMs: NOW }));
    const keys = new Set(records.map((r) => r.key));
    expect(other.some((r) => keys.has(r.key))).toBe(false);
    expect([...keys].every((k) => typeof k === 'string' && k.startsWith('s16-'))).toBe(true); // 42 in base 36
  });

  it('knows every outcome: the validator at the run clock gives each record exactly its expected outcome', () => {
    const byOutcome: Record<string, number> = {};
    for (const r of records) {
      byOutcome[r.expected] = (byOutcome[r.expected] ?? 0) + 1;
      const value = r.value === null ? null : new Uint8Array(r.value as Buffer);
      const result = validateEvent(value, { nowMs: NOW });
      if (r.expected === 'valid') {
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.event.user_id).toBe(r.key);
          expect(r.landing).toBe(landingIdOf(result.event));
          expect(result.event.timestamp).toBeLessThanOrEqual(NOW);
        }
      } else {
        expect(result).toMatchObject({ ok: false, reason: r.expected });
        expect(r.landing).toBeUndefined();
      }
    }
    expect(Object.values(byOutcome).reduce((a, b) => a + b, 0)).toBe(load.size);
    const invalid = load.size - (byOutcome.valid ?? 0);
    expect(invalid / request.count).toBeGreaterThan(0.03);
    expect(invalid / request.count).toBeLessThan(0.07);
    // The timeline ends at the run's clock: nothing is ahead of it, whatever the speed.
    expect(load.timeline.endMs).toBeLessThanOrEqual(NOW);
    expect(load.timeline.endMs).toBeGreaterThan(NOW - 1000);
  });

  it('tracks every valid record by where it lands: activity row, payments record, or event store (routed order events)', () => {
    load.acknowledged(records, NOW + 5);
    const valid = records.filter((r) => r.expected === 'valid');
    expect(load.expected.size).toBe(valid.length);
    expect(load.duplicatesAmong(load.expected)).toBe(0);
    const kinds: Record<string, number> = {};
    for (const id of load.expected.keys()) {
      const landing = parseLandingId(id);
      const kind =
        landing.kind === 'activity'
          ? 'activity'
          : landing.kind === 'topic'
            ? landing.topic
            : `event-store/${landing.source}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    // Nothing posted yet: the API orders join `expected` when the driver's requests are answered.
    expect(Object.keys(kinds).sort()).toEqual(['activity', 'event-store/routed', 'payments']);
    expect(kinds.activity).toBeGreaterThan(kinds.payments!);
    expect(load.expected.get(valid[0]!.landing!)).toBe(NOW + 5);
  });

  it('injects the requested fraud customers, and the fraud rules find exactly them', () => {
    const settings = commerceLoadSettings(request);
    expect(settings.fraudCustomers).toBe(12);
    expect(load.groundTruth).toHaveLength(12);
    expect(new Set(load.groundTruth.map((t) => t.pattern)).size).toBe(4);
    const payments = records
      .filter((r) => r.expected === 'valid' && r.landing?.startsWith(`${COMMERCE_TOPIC.payments}|`))
      .map((r) => JSON.parse((r.value as Buffer).toString('utf8')) as PaymentEvent);
    const paymentIds = new Set(payments.map((p) => p.event_id));
    for (const truth of load.groundTruth) {
      expect(truth.customerId.startsWith(load.customerIdOf(''))).toBe(true);
      expect(truth.eventIds.every((id) => paymentIds.has(id))).toBe(true);
    }
    // What the fraud stage will do, customer by customer, in event order.
    const alerts: FraudAlert[] = [];
    for (const events of groupByCustomer(payments).values()) {
      alerts.push(...evaluateFraud(undefined, events, DEFAULT_FRAUD_THRESHOLDS, NOW).alerts);
    }
    const quality = fraudQuality({
      groundTruth: load.groundTruth,
      alerts: alerts.map((alert) => ({ alert, atMs: NOW })),
      isRunCustomer: (id) => id.startsWith(load.customerIdOf('')),
      producedAt: (id) => load.expected.get(`payments|${id}`),
    });
    expect(quality).toMatchObject({ injected: 12, detected: 12, falsePositives: 0, foreign: 0 });
  });

  it('checks its options', () => {
    expect(parseFraudPatterns('velocity, amount-outlier')).toEqual(['VELOCITY', 'AMOUNT_OUTLIER']);
    expect(() => parseFraudPatterns('phishing')).toThrow(/unknown fraud pattern "PHISHING"/);
    expect(() => createCommerceLoad({ ...request, options: { eventRate: '-1' } })).toThrow(/--event-rate/);
    expect(() => createCommerceLoad({ ...request, options: { fraudCustomers: '1.5' } })).toThrow(
      /--fraud-customers/,
    );
    expect(() => createCommerceLoad({ ...request, invalidRatio: 2 })).toThrow(/--invalid-ratio/);
    // Event time runs `speed` × faster than the clock: `orion generate --rate 500 --speed 10` draws 500/s of event time.
    expect(commerceLoadSettings({ ...request, rate: 5000, speed: 10 }).eventRate).toBe(500);
    expect(commerceLoadSettings({ ...request, rate: 0 }).eventRate).toBe(100);
    expect(commerceLoadSettings({ ...request, options: { eventRate: '20' } }).eventRate).toBe(20);
    expect(commerceLoadSettings({ ...request, count: 100_000 }).fraudCustomers).toBe(200);
    expect(commerceLoadSettings({ ...request, count: 0 }).fraudCustomers).toBe(0);
    const small = createCommerceLoad(
      { ...request, count: 200, options: { fraudCustomers: '2', fraudPatterns: 'VELOCITY' } },
      { nowMs: NOW },
    );
    expect(small.groundTruth.map((t) => t.pattern)).toEqual(['VELOCITY', 'VELOCITY']);
    expect(drain(small)).toHaveLength(small.size);
  });
});

describe('landing ids', () => {
  it('round-trip the activity partition and key, the payments event id, or the event-store event id', () => {
    const view = {
      event_id: '0b1d6f2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      event_type: 'view',
      timestamp: NOW,
      user_id: 's16-100042',
      item_id: '12',
      category: 'books',
      session_id: 'sess_1',
      device_type: 'mobile',
    } as const;
    expect(parseLandingId(landingIdOf(view))).toEqual({
      kind: 'activity',
      userId: 's16-100042',
      timestampMs: NOW,
      eventId: view.event_id,
    });
    const checkout = { ...view, event_type: 'checkout' } as unknown as Parameters<typeof landingIdOf>[0];
    expect(routeEvent(checkout).topic).toBe('orders');
    // A routed order event lands in the order consumer's event store, not merely on `orders`.
    expect(parseLandingId(landingIdOf(checkout))).toEqual({
      kind: 'event-store',
      source: 'routed',
      eventId: view.event_id,
    });
    const payment = { ...view, event_type: 'payment_attempt' } as unknown as Parameters<
      typeof landingIdOf
    >[0];
    expect(parseLandingId(landingIdOf(payment))).toEqual({
      kind: 'topic',
      topic: 'payments',
      eventId: view.event_id,
    });
    // An order the API accepted lands as its order_created event (the outbox's event id).
    const orderId = '019b7c4a-7000-7abc-8def-0123456789ab';
    expect(parseLandingId(orderLandingId(orderId))).toEqual({
      kind: 'event-store',
      source: 'api',
      orderId,
      eventId: orderEventId(orderId, 1),
    });
    expect(() => parseLandingId('user-events|x')).toThrow(/not a commerce landing id/);
  });
});

describe('detection quality', () => {
  const truth = (customerId: string, pattern: FraudAlert['rule']) => ({
    customerId,
    pattern,
    windowStartMs: 0,
    windowEndMs: 1,
    eventIds: [],
  });
  const alert = (customer: string, rule: FraudAlert['rule'], windowStart = 1000): FraudAlert => ({
    v: 1,
    alert_id: fraudAlertId(customer, rule, windowStart),
    customer_id: customer,
    rule,
    severity: 'high',
    window_start: windowStart,
    window_end: windowStart + 1,
    triggered_at: windowStart,
    triggering_event_id: `${customer}-trigger`,
    evidence: { event_ids: [], count: 1, amounts: [], currency: 'EUR' },
  });

  it('counts detected patterns, other-rule alerts, false positives and foreign customers, once per alert id', () => {
    const q = fraudQuality({
      groundTruth: [
        truth('r-1', 'VELOCITY'),
        truth('r-2', 'AMOUNT_OUTLIER'),
        truth('r-3', 'REPEATED_FAILURES'),
      ],
      alerts: [
        { alert: alert('r-1', 'VELOCITY'), atMs: 1500 },
        { alert: alert('r-1', 'VELOCITY'), atMs: 1600 }, // a second message of the same alert
        { alert: alert('r-2', 'CARD_DEVICE_CHANGE'), atMs: 1700 },
        { alert: alert('r-9', 'VELOCITY'), atMs: 1800 },
        { alert: alert('old-5', 'VELOCITY'), atMs: 1900 },
      ],
      isRunCustomer: (id) => id.startsWith('r-'),
      producedAt: (id) => (id === 'r-1-trigger' ? 1000 : undefined),
    });
    expect(q).toMatchObject({
      injected: 3,
      detected: 1,
      messages: 5,
      alerts: 4,
      onPattern: 1,
      onPatternOtherRule: 1,
      falsePositives: 1,
      falsePositiveCustomers: 1,
      foreign: 1,
      latencyMs: [500],
    });
    expect(q.byRule.VELOCITY).toEqual({ injected: 1, detected: 1 });
    const lines = fraudQualityLines(q).join('\n');
    expect(lines).toContain('patterns injected 3, detected 1 (recall 33.3 %)');
    expect(lines).toContain('1 on clean customers');
    expect(lines).toContain('P50 500 ms');
    expect(lines).not.toMatch(/r-\d/); // no customer id in the report
  });
});

describe('dataset layouts', () => {
  const [jsonl, csv] = COMMERCE_DATASETS;
  const readAll = (text: string, dataset = jsonl!, speed: number | 'max' = 'max') => {
    const reader = dataset.open({ speed });
    return text.split('\n').map((line) => reader.line(line));
  };
  const of = <K extends DatasetLineOutcome['kind']>(outcomes: DatasetLineOutcome[], kind: K) =>
    outcomes.filter((o): o is Extract<DatasetLineOutcome, { kind: K }> => o.kind === kind);

  it('are recognised from the first line, else from the file name', () => {
    expect(jsonl!.detect('dump.txt', '{"event_type":"view"}')).toBe(true);
    expect(csv!.detect('dump.txt', 'timestamp,visitorid,event,itemid,transactionid')).toBe(true);
    expect(jsonl!.detect('events.csv', 'timestamp,visitorid,event,itemid,transactionid')).toBe(false);
    expect(jsonl!.detect('events.jsonl.gz', '')).toBe(true);
    expect(csv!.detect('events.csv.gz', '')).toBe(true);
  });

  it('turn the KiVendTout sample into records keyed by user id on raw-events, bad lines skipped by reason', () => {
    const sample = sampleKiVendToutJsonl({ seed: 5, startMs: NOW - 3_600_000 });
    const outcomes = readAll(sample.text);
    const produced = of(outcomes, 'record');
    expect(
      produced.map((o) => JSON.parse(Buffer.from(o.record.value as Uint8Array).toString('utf8'))),
    ).toEqual(sample.expected);
    for (const o of produced) {
      const event = JSON.parse(Buffer.from(o.record.value as Uint8Array).toString('utf8'));
      expect(o.record).toMatchObject({ topic: 'raw-events', key: event.user_id, sendOffsetMs: 0 });
    }
    const skipped = of(outcomes, 'skipped');
    expect(skipped.map((o) => o.line)).toEqual(sample.badLines);
    expect(new Set(skipped.map((o) => o.reason))).toEqual(
      new Set([
        DATASET_ERROR.NOT_JSON,
        DATASET_ERROR.NOT_OBJECT,
        DATASET_ERROR.UNKNOWN_EVENT_TYPE,
        DATASET_ERROR.MISSING_USER,
        DATASET_ERROR.UNSAFE_JSON,
      ]),
    );
  });

  it('pace the Retail Rocket sample as replaySchedule does at the speed', () => {
    const sample = sampleRetailRocketCsv({ seed: 5, startMs: Date.UTC(2015, 5, 1) });
    const outcomes = readAll(sample.text, csv!, 10);
    const produced = of(outcomes, 'record');
    expect(produced).toHaveLength(sample.expected.length);
    const times = sample.expected.map((e) => e.timestamp as number);
    expect(produced.map((o) => o.record.sendOffsetMs)).toEqual(replaySchedule(times, 10));
    expect(produced.map((o) => o.record.key)).toEqual(sample.expected.map((e) => e.user_id));
    expect(of(outcomes, 'skipped').map((o) => o.line)).toEqual(sample.badLines);
    expect(of(outcomes, 'ignored').length).toBeGreaterThanOrEqual(2); // header, blank lines
  });

  it('stream the schedule exactly as replaySchedule computes it for the whole file', () => {
    const times = [1000, 3000, 2000, 7000, 7000, 100_000, 100_500];
    for (const speed of [1, 2, 10, 'max'] as const) {
      const offsetOf = replayPacer(speed, { maxGapMs: 5000 });
      expect(times.map(offsetOf)).toEqual(replaySchedule(times, speed, { maxGapMs: 5000 }));
    }
    expect(() => replayPacer(0)).toThrow(/speed/);
  });
});

describe('the order load (POST /orders beside the events)', () => {
  const planRequest = { orders: 40, invalidRatio: 0.1, seed: 42, nowMs: NOW, customerPrefix: 's16-' };
  const plan = planOrders(planRequest);
  const text = (body: string | Uint8Array) =>
    typeof body === 'string' ? body : Buffer.from(body).toString('base64');

  it('is deterministic from the seed and the clock, with --invalid-ratio bad requests and some keyed retries', () => {
    expect(plan).toHaveLength(40);
    const again = planOrders(planRequest);
    expect(again.map((o) => [o.kind, o.expected, text(o.body), o.headers, o.retried])).toEqual(
      plan.map((o) => [o.kind, o.expected, text(o.body), o.headers, o.retried]),
    );
    const other = planOrders({ ...planRequest, seed: 43 });
    expect(other.map((o) => text(o.body))).not.toEqual(plan.map((o) => text(o.body)));
    // The idempotency keys hold the run's clock: another run is never answered from this one's records.
    const later = planOrders({ ...planRequest, nowMs: NOW + 1 });
    const keysOf = (p: readonly PlannedOrder[]) =>
      p
        .filter((o) => o.expected === 'accepted')
        .map((o) => o.headers['idempotency-key'])
        .filter(Boolean);
    expect(keysOf(later).some((k) => keysOf(plan).includes(k))).toBe(false);

    const invalid = plan.filter((o) => o.expected !== 'accepted');
    expect(invalid).toHaveLength(4); // 10 % of 40
    expect(new Set(invalid.map((o) => o.kind)).size).toBe(4); // distinct kinds of the catalogue
    const valid = plan.filter((o) => o.expected === 'accepted');
    const keyed = valid.filter((o) => o.headers['idempotency-key'] !== undefined);
    expect(keyed).toHaveLength(18); // half of the 36 valid ones
    expect(plan.filter((o) => o.retried)).toHaveLength(4); // a fifth of the keyed ones
    expect(plan.every((o) => !o.retried || o.headers['idempotency-key'] !== undefined)).toBe(true);
    // At least one retry even for a tiny load.
    expect(planOrders({ ...planRequest, orders: 3, invalidRatio: 0 }).filter((o) => o.retried)).toHaveLength(
      1,
    );
    expect(planOrders({ ...planRequest, orders: 0 })).toEqual([]);
  });

  it('draws valid orders the validator accepts, for the run customers, in several currencies', () => {
    const currencies = new Set<string>();
    for (const order of plan.filter((o) => o.expected === 'accepted')) {
      const result = validateOrderBody(Buffer.from(order.body as string));
      expect(result.ok, order.body as string).toBe(true);
      if (result.ok) {
        expect(result.request.customer_info.customer_id.startsWith('s16-c-')).toBe(true);
        currencies.add(result.request.currency);
      }
    }
    expect(currencies.size).toBeGreaterThanOrEqual(3);
    const rng = createRng(9);
    for (let i = 0; i < 300; i++) expect(validateOrderObject(sampleOrder(rng)).ok).toBe(true);
  });

  it('checks its options', () => {
    expect(orderLoadSettings({})).toEqual({ orders: 50, orderRate: 3 });
    expect(orderLoadSettings({ orders: '0', orderRate: '2.5' })).toEqual({ orders: 0, orderRate: 2.5 });
    expect(() => orderLoadSettings({ orders: '-1' })).toThrow(/--orders/);
    expect(() => orderLoadSettings({ orderRate: '0' })).toThrow(/--order-rate/);
    const none = createCommerceLoad({ ...request, options: { orders: '0' } }, { nowMs: NOW });
    expect(none.orders).toBeUndefined();
    expect(none.drive).toBeUndefined();
    const some = createCommerceLoad(
      { ...request, options: { orders: '40', orderRate: '20' } },
      { nowMs: NOW },
    );
    expect(some.orders?.plan).toHaveLength(40);
    expect(some.description).toMatch(/40 orders via POST \/orders at 20\/s \(2 invalid/);
  });

  /** The real handler behind the local HTTP server, its store in memory with the transaction's conditions. */
  async function orderApi(throttle?: { rateLimit: number; burstLimit: number }) {
    const records = new Map<string, IdempotencyRecord>();
    const committed: OrderWrite[] = [];
    const writer: OrderWriter = {
      async write(write) {
        const key = write.idempotency?.idempotency_key;
        const existing = key ? records.get(key) : undefined;
        if (existing && decideIdempotency(existing, '', write.nowMs) !== 'expired') {
          return { kind: 'duplicate-key', record: existing };
        }
        if (key && write.idempotency) records.set(key, write.idempotency);
        committed.push(write);
        return { kind: 'written' };
      },
    };
    const handler = createOrderHandler({ writer, logger: new Logger({ logLevel: 'SILENT' }) });
    const api = await startHttpApi({
      routes: { 'POST /orders': (event) => handler(event) },
      ...(throttle ? { throttle } : {}),
    });
    return { api, committed, url: api.url };
  }

  const driveContext = (url: string, signal = new AbortController().signal): LocalRunDriveContext => ({
    pipeline: COMMERCE_PIPELINE,
    brokers: [],
    env: {},
    log: () => {},
    httpApis: { 'orders-api': url },
    signal,
  });

  it('posts the plan: every bad request refused with its reason, each retry replayed and counted once, the accepted orders tracked', async () => {
    const { api, committed, url } = await orderApi();
    try {
      const expected = new Map<string, number>();
      const orders = createOrderLoad({ orders: 40, orderRate: 1000 }, plan, expected);
      const before = Date.now();
      const result = await orders.drive(driveContext(url));
      const { tally } = orders;
      expect(tally.unexpectedSamples).toEqual([]);
      expect(tally).toMatchObject({
        planned: 40,
        posted: 40,
        requests: 44, // 40 orders + 4 second POSTs
        accepted: 36,
        rejected: 4,
        retried: 4,
        replayed: 4,
        retryCreatedOrder: 0,
        throttled: 0,
        unanswered: {},
        unexpected: 0,
      });
      const planned: Record<string, number> = {};
      for (const o of plan.filter((p) => p.expected !== 'accepted'))
        planned[o.expected] = (planned[o.expected] ?? 0) + 1;
      expect(tally.rejectedByReason).toEqual(planned);
      // A retried POST created no second order.
      expect(committed).toHaveLength(36);
      expect(result).toEqual({
        sent: 44,
        entered: 36,
        byOutcome: { accepted: 36, replayed: 4, rejected: 4 },
      });
      // Each accepted order is tracked by its id, from its answer time.
      expect(expected.size).toBe(36);
      for (const [id, at] of expected) {
        const landing = parseLandingId(id);
        expect(landing).toMatchObject({ kind: 'event-store', source: 'api' });
        expect(committed.some((w) => w.order.order_id === (landing as { orderId: string }).orderId)).toBe(
          true,
        );
        expect(at).toBeGreaterThanOrEqual(before);
      }
    } finally {
      await api.close();
    }
  });

  it('sends a throttled (429) order again after a pause, and stops once the run aborts', async () => {
    const throttled = await orderApi({ rateLimit: 20, burstLimit: 4 });
    try {
      const valid = plan.filter((o) => o.expected === 'accepted' && !o.retried).slice(0, 10);
      const orders = createOrderLoad(
        { orders: 10, orderRate: 1000 },
        valid.map((o, index) => ({ ...o, index })),
        new Map(),
      );
      const result = await orders.drive(driveContext(throttled.url));
      expect(orders.tally.throttled).toBeGreaterThan(0);
      expect(orders.tally).toMatchObject({ posted: 10, accepted: 10, unanswered: {} });
      expect(result.sent).toBe(10 + orders.tally.throttled);
      expect(throttled.committed).toHaveLength(10);
    } finally {
      await throttled.api.close();
    }
    const { api, url } = await orderApi();
    try {
      const abort = new AbortController();
      const orders = createOrderLoad({ orders: 40, orderRate: 20 }, plan, new Map());
      setTimeout(() => abort.abort(), 300);
      await orders.drive(driveContext(url, abort.signal));
      expect(orders.tally.posted).toBeGreaterThan(0);
      expect(orders.tally.posted).toBeLessThan(20);
    } finally {
      await api.close();
    }
    // No ORDER API running: a fault of the run's setup, not an answer.
    const orders = createOrderLoad({ orders: 1, orderRate: 10 }, plan.slice(0, 1), new Map());
    await expect(orders.drive({ ...driveContext(''), httpApis: {} })).rejects.toThrow(
      /orders-api HTTP API is not running/,
    );
  });

  it('reports the orders accounting: posted = stored + rejected + dead letters, and the latency to the event store', () => {
    const tally = {
      planned: 40,
      posted: 40,
      requests: 44,
      accepted: 36,
      rejected: 4,
      rejectedByReason: { MISSING_FIELD: 2, TOTAL_MISMATCH: 1, INVALID_IDEMPOTENCY_KEY: 1 },
      retried: 4,
      replayed: 4,
      retryCreatedOrder: 0,
      retryOther: {},
      throttled: 0,
      unanswered: {},
      unexpected: 0,
      unexpectedSamples: [],
      accepted202: new Map(),
    };
    const followUp = {
      stored: 35,
      consumerRejected: 0,
      deadLettered: 1,
      missing: 0,
      latencyMs: [120, 80, 400, 95],
    };
    expect(ordersAccounting(tally, followUp)).toEqual({
      posted: 40,
      stored: 35,
      rejected: 4,
      deadLettered: 1,
      holds: true,
    });
    const lines = orderQualityLines(tally, followUp).join('\n');
    expect(lines).toContain('posted 40 of 40 orders in 44 requests: accepted 202 36, rejected 4xx 4');
    expect(lines).toContain('4 sent, 4 replayed');
    expect(lines).toContain(
      'rejected 4xx by reason: MISSING_FIELD 2, INVALID_IDEMPOTENCY_KEY 1, TOTAL_MISMATCH 1',
    );
    expect(lines).toContain(
      'stored 35 (order_created in the event store, by event id), consumer rejects 0, orders-dlq 1',
    );
    expect(lines).toContain('P50 95 ms, P99 400 ms, max 400 ms');
    expect(lines).toContain(
      'accounting: posted 40 = stored 35 + rejected 4 (4xx 4 + consumer 0) + dlq 1 → OK',
    );
    // A lost order, an unanswered one, or a retry that made a second order: the accounting says so.
    expect(ordersAccounting(tally, { ...followUp, stored: 34, missing: 1 }).holds).toBe(false);
    expect(ordersAccounting({ ...tally, unanswered: { 'HTTP 500': 1 } }, followUp).holds).toBe(false);
    expect(ordersAccounting({ ...tally, retryCreatedOrder: 1 }, { ...followUp, stored: 36 }).holds).toBe(
      false,
    );
    expect(orderQualityLines(tally, { ...followUp, stored: 34, missing: 1 }).join('\n')).toMatch(
      /MISSING 1[\s\S]*MISMATCH/,
    );
  });
});
