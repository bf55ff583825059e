import { describe, expect, it } from 'vitest';
import {
  CdrGenerator,
  type Cell,
  DEFAULT_FRAUD_THRESHOLDS,
  type EnrichedCdr,
  EnrichedCdrSchema,
  enrichmentStage,
  FRAUD_REASON,
  FRAUD_REASONS,
  fraudScore,
  inMemoryReferenceData,
  normalizationStage,
  normalizeCdr,
  type Subscriber,
  UNKNOWN,
  type UnifiedCdr,
  validationStage,
} from '../../../shared/cdr/index.ts';
import { TOPIC } from '../../../shared/cdr/pipeline.ts';
import type { ForwardOutcome } from '../../../shared/runtime/outcome.ts';
import { NOW, stageRecord, verdictOf } from './records.ts';

const CELL_4G: Cell = {
  cell_id: '208-01-1000-1',
  country: 'fr',
  site_id: 'FR-SITE-0001',
  region: 'Ile-de-France',
  technology: '4G',
  latitude: 48.85,
  longitude: 2.35,
};
const CELL_2G: Cell = { ...CELL_4G, cell_id: '208-01-1000-2', technology: '2G' };
const ALICE: Subscriber = {
  imsi: '208011111111111',
  msisdn: '+33611111111',
  country: 'fr',
  segment: 'business',
  plan: 'Pro 200GB',
  payment: 'postpaid',
};
const reference = () => inMemoryReferenceData([CELL_4G, CELL_2G], [ALICE]);

let sequence = 0;
/** A unified French CDR from Alice at the 4G cell, with overrides. */
function cdr(overrides: Partial<Omit<UnifiedCdr, 'cdr_id'>> = {}): UnifiedCdr {
  sequence++;
  const base = normalizeCdr({
    v: 1,
    country: 'fr',
    recordType: 'MOC',
    recordId: `FR-${sequence}`,
    imsi: ALICE.imsi,
    msisdn: ALICE.msisdn,
    counterpart: '+33622222222',
    startMs: NOW - 3_600_000 + sequence * 1000,
    durationS: 120,
    volumeBytes: 0,
    chargeMinorUnits: 10,
    currency: 'EUR',
    cellId: CELL_4G.cell_id,
    roaming: false,
  });
  const merged = { ...base, ...overrides };
  if (overrides.start_time !== undefined || overrides.duration_s !== undefined) {
    merged.end_time = new Date(Date.parse(merged.start_time) + merged.duration_s * 1000).toISOString();
  }
  return merged;
}

async function enrich(cdrs: UnifiedCdr[], port = reference()): Promise<EnrichedCdr[]> {
  const results = await enrichmentStage(port).processBatch(
    cdrs.map((c, i) => stageRecord(TOPIC.normalized, JSON.stringify(c), c.imsi, i)),
  );
  return results.map((r) => {
    expect(r.kind).toBe('forward');
    return EnrichedCdrSchema.parse(JSON.parse(String((r as ForwardOutcome).value)));
  });
}

describe('enrichment stage', () => {
  it('adds network and subscriber data, forwards to cdr.enriched under the same key', async () => {
    const port = reference();
    const results = await enrichmentStage(port).processBatch([
      stageRecord(TOPIC.normalized, JSON.stringify(cdr()), 'k'),
    ]);
    const out = results[0] as ForwardOutcome;
    expect(out.topic).toBe(TOPIC.enriched);
    expect(out.key).toEqual(Buffer.from('k'));
    const enriched = EnrichedCdrSchema.parse(JSON.parse(String(out.value)));
    expect(enriched.network).toEqual({
      known: true,
      site_id: 'FR-SITE-0001',
      region: 'Ile-de-France',
      technology: '4G',
    });
    expect(enriched.subscriber).toEqual({
      known: true,
      segment: 'business',
      plan: 'Pro 200GB',
      payment: 'postpaid',
      home_country: 'fr',
      roaming_status: 'home',
    });
    expect(enriched.fraud).toEqual({ score: 0, reasons: [] });
    expect(out.eventTimeMs).toBe(Date.parse(enriched.end_time));
  });

  it('looks reference data up once per batch, with distinct keys only', async () => {
    const port = reference();
    const calls: string[][] = [];
    const spy = {
      ...port,
      getCells: (ids: readonly string[]) => {
        calls.push([...ids]);
        return port.getCells(ids);
      },
    };
    await enrichmentStage(spy).processBatch(
      [cdr(), cdr(), cdr({ cell_id: CELL_2G.cell_id }), cdr()].map((c, i) =>
        stageRecord(TOPIC.normalized, JSON.stringify(c), c.imsi, i),
      ),
    );
    expect(calls).toEqual([[CELL_4G.cell_id, CELL_2G.cell_id]]);
    expect(port.calls.subscribers).toBe(1);
  });

  it('fails the batch (transiently, by throwing) when the lookup fails', async () => {
    const port = { ...reference(), getCells: async () => Promise.reject(new Error('DynamoDB throttled')) };
    await expect(
      enrichmentStage(port).processBatch([stageRecord(TOPIC.normalized, JSON.stringify(cdr()))]),
    ).rejects.toThrow(/throttled/);
  });

  it('rejects records that are not unified CDRs, and keeps going', async () => {
    const results = await enrichmentStage(reference()).processBatch([
      stageRecord(TOPIC.normalized, '{"nope":1}', 'k', 0),
      stageRecord(TOPIC.normalized, 'not json', 'k', 1),
      stageRecord(TOPIC.normalized, JSON.stringify(cdr()), 'k', 2),
    ]);
    expect(results.map(verdictOf)).toEqual(['SCHEMA_VIOLATION', 'UNPARSEABLE', 'forward']);
  });

  it('enriches unknown cells and subscribers as unknown, not as rejects', async () => {
    const [enriched] = await enrich([cdr({ cell_id: '208-01-9999-9', imsi: '208019999999999' })]);
    expect(enriched!.network).toEqual({
      known: false,
      site_id: UNKNOWN,
      region: UNKNOWN,
      technology: UNKNOWN,
    });
    expect(enriched!.subscriber).toMatchObject({
      known: false,
      segment: UNKNOWN,
      home_country: 'fr',
      roaming_status: 'home',
    });
    expect(enriched!.fraud.reasons).toEqual([
      FRAUD_REASON.UNKNOWN_CELL,
      FRAUD_REASON.UNKNOWN_HOME_SUBSCRIBER,
    ]);
    expect(enriched!.fraud.score).toBe(35);
  });

  it('tells inbound roamers (foreign IMSI, no fraud flag) from our subscribers abroad', async () => {
    const [inbound, outbound] = await enrich([
      cdr({ imsi: '604011234567890', msisdn: '+212612345678', roaming: true }),
      cdr({ roaming: true }),
    ]);
    expect(inbound!.subscriber).toMatchObject({
      known: false,
      home_country: 'ma',
      roaming_status: 'inbound_roaming',
    });
    expect(inbound!.fraud.reasons).toEqual([]);
    expect(outbound!.subscriber.roaming_status).toBe('outbound_roaming');
  });
});

describe('fraud rules', () => {
  it.each([
    [FRAUD_REASON.PREMIUM_RATE_DESTINATION, [cdr({ counterpart: '+33899123456' })]],
    [
      FRAUD_REASON.PREMIUM_RATE_DESTINATION,
      [cdr({ record_type: 'sms', duration_s: 0, counterpart: '+33812345678' })],
    ],
    [FRAUD_REASON.HIGH_RISK_DESTINATION, [cdr({ counterpart: '+88213456789' })]],
    [FRAUD_REASON.SHORT_INTERNATIONAL_CALL, [cdr({ counterpart: '+21698765432', duration_s: 2 })]],
    [
      FRAUD_REASON.IMPOSSIBLE_VOLUME,
      [cdr({ record_type: 'data', counterpart: null, duration_s: 10, volume_bytes: 10 * 1024 ** 3 })],
    ],
    [
      FRAUD_REASON.IMPOSSIBLE_VOLUME,
      [
        cdr({
          record_type: 'data',
          counterpart: null,
          cell_id: CELL_2G.cell_id,
          duration_s: 60,
          volume_bytes: 100 * 1024 ** 2,
        }),
      ],
    ],
    [FRAUD_REASON.UNKNOWN_CELL, [cdr({ cell_id: '208-01-9-9' })]],
    [FRAUD_REASON.UNKNOWN_HOME_SUBSCRIBER, [cdr({ imsi: '208010000000000' })]],
    [FRAUD_REASON.IMSI_MSISDN_MISMATCH, [cdr({ msisdn: '+33699999999' })]],
  ] as const)('%s %#', async (reason, cdrs) => {
    const enriched = await enrich([...cdrs]);
    expect(enriched.at(-1)!.fraud.reasons).toEqual([reason]);
    expect(enriched.at(-1)!.fraud.score).toBe(fraudScore([reason]));
  });

  it.each([
    ['an incoming premium-rate call', cdr({ direction: 'mt', counterpart: '+33899123456' })],
    ['a long international call', cdr({ counterpart: '+21698765432', duration_s: 300 })],
    [
      'a short international call while roaming abroad',
      cdr({ counterpart: '+21698765432', duration_s: 2, roaming: true }),
    ],
    [
      'a plausible 4G volume',
      cdr({ record_type: 'data', counterpart: null, duration_s: 600, volume_bytes: 500 * 1024 ** 2 }),
    ],
  ])('does not flag %s', async (_what, record) => {
    const [enriched] = await enrich([record]);
    expect(enriched!.fraud).toEqual({ score: 0, reasons: [] });
  });

  it('flags a SIM box: many short outgoing calls to many numbers, nothing incoming, in one batch', async () => {
    const calls = Array.from({ length: 12 }, (_, i) =>
      cdr({
        counterpart: `+3362000000${String(i).padStart(2, '0')}`,
        duration_s: 20,
        start_time: new Date(NOW - 3_000_000 + i * 60_000).toISOString(),
      }),
    );
    const enriched = await enrich(calls);
    for (const e of enriched) expect(e.fraud.reasons).toContain(FRAUD_REASON.SIM_BOX_PATTERN);
  });

  it('does not flag the same calls as a SIM box when the SIM also receives calls', async () => {
    const calls = Array.from({ length: 12 }, (_, i) =>
      cdr({
        counterpart: `+3362000000${String(i).padStart(2, '0')}`,
        duration_s: 20,
        start_time: new Date(NOW - 3_000_000 + i * 60_000).toISOString(),
      }),
    );
    calls.push(cdr({ direction: 'mt', start_time: new Date(NOW - 1_000_000).toISOString() }));
    const enriched = await enrich(calls);
    for (const e of enriched) expect(e.fraud.reasons).not.toContain(FRAUD_REASON.SIM_BOX_PATTERN);
  });

  it('flags a call that starts before the same SIM’s previous call ended', async () => {
    const first = cdr({ start_time: new Date(NOW - 600_000).toISOString(), duration_s: 300 });
    const overlapping = cdr({ start_time: new Date(NOW - 500_000).toISOString(), duration_s: 60 });
    const later = cdr({ start_time: new Date(NOW - 200_000).toISOString(), duration_s: 60 });
    const [a, b, c] = await enrich([overlapping, first, later]); // batch order does not matter
    expect(a!.fraud.reasons).toEqual([FRAUD_REASON.OVERLAPPING_CALLS]);
    expect(b!.fraud.reasons).toEqual([]);
    expect(c!.fraud.reasons).toEqual([]);
  });

  it('caps the score at 100 and knows every reason', async () => {
    expect(fraudScore([...FRAUD_REASONS])).toBe(100);
    const [enriched] = await enrich([
      cdr({ imsi: '208010000000000', cell_id: '208-01-9-9', counterpart: '+88213456789', duration_s: 1 }),
    ]);
    expect(enriched!.fraud.reasons).toEqual([
      FRAUD_REASON.HIGH_RISK_DESTINATION,
      FRAUD_REASON.SHORT_INTERNATIONAL_CALL,
      FRAUD_REASON.UNKNOWN_CELL,
      FRAUD_REASON.UNKNOWN_HOME_SUBSCRIBER,
    ]);
    expect(enriched!.fraud.score).toBe(Math.min(100, 40 + 20 + 10 + 25));
  });

  it('uses overridable thresholds', async () => {
    const calls = Array.from({ length: 4 }, (_, i) =>
      cdr({
        counterpart: `+336200000${i}0`,
        duration_s: 10,
        start_time: new Date(NOW - 3_000_000 + i * 60_000).toISOString(),
      }),
    );
    const stage = enrichmentStage(reference(), {
      fraud: { simBoxMinShortCalls: 4, simBoxMinDistinctCounterparts: 4 },
    });
    const results = await stage.processBatch(
      calls.map((c, i) => stageRecord(TOPIC.normalized, JSON.stringify(c), c.imsi, i)),
    );
    expect(String((results[0] as ForwardOutcome).value)).toContain(FRAUD_REASON.SIM_BOX_PATTERN);
    expect(DEFAULT_FRAUD_THRESHOLDS.simBoxMinShortCalls).toBe(10);
  });
});

describe('generated traffic through validation, normalization and enrichment', () => {
  it('finds the reference cells and subscribers for the known share', async () => {
    const generated = new CdrGenerator({
      seed: 21,
      nowMs: NOW,
      unknownCellShare: 0,
      unknownSubscriberShare: 0,
      roamingShare: 0,
    }).batch(500);
    const validated = await validationStage({ now: () => NOW }).processBatch(
      generated.map((g, i) => stageRecord(g.topic, g.value, g.key, i)),
    );
    const normalized = await normalizationStage().processBatch(
      validated.map((v, i) =>
        stageRecord(TOPIC.validated, String((v as ForwardOutcome).value), generated[i]!.key, i),
      ),
    );
    const enriched = await enrichmentStage(inMemoryReferenceData()).processBatch(
      normalized.map((n, i) =>
        stageRecord(TOPIC.normalized, String((n as ForwardOutcome).value), generated[i]!.key, i),
      ),
    );
    const parsed = enriched.map((e) =>
      EnrichedCdrSchema.parse(JSON.parse(String((e as ForwardOutcome).value))),
    );
    expect(
      parsed.every((e) => e.network.known && e.subscriber.known && e.subscriber.roaming_status === 'home'),
    ).toBe(true);
    expect(parsed.filter((e) => e.fraud.reasons.includes(FRAUD_REASON.IMPOSSIBLE_VOLUME))).toEqual([]);
  });
});
