import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CommerceGenerator,
  createRng,
  DEFECT_KINDS,
  DEFECTS,
  defectApplies,
  EVENT_TYPES,
  type GeneratedRecord,
  generateCommerceRun,
  isPaymentEventType,
  SPRINT1_EVENT_WEIGHTS,
  USER_EVENT_TYPES,
  validateEvent,
} from '../../../shared/commerce/index.ts';

const START = Date.UTC(2026, 0, 15, 9);
const BASE = { seed: 42, startMs: START } as const;

function digest(records: readonly GeneratedRecord[]): string {
  const hash = createHash('sha256');
  for (const r of records) {
    hash.update(r.key);
    hash.update(r.value ?? new Uint8Array([0xff]));
    hash.update(String(r.sendOffsetMs));
  }
  return hash.digest('hex');
}

describe('prng', () => {
  it('is deterministic per seed and uniform enough', () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    expect(createRng(8).next()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(a.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.hex(13)).toMatch(/^[0-9a-f]{13}$/);
  });
});

describe('generator: a 20,000-event run', () => {
  const run = generateCommerceRun({ ...BASE, count: 20_000 });
  const primaries = run.records.filter((r) => r.origin === 'primary');

  it('draws exactly `count` Sprint-1 events with the seed’s weights (±1 point)', () => {
    expect(primaries).toHaveLength(20_000);
    for (const type of USER_EVENT_TYPES) {
      const share = primaries.filter((r) => r.eventType === type).length / primaries.length;
      expect(Math.abs(share - SPRINT1_EVENT_WEIGHTS[type]), type).toBeLessThan(0.01);
    }
  });

  it('emits only valid events of every type, in time order, each customer strictly increasing', () => {
    const seen = new Set(run.records.map((r) => r.eventType));
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
    const last = new Map<string, number>();
    let previous = Number.NEGATIVE_INFINITY;
    const problems: string[] = [];
    for (const r of run.records) {
      const result = validateEvent(r.value, { nowMs: run.summary.lastTimestampMs });
      if (!result.ok || r.expected !== 'valid') problems.push(`invalid ${r.eventType}`);
      if (r.key !== r.event?.user_id || r.timestampMs !== r.event.timestamp)
        problems.push('key/time mismatch');
      if (r.timestampMs < previous) problems.push('out of time order');
      if (r.timestampMs <= (last.get(r.key) ?? Number.NEGATIVE_INFINITY))
        problems.push(`customer ${r.key} not increasing`);
      previous = r.timestampMs;
      last.set(r.key, r.timestampMs);
    }
    expect(problems).toEqual([]);
  });

  it('derives checkout → attempt → success|failure → order_completed for every transaction', () => {
    const byOrder = new Map<string, GeneratedRecord[]>();
    for (const r of run.records) {
      const orderId = (r.event as { order_id?: string }).order_id;
      if (orderId !== undefined) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), r]);
    }
    const transactions = run.records.filter((r) => r.eventType === 'transaction');
    expect(transactions.length).toBe(byOrder.size);
    let failures = 0;
    for (const [orderId, chain] of byOrder) {
      const types = chain.map((r) => r.eventType);
      const failed = types.includes('payment_failure');
      if (failed) failures++;
      expect(types, orderId).toEqual(
        failed
          ? ['transaction', 'checkout', 'payment_attempt', 'payment_failure']
          : ['transaction', 'checkout', 'payment_attempt', 'payment_success', 'order_completed'],
      );
      const [tx, checkout, attempt, outcome] = chain.map((r) => r.event as Record<string, unknown>);
      expect(chain.every((r) => r.key === tx!.user_id)).toBe(true);
      expect(checkout!.amount).toBeCloseTo((tx!.price as number) * (tx!.quantity as number), 6);
      for (const e of chain.slice(1).map((r) => r.event as Record<string, unknown>)) {
        expect(e.amount).toBe(checkout!.amount);
        expect(e.currency).toBe(tx!.currency);
      }
      expect(outcome!.payment_id).toBe(attempt!.payment_id);
      expect(outcome!.card_fingerprint).toBe(attempt!.card_fingerprint);
      expect(chain[0]!.origin).toBe('primary');
      expect(chain.slice(1).every((r) => r.origin === 'derived')).toBe(true);
    }
    const rate = failures / byOrder.size;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.09);
  });

  it('keeps a customer’s session for 30 minutes of inactivity, then starts another', () => {
    // A slow shop: 30 customers, one event every 50 s, so gaps of over 30 minutes happen.
    const slow = generateCommerceRun({ ...BASE, count: 600, ratePerSecond: 0.02, customers: 30 });
    const lastSeen = new Map<string, { session: string; at: number }>();
    let kept = 0;
    let renewed = 0;
    for (const r of slow.records) {
      const session = (r.event as { session_id?: string }).session_id;
      if (session === undefined) continue;
      const previous = lastSeen.get(r.key);
      if (previous !== undefined) {
        if (r.timestampMs - previous.at <= 30 * 60_000) {
          expect(session).toBe(previous.session);
          kept++;
        } else {
          expect(session).not.toBe(previous.session);
          renewed++;
        }
      }
      lastSeen.set(r.key, { session, at: r.timestampMs });
    }
    expect(kept).toBeGreaterThan(100);
    expect(renewed).toBeGreaterThan(20);
    const categories = new Set(
      run.records.flatMap((r) => (r.event?.event_type === 'view' ? [r.event.category] : [])),
    );
    expect(categories.size).toBe(8);
  });

  it('summarises what it emitted', () => {
    expect(run.summary.records).toBe(run.records.length);
    expect(run.summary.byOrigin.primary).toBe(20_000);
    expect(run.summary.byOrigin.derived).toBe(run.records.length - 20_000);
    expect(run.summary.validByType.payment_attempt).toBe(run.summary.validByType.transaction);
  });
});

describe('generator: determinism and pacing', () => {
  it('gives the same bytes for the same seed and options, other bytes for another seed', () => {
    const a = generateCommerceRun({ ...BASE, count: 3000, invalidRatio: 0.1, fraudCustomers: 4 });
    const b = generateCommerceRun({ ...BASE, count: 3000, invalidRatio: 0.1, fraudCustomers: 4 });
    const c = generateCommerceRun({ ...BASE, seed: 43, count: 3000, invalidRatio: 0.1, fraudCustomers: 4 });
    expect(digest(a.records)).toBe(digest(b.records));
    expect(a.groundTruth).toEqual(b.groundTruth);
    expect(digest(c.records)).not.toBe(digest(a.records));
  });

  it('shifts every timestamp by the same amount when startMs moves', () => {
    const a = generateCommerceRun({ ...BASE, count: 2000, fraudCustomers: 4 }).records;
    const b = generateCommerceRun({
      ...BASE,
      startMs: START - 3_600_000,
      count: 2000,
      fraudCustomers: 4,
    }).records;
    expect(b.map((r) => r.timestampMs + 3_600_000)).toEqual(a.map((r) => r.timestampMs));
    expect(b.map((r) => r.key)).toEqual(a.map((r) => r.key));
  });

  it.each([1, 10, 100] as const)('at speed %i sends each record at (timestamp − start) / speed', (speed) => {
    const records = generateCommerceRun({ ...BASE, count: 1000, speed, ratePerSecond: 50 }).records;
    for (const r of records) expect(r.sendOffsetMs).toBeCloseTo((r.timestampMs - START) / speed, 6);
    const last = records[records.length - 1]!;
    expect(last.sendOffsetMs).toBeGreaterThan(15_000 / speed); // 1000 events at 50/s ≈ 20 s of event time
  });

  it("at speed 'max' sends everything at once, and the speed changes nothing else", () => {
    const max = generateCommerceRun({ ...BASE, count: 500, speed: 'max' }).records;
    const one = generateCommerceRun({ ...BASE, count: 500, speed: 1 }).records;
    expect(max.every((r) => r.sendOffsetMs === 0)).toBe(true);
    expect(digest(max.map((r) => ({ ...r, sendOffsetMs: 0 })))).toBe(
      digest(one.map((r) => ({ ...r, sendOffsetMs: 0 }))),
    );
  });

  it('streams: next() and iteration give the same records as a full run', () => {
    const generator = new CommerceGenerator({ ...BASE, count: 300 });
    const first = generator.next()!;
    const rest = [...generator];
    expect(digest([first, ...rest])).toBe(digest(generateCommerceRun({ ...BASE, count: 300 }).records));
    expect(generator.next()).toBeUndefined();
  });

  it('refuses options out of range', () => {
    expect(() => new CommerceGenerator({ ...BASE, count: -1 })).toThrow(/count/);
    expect(() => new CommerceGenerator({ ...BASE, count: 1, invalidRatio: 2 })).toThrow(/invalidRatio/);
    expect(() => new CommerceGenerator({ ...BASE, count: 1, speed: 0 })).toThrow(/speed/);
    expect(() => new CommerceGenerator({ ...BASE, count: 1, customers: 2, fraudCustomers: 2 })).toThrow(
      /customers/,
    );
  });
});

describe('generator: typed defects', () => {
  const run = generateCommerceRun({ ...BASE, count: 20_000, invalidRatio: 0.1, fraudCustomers: 8 });
  const invalid = run.records.filter((r) => r.expected !== 'valid');

  it('turns about invalidRatio of the Sprint-1 events into defects, and nothing else', () => {
    const primaries = run.records.filter((r) => r.origin === 'primary');
    expect(invalid.length / primaries.length).toBeGreaterThan(0.09);
    expect(invalid.length / primaries.length).toBeLessThan(0.11);
    expect(
      invalid.every((r) => r.origin === 'primary' && r.event === undefined && r.defect !== undefined),
    ).toBe(true);
  });

  it('produces every defect kind, each rejected with exactly its reason', () => {
    expect(new Set(invalid.map((r) => r.defect))).toEqual(new Set(DEFECT_KINDS));
    const nowMs = run.summary.lastTimestampMs;
    const wrong: string[] = [];
    for (const r of run.records) {
      const result = validateEvent(r.value, { nowMs });
      const got = result.ok ? 'valid' : result.reason;
      if (got !== r.expected) wrong.push(`${r.defect ?? r.eventType}: ${got} ≠ ${r.expected}`);
      if (r.defect !== undefined && r.expected !== DEFECTS[r.defect]) wrong.push(`${r.defect} mislabelled`);
    }
    expect(wrong).toEqual([]);
  });

  it('applies a defect only to types it fits, and can be limited to chosen kinds', () => {
    for (const r of invalid) expect(defectApplies(r.defect!, r.eventType)).toBe(true);
    const only = generateCommerceRun({
      ...BASE,
      count: 2000,
      invalidRatio: 0.2,
      defects: ['proto_key', 'null_value'],
    });
    const reasons = new Set(only.records.filter((r) => r.expected !== 'valid').map((r) => r.expected));
    expect(reasons).toEqual(new Set(['FORBIDDEN_KEY', 'EMPTY_VALUE']));
    expect(only.records.find((r) => r.defect === 'null_value')!.value).toBeNull();
  });

  it('derives no payment chain from a defective transaction', () => {
    const orders = new Set(
      run.records.flatMap((r) => (r.event?.event_type === 'checkout' ? [r.event.order_id] : [])),
    );
    const validTransactions = run.records.filter((r) => r.event?.event_type === 'transaction');
    expect(orders.size).toBe(validTransactions.length);
    expect(
      run.records.filter((r) => isPaymentEventType(r.eventType)).every((r) => r.expected === 'valid'),
    ).toBe(true);
  });
});
