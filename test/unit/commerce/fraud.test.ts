import { describe, expect, it } from 'vitest';
import {
  alertRecord,
  type CustomerWindowState,
  CustomerWindowStateSchema,
  DEFAULT_FRAUD_THRESHOLDS,
  deterministicUuid,
  evaluateFraud,
  FRAUD_RULES,
  type FraudAlert,
  FraudAlertSchema,
  type FraudRule,
  fraudAlertId,
  fraudThresholds,
  generateCommerceRun,
  groupByCustomer,
  isPaymentEventType,
  type PaymentEvent,
} from '../../../shared/commerce/index.ts';

const T0 = Date.UTC(2026, 0, 15, 10);
const MIN = 60_000;
const NOW = T0 + 24 * 60 * MIN;
const D = DEFAULT_FRAUD_THRESHOLDS;

let n = 0;
interface PaymentOptions {
  readonly customer?: string;
  readonly amount?: number;
  readonly currency?: 'EUR' | 'MAD';
  readonly card?: string;
  readonly device?: string;
}
/** A payment event of `kind` at T0 + `minutes`. */
function pay(kind: 'attempt' | 'success' | 'failure', minutes: number, o: PaymentOptions = {}): PaymentEvent {
  n++;
  const common = {
    event_id: deterministicUuid('test', n),
    timestamp: T0 + Math.round(minutes * MIN),
    user_id: o.customer ?? '100001',
    order_id: `ord_${n}`,
    payment_id: `pay_${n}`,
    amount: o.amount ?? 50,
    currency: o.currency ?? 'EUR',
    method: 'card' as const,
    device_id: o.device ?? 'dev_1',
    card_fingerprint: o.card ?? 'card_00000001',
  };
  if (kind === 'attempt') return { ...common, event_type: 'payment_attempt' };
  if (kind === 'success') return { ...common, event_type: 'payment_success' };
  return { ...common, event_type: 'payment_failure', failure_reason: 'card_declined' };
}

const run = (events: PaymentEvent[], state?: CustomerWindowState) => evaluateFraud(state, events, D, NOW);
const rules = (alerts: readonly FraudAlert[]) => alerts.map((a) => a.rule);

describe('fraud rules', () => {
  it.each([
    ['4 attempts in 4 min', [0, 1, 2, 3], []],
    ['5 attempts in 4 min', [0, 1, 2, 3, 4], ['VELOCITY']],
    ['7 attempts in 3 min: still one alert', [0, 0.5, 1, 1.5, 2, 2.5, 3], ['VELOCITY']],
    ['5 attempts spread over 10 min', [0, 2.5, 5, 7.5, 10], []],
    ['two bursts 20 min apart: two windows', [0, 1, 2, 3, 4, 20, 21, 22, 23, 24], ['VELOCITY', 'VELOCITY']],
  ] as const)('VELOCITY: %s', (_name, minutes, expected) => {
    const { alerts } = run(minutes.map((m) => pay('attempt', m)));
    expect(rules(alerts)).toEqual(expected);
  });

  it.each([
    ['2 failures', [0, 3], []],
    ['3 failures in 10 min', [0, 5, 10], ['REPEATED_FAILURES']],
    ['4 failures in 12 min', [0, 4, 8, 12], ['REPEATED_FAILURES']],
    ['3 failures over 20 min', [0, 10, 20], []],
  ] as const)('REPEATED_FAILURES: %s', (_name, minutes, expected) => {
    const { alerts } = run(minutes.map((m) => pay('failure', m)));
    expect(rules(alerts)).toEqual(expected);
  });

  const history = (amounts: number[], currency: 'EUR' | 'MAD' = 'EUR') =>
    amounts.map((amount, i) => pay('success', i * 10, { amount, currency }));
  it.each([
    ['300 after 40/50/60 (> 5 × 50)', history([40, 50, 60]), 300, 'EUR', ['AMOUNT_OUTLIER']],
    ['240 after 40/50/60 (< 5 × 50)', history([40, 50, 60]), 240, 'EUR', []],
    ['1000 after only two successes', history([40, 50]), 1000, 'EUR', []],
    ['300 MAD after EUR history', history([40, 50, 60]), 300, 'MAD', []],
    ['median resists one earlier outlier', history([50, 50, 900, 50]), 400, 'EUR', ['AMOUNT_OUTLIER']],
  ] as const)('AMOUNT_OUTLIER: %s', (_name, past, amount, currency, expected) => {
    const { alerts } = run([...past, pay('attempt', 60, { amount, currency })]);
    expect(rules(alerts)).toEqual(expected);
  });

  it.each([
    ['one card, one device', [{}, {}, {}], []],
    [
      'three cards',
      [{ card: 'card_aaaaaaaa' }, { card: 'card_bbbbbbbb' }, { card: 'card_cccccccc' }],
      ['CARD_DEVICE_CHANGE'],
    ],
    [
      'three devices',
      [{ device: 'dev_a' }, { device: 'dev_b' }, { device: 'dev_c' }],
      ['CARD_DEVICE_CHANGE'],
    ],
    [
      'two cards and two devices',
      [{ card: 'card_aaaaaaaa', device: 'dev_a' }, {}, { card: 'card_aaaaaaaa', device: 'dev_a' }],
      [],
    ],
  ] as const)('CARD_DEVICE_CHANGE: %s', (_name, variants, expected) => {
    const { alerts } = run(variants.map((v, i) => pay('attempt', i * 10, v)));
    expect(rules(alerts)).toEqual(expected);
  });

  it('alerts carry a deterministic id, their window and the evidence', () => {
    const events = [0, 1, 2, 3, 4].map((m) => pay('attempt', m, { amount: 3 + m }));
    const [alert] = run(events).alerts;
    expect(FraudAlertSchema.parse(alert)).toEqual(alert);
    expect(alert).toMatchObject({
      alert_id: fraudAlertId('100001', 'VELOCITY', T0),
      customer_id: '100001',
      rule: 'VELOCITY',
      severity: 'high',
      window_start: T0,
      window_end: T0 + D.velocityWindowMs,
      triggered_at: T0 + 4 * MIN,
      triggering_event_id: events[4]!.event_id,
      evidence: {
        event_ids: events.map((e) => e.event_id),
        count: 5,
        amounts: [3, 4, 5, 6, 7],
        currency: 'EUR',
      },
    });
    expect(alertRecord(alert!)).toMatchObject({ topic: 'fraud-alerts', key: '100001' });
    const outlier = run([...history([40, 50, 60]), pay('attempt', 60, { amount: 300 })]).alerts[0]!;
    expect(outlier.evidence).toMatchObject({ count: 1, amounts: [300], median_amount: 50, history_count: 3 });
    const failures = run([0, 1, 2].map((m) => pay('failure', m))).alerts[0]!;
    expect(failures.evidence.failure_reasons).toEqual(['card_declined', 'card_declined', 'card_declined']);
  });

  it('caps the evidence at maxEvidenceEvents but counts everything', () => {
    const events = Array.from({ length: 30 }, (_, i) => pay('attempt', i * 0.1));
    const { alerts } = evaluateFraud(
      undefined,
      events,
      fraudThresholds({ velocityMinAttempts: 25, maxEvidenceEvents: 10 }),
      NOW,
    );
    expect(alerts[0]!.evidence.count).toBe(25);
    expect(alerts[0]!.evidence.event_ids).toHaveLength(10);
  });
});

describe('fraud window state', () => {
  const burst = () => [
    ...[0, 1, 2, 3, 4].map((m) => pay('attempt', m)),
    ...[5, 6, 7].map((m) => pay('failure', m)),
  ];

  it('is idempotent: the same batch twice gives no second alert and the same state', () => {
    const events = burst();
    const first = run(events);
    expect(rules(first.alerts)).toEqual(['VELOCITY', 'REPEATED_FAILURES']);
    const again = run(events, first.state);
    expect(again).toMatchObject({ alerts: [], accepted: 0, duplicates: events.length, changed: false });
    expect(again.state).toEqual(first.state);
    const retried = run(events); // a retry from the state before the batch
    expect(retried.alerts).toEqual(first.alerts);
  });

  it('is idempotent under redelivery of a partly processed batch and duplicates inside a batch', () => {
    const events = burst();
    const once = run(events);
    const part = run(events.slice(0, 3));
    const rest = run([...events, ...events.slice(2, 6)], part.state);
    expect([...part.alerts, ...rest.alerts]).toEqual(once.alerts);
    expect(rest.duplicates).toBe(3 + 4);
    expect(rest.state.recent).toEqual(once.state.recent);
  });

  it('survives a JSON round trip (DynamoDB item) and parses with its schema', () => {
    const { state } = run([...burst(), pay('success', 9)]);
    const stored = JSON.parse(JSON.stringify(state));
    expect(CustomerWindowStateSchema.parse(stored)).toEqual(state);
    const continued = run([pay('attempt', 9.5)], stored);
    expect(continued.state.revision).toBe(state.revision + 1);
  });

  it('sets expiresAt in epoch seconds from the later of now and the last event', () => {
    const { state } = run([pay('attempt', 0)]);
    expect(state.expiresAt).toBe(Math.ceil((NOW + D.stateTtlMs) / 1000));
    const future = evaluateFraud(undefined, [pay('attempt', 0)], D, T0 - 3_600_000);
    expect(future.state.expiresAt).toBe(Math.ceil((T0 + D.stateTtlMs) / 1000));
  });

  it('stays small: events beyond the longest window are pruned, the count is capped, late events skipped', () => {
    const events = Array.from({ length: 500 }, (_, i) => pay(i % 2 ? 'success' : 'attempt', i * 2));
    const { state } = evaluateFraud(undefined, events, D, NOW);
    const horizon = Math.max(D.velocityWindowMs, D.failuresWindowMs, D.cardDeviceWindowMs, D.amountWindowMs);
    expect(state.recent.every((r) => r.t >= state.watermarkMs - horizon)).toBe(true);
    expect(state.recent.length).toBeLessThanOrEqual(31);
    expect(state.successes).toHaveLength(D.amountHistorySize);
    expect(JSON.stringify(state).length).toBeLessThan(20_000);
    const capped = evaluateFraud(
      undefined,
      events.map((e) => ({ ...e, timestamp: T0 })),
      fraudThresholds({ maxRecentEvents: 50 }),
      NOW,
    );
    expect(capped.state.recent).toHaveLength(50);
    const late = run([pay('attempt', 0)], state);
    expect(late).toMatchObject({ late: 1, accepted: 0, alerts: [] });
  });

  it('refuses to mix customers and needs someone to be about', () => {
    expect(() => run([pay('attempt', 0), pay('attempt', 1, { customer: '100002' })])).toThrow(
      /another customer/,
    );
    expect(() => evaluateFraud(undefined, [], D, NOW)).toThrow(/state or at least one event/);
    const { state } = run([pay('attempt', 0)]);
    expect(run([], state)).toMatchObject({ alerts: [], changed: false });
  });

  it('groupByCustomer keeps each customer’s order', () => {
    const a1 = pay('attempt', 0, { customer: 'a' });
    const b1 = pay('attempt', 1, { customer: 'b' });
    const a2 = pay('success', 2, { customer: 'a' });
    expect([...groupByCustomer([a1, b1, a2])]).toEqual([
      ['a', [a1, a2]],
      ['b', [b1]],
    ]);
  });
});

/** Runs the fraud rules as the stage would: batches of `batchSize` payments, state per customer. */
function detect(
  payments: readonly PaymentEvent[],
  batchSize: number,
  states = new Map<string, CustomerWindowState>(),
  thresholds = D,
) {
  const alerts: FraudAlert[] = [];
  for (let i = 0; i < payments.length; i += batchSize) {
    for (const [customer, events] of groupByCustomer(payments.slice(i, i + batchSize))) {
      const result = evaluateFraud(states.get(customer), events, thresholds, NOW);
      states.set(customer, result.state);
      alerts.push(...result.alerts);
    }
  }
  return { alerts, states };
}

describe('fraud detection on a generated run', () => {
  it.each([
    ['default thresholds', D, 20_000],
    [
      'windows shrunk to test scale',
      fraudThresholds({
        velocityWindowMs: 60_000,
        failuresWindowMs: 180_000,
        cardDeviceWindowMs: 600_000,
        amountWindowMs: 600_000,
      }),
      5_000,
    ],
  ] as const)(
    '%s: one alert per injected pattern, none on clean customers, none more on redelivery',
    (_name, thresholds, count) => {
      const generated = generateCommerceRun({
        seed: 7,
        startMs: T0,
        count,
        invalidRatio: 0.05,
        fraudCustomers: 16,
        thresholds,
      });
      const payments = generated.records.flatMap((r) =>
        r.event && isPaymentEventType(r.event.event_type) ? [r.event as PaymentEvent] : [],
      );
      const { alerts, states } = detect(payments, 100, new Map(), thresholds);

      const truth = generated.groundTruth;
      expect(truth).toHaveLength(16);
      expect(new Set(truth.map((g) => g.pattern))).toEqual(new Set<FraudRule>(FRAUD_RULES));
      expect(alerts).toHaveLength(truth.length);
      for (const g of truth) {
        const mine = alerts.filter((a) => a.customer_id === g.customerId);
        expect(
          mine.map((a) => a.rule),
          g.customerId,
        ).toEqual([g.pattern]);
        expect(mine[0]!.window_start).toBeGreaterThanOrEqual(g.windowStartMs);
        expect(mine[0]!.window_start).toBeLessThanOrEqual(g.windowEndMs);
        expect(mine[0]!.evidence.event_ids.every((id) => g.eventIds.includes(id))).toBe(true);
      }
      const fraudsters = new Set(truth.map((g) => g.customerId));
      expect(alerts.filter((a) => !fraudsters.has(a.customer_id))).toEqual([]);
      expect(new Set(alerts.map((a) => a.alert_id)).size).toBe(alerts.length);

      // The whole stream redelivered (other batch boundaries): no new alert.
      expect(detect(payments, 37, states, thresholds).alerts).toEqual([]);
      // A run from scratch with other batch boundaries finds the same alerts, same ids.
      const ids = (list: FraudAlert[]) => list.map((a) => a.alert_id).sort();
      expect(ids(detect(payments, 1000, new Map(), thresholds).alerts)).toEqual(ids(alerts));
    },
  );
});
