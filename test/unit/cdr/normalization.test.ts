import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../../shared/cdr/countries.ts';
import {
  CdrGenerator,
  cdrIdOf,
  encodeCdr,
  type LogicalCdr,
  normalizationStage,
  normalizeCdr,
  REJECT_REASON,
  type UnifiedCdr,
  UnifiedCdrSchema,
  validateRawCdr,
  validationStage,
  writeUnifiedCdr,
  writeValidatedCdr,
} from '../../../shared/cdr/index.ts';
import { TOPIC } from '../../../shared/cdr/pipeline.ts';
import type { ForwardOutcome } from '../../../shared/runtime/outcome.ts';
import { NOW, stageRecord, VALIDATED_FR, verdictOf } from './records.ts';

const stage = normalizationStage();

describe('normalizeCdr', () => {
  it('maps the country code to a unified type and direction, UTC ISO times, a deterministic id', () => {
    const cdr = normalizeCdr(VALIDATED_FR);
    expect(UnifiedCdrSchema.parse(cdr)).toEqual(cdr);
    expect(cdr).toMatchObject({
      record_type: 'voice',
      direction: 'mo',
      start_time: '2026-03-29T11:30:00.000Z',
      end_time: '2026-03-29T11:31:05.000Z',
      source_record_type: 'MOC',
      charge_minor_units: 10,
      currency: 'EUR',
    });
    expect(cdr.cdr_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    ['MTC', 'voice', 'mt'],
    ['SMS_MO', 'sms', 'mo'],
    ['SMS_MT', 'sms', 'mt'],
    ['GPRS', 'data', 'mo'],
  ] as const)('maps %s to %s/%s', (code, type, direction) => {
    expect(normalizeCdr({ ...VALIDATED_FR, recordType: code })).toMatchObject({
      record_type: type,
      direction,
    });
  });
});

describe('cdr_id', () => {
  it('is a UUIDv8 over SHA-256 of the business identity, stable across releases', () => {
    // sha256('fr␟A1␟208011234567890␟0␟MOC') = 61f3d186f8427206c44089130b192907…
    expect(
      cdrIdOf({ country: 'fr', recordId: 'A1', imsi: '208011234567890', startMs: 0, recordType: 'MOC' }),
    ).toBe('61f3d186-f842-8206-8440-89130b192907');
  });

  it('is the same for the same raw record, every time', () => {
    const raw = Buffer.from(
      'MOC;FR-1;208011234567890;0612345678;0698765432;20260329133000;65;0;0,10;208-01-1234-5678;N',
    );
    const ids = [1, 2, 3].map(() => normalizeCdr(validateRawCdr('fr', raw, { nowMs: NOW })).cdr_id);
    expect(new Set(ids).size).toBe(1);
  });

  it('does not depend on how the feed wrote numbers, but on the business identity', () => {
    const a = validateRawCdr(
      'fr',
      Buffer.from(
        'MOC;FR-1;208011234567890;0612345678;0698765432;20260329133000;65;0;0,10;208-01-1234-5678;N',
      ),
      { nowMs: NOW },
    );
    const b = validateRawCdr(
      'fr',
      Buffer.from(
        'MOC;FR-1;208011234567890;+33612345678;0033698765432;20260329133000;65;0;0,10;208-01-1234-5678;N',
      ),
      { nowMs: NOW },
    );
    expect(cdrIdOf(a)).toBe(cdrIdOf(b));
    for (const change of [
      { recordId: 'FR-2' },
      { imsi: '208011234567891' },
      { startMs: a.startMs + 1000 },
      { recordType: 'MTC' },
      { country: 'be' as const },
    ]) {
      expect(cdrIdOf({ ...a, ...change })).not.toBe(cdrIdOf(a));
    }
  });

  it('is unique across a large generated sample', () => {
    const generator = new CdrGenerator({ seed: 5, nowMs: NOW });
    const ids = new Set<string>();
    const count = 5000;
    for (let i = 0; i < count; i++) {
      const g = generator.next();
      ids.add(normalizeCdr(validateRawCdr(g.country, g.value, { nowMs: NOW })).cdr_id);
    }
    expect(ids.size).toBe(count);
  });
});

describe('JSON writers', () => {
  it('write exactly what JSON.stringify would (parsed back equal)', () => {
    const unified = normalizeCdr(VALIDATED_FR);
    expect(JSON.parse(writeValidatedCdr(VALIDATED_FR))).toEqual(VALIDATED_FR);
    expect(JSON.parse(writeValidatedCdr({ ...VALIDATED_FR, counterpart: null }))).toEqual({
      ...VALIDATED_FR,
      counterpart: null,
    });
    expect(JSON.parse(writeUnifiedCdr(unified))).toEqual(unified);
  });
});

describe('normalization stage', () => {
  it('forwards the unified CDR to cdr.normalized under the same key', async () => {
    const [result] = await stage.processBatch([
      stageRecord(TOPIC.validated, JSON.stringify(VALIDATED_FR), 'key-1'),
    ]);
    const out = result as ForwardOutcome;
    expect(out.kind).toBe('forward');
    expect(out.topic).toBe(TOPIC.normalized);
    expect(out.key).toEqual(Buffer.from('key-1'));
    expect(UnifiedCdrSchema.parse(JSON.parse(String(out.value)))).toEqual(normalizeCdr(VALIDATED_FR));
    expect(out.eventTimeMs).toBe(VALIDATED_FR.startMs + 65_000);
  });

  it.each([
    [REJECT_REASON.EMPTY_RECORD, ''],
    [REJECT_REASON.UNPARSEABLE, '{"v":1,'],
    [REJECT_REASON.UNPARSEABLE, '"a string"'],
    [REJECT_REASON.FORBIDDEN_KEY, `{"__proto__":{},${JSON.stringify(VALIDATED_FR).slice(1)}`],
    [REJECT_REASON.UNKNOWN_COUNTRY, JSON.stringify({ ...VALIDATED_FR, country: 'xx' })],
    [REJECT_REASON.UNKNOWN_RECORD_TYPE, JSON.stringify({ ...VALIDATED_FR, recordType: 'NOPE' })],
    [REJECT_REASON.SCHEMA_VIOLATION, JSON.stringify({ ...VALIDATED_FR, startMs: 'yesterday' })],
    [REJECT_REASON.SCHEMA_VIOLATION, JSON.stringify({ ...VALIDATED_FR, imsi: '12' })],
    [REJECT_REASON.SCHEMA_VIOLATION, JSON.stringify({ ...VALIDATED_FR, msisdn: '0612345678' })],
    [REJECT_REASON.SCHEMA_VIOLATION, JSON.stringify({ ...VALIDATED_FR, durationS: -1 })],
    [REJECT_REASON.SCHEMA_VIOLATION, JSON.stringify({ ...VALIDATED_FR, currency: 'ZZZ' })],
    [REJECT_REASON.SCHEMA_VIOLATION, JSON.stringify({ ...VALIDATED_FR, cellId: "'; DROP TABLE cdr; --" })],
  ])('%s ← %s', async (reason, value) => {
    const [result] = await stage.processBatch([stageRecord(TOPIC.validated, value)]);
    expect(verdictOf(result!)).toBe(reason);
  });

  it('names only paths, never values, in schema violations', async () => {
    const [result] = await stage.processBatch([
      stageRecord(TOPIC.validated, JSON.stringify({ ...VALIDATED_FR, msisdn: '0612345678' })),
    ]);
    expect(result).toMatchObject({ kind: 'reject', message: expect.stringContaining('msisdn') });
    expect(JSON.stringify(result)).not.toContain('0612345678');
  });
});

describe('every country: generated raw → validated → unified, fields preserved', () => {
  const generator = new CdrGenerator({ seed: 99, nowMs: NOW, roamingShare: 0.2 });
  it.each(COUNTRY_CODES)('%s', async (country) => {
    const logical: LogicalCdr[] = [];
    for (const type of ['voice', 'sms', 'data', 'voice', 'sms', 'data'] as const)
      logical.push(generator.logical(country, type));
    const validated = await validationStage({ now: () => NOW }).processBatch(
      logical.map((cdr, i) => stageRecord(`cdr.raw.${country}`, encodeCdr(cdr), cdr.imsi, i)),
    );
    expect(validated.map(verdictOf)).toEqual(logical.map(() => 'forward'));
    const normalized = await stage.processBatch(
      validated.map((v, i) =>
        stageRecord(TOPIC.validated, String((v as ForwardOutcome).value), logical[i]!.imsi, i),
      ),
    );
    for (const [i, result] of normalized.entries()) {
      const cdr = JSON.parse(String((result as ForwardOutcome).value)) as UnifiedCdr;
      const source = logical[i]!;
      expect(cdr).toMatchObject({
        country,
        source_record_id: source.recordId,
        source_record_type: source.recordType,
        imsi: source.imsi,
        msisdn: source.msisdn,
        counterpart: source.counterpart,
        start_time: new Date(source.startMs).toISOString(),
        duration_s: source.durationS,
        volume_bytes: source.volumeBytes,
        charge_minor_units: source.chargeMinorUnits,
        currency: source.currency,
        cell_id: source.cellId,
        roaming: source.roaming,
      });
    }
  });
});
