import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../../shared/cdr/countries.ts';
import {
  CdrGenerator,
  createRandom,
  DEFAULT_INVALID_SHARES,
  generateCdrs,
  REJECT_REASON,
  referenceCells,
  referenceSubscribers,
} from '../../../shared/cdr/index.ts';
import { rawTopicOf } from '../../../shared/cdr/pipeline.ts';
import { NOW } from './records.ts';

describe('PRNG', () => {
  it('is deterministic and roughly uniform', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const draws = Array.from({ length: 10_000 }, () => a.next());
    expect(draws).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(createRandom(43).next()).not.toBe(createRandom(42).next());
  });
});

describe('CDR generator', () => {
  it('is deterministic from its seed', () => {
    const options = { seed: 7, nowMs: NOW, invalidShares: DEFAULT_INVALID_SHARES };
    const a = generateCdrs(options, 2000);
    const b = generateCdrs(options, 2000);
    expect(a.map((r) => [r.topic, r.key, r.value.toString('base64'), r.expected])).toEqual(
      b.map((r) => [r.topic, r.key, r.value.toString('base64'), r.expected]),
    );
    const c = generateCdrs({ ...options, seed: 8 }, 2000);
    expect(c.map((r) => r.value.toString('base64'))).not.toEqual(a.map((r) => r.value.toString('base64')));
  });

  it('produces every country on its raw topic, keyed by IMSI', () => {
    const records = generateCdrs({ seed: 1, nowMs: NOW }, 3000);
    for (const country of COUNTRY_CODES) expect(records.some((r) => r.country === country)).toBe(true);
    for (const r of records) {
      expect(r.topic).toBe(rawTopicOf(r.country));
      expect(r.key).toMatch(/^\d{15}$/);
      expect(r.expected).toBe('valid');
    }
  });

  it('respects the configured share of each invalid kind', () => {
    const records = generateCdrs(
      {
        seed: 3,
        nowMs: NOW,
        invalidShares: { MALFORMED_IMSI: 0.1, UNPARSEABLE: 0.05, OVERSIZED_RECORD: 0.01 },
      },
      20_000,
    );
    const share = (kind: string) => records.filter((r) => r.expected === kind).length / records.length;
    expect(share(REJECT_REASON.MALFORMED_IMSI)).toBeCloseTo(0.1, 1);
    expect(share(REJECT_REASON.UNPARSEABLE)).toBeCloseTo(0.05, 1);
    expect(share(REJECT_REASON.OVERSIZED_RECORD)).toBeGreaterThan(0.005);
    expect(share(REJECT_REASON.OVERSIZED_RECORD)).toBeLessThan(0.015);
    expect(share('valid')).toBeCloseTo(0.84, 1);
    expect(records.find((r) => r.expected === 'OVERSIZED_RECORD')?.value.length).toBeGreaterThanOrEqual(
      1024 * 1024,
    );
  });

  it('refuses shares above 100 %', () => {
    expect(
      () => new CdrGenerator({ seed: 1, invalidShares: { EMPTY_RECORD: 0.7, UNPARSEABLE: 0.4 } }),
    ).toThrow(/> 1/);
  });

  it('draws IMSIs and cells from the reference data, with a configurable share of unknown ones', () => {
    const known = new Set(referenceSubscribers().map((s) => s.imsi));
    const cells = new Set(referenceCells().map((c) => c.cell_id));
    const generator = new CdrGenerator({
      seed: 4,
      nowMs: NOW,
      unknownCellShare: 0.1,
      unknownSubscriberShare: 0.1,
      roamingShare: 0,
    });
    const logical = Array.from({ length: 5000 }, () => generator.logical(COUNTRY_CODES[0]));
    const unknownImsi = logical.filter((c) => !known.has(c.imsi)).length / logical.length;
    const unknownCell = logical.filter((c) => !cells.has(c.cellId)).length / logical.length;
    expect(unknownImsi).toBeCloseTo(0.1, 1);
    expect(unknownCell).toBeCloseTo(0.1, 1);
  });

  it('generates a large batch over every country topic (and prints its rate)', () => {
    const generator = new CdrGenerator({ seed: 9, nowMs: NOW, invalidShares: DEFAULT_INVALID_SHARES });
    generator.batch(5000);
    const started = performance.now();
    const batch = generator.batch(50_000);
    const perSecond = 50_000 / ((performance.now() - started) / 1000);
    console.log(`generator: ${Math.round(perSecond)} records/s`);
    expect(batch).toHaveLength(50_000);
    expect(new Set(batch.map((r) => r.topic)).size).toBe(COUNTRY_CODES.length);
  });
});
