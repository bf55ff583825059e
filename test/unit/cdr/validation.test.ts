import { describe, expect, it } from 'vitest';
import {
  CdrGenerator,
  INVALID_KINDS,
  MAX_RECORD_BYTES,
  REJECT_REASON,
  type ValidatedCdr,
  validateRawCdr,
  validationStage,
} from '../../../shared/cdr/index.ts';
import { TOPIC } from '../../../shared/cdr/pipeline.ts';
import type { ForwardOutcome } from '../../../shared/runtime/outcome.ts';
import { NOW, stageRecord, VALIDATED_FR, verdictOf } from './records.ts';

const FR = 'cdr.raw.fr';
const PL = 'cdr.raw.pl';
const fr = (fields: Partial<Record<number, string>> = {}) => {
  const columns = [
    'MOC',
    'FR-1',
    '208011234567890',
    '0612345678',
    '0698765432',
    '20260329133000',
    '65',
    '0',
    '0,10',
    '208-01-1234-5678',
    'N',
  ];
  for (const [i, v] of Object.entries(fields)) columns[Number(i)] = v ?? '';
  return columns.join(';');
};
const plBase = () => ({
  rekord: { typ: 'POL_WYCH', id: 'PL-1' },
  abonent: { imsi: '260021234567890', msisdn: '501234567' },
  polaczenie: {
    numer_b: '0033612345678',
    poczatek: '2026-03-29T13:30:00+02:00',
    czas_trwania_s: 65,
    komorka: '260-02-1234-5678',
  },
  dane: { bajty: 0 },
  oplata: { kwota: '0.50', waluta: 'PLN' },
  roaming: 'N',
});
const pl = (mutate: (r: ReturnType<typeof plBase>) => void = () => {}) => {
  const record = plBase();
  mutate(record);
  return JSON.stringify(record);
};

const stage = validationStage({ now: () => NOW });
async function verdict(topic: string, value: string | Buffer | null): Promise<string> {
  const [result] = await stage.processBatch([stageRecord(topic, value)]);
  return verdictOf(result!);
}

describe('validation stage: valid records', () => {
  it('forwards a French record to cdr.validated, key kept, fields parsed', async () => {
    const [result] = await stage.processBatch([stageRecord(FR, fr(), 'the-key')]);
    expect(result?.kind).toBe('forward');
    const out = result as ForwardOutcome;
    expect(out.topic).toBe(TOPIC.validated);
    expect(out.key).toEqual(Buffer.from('the-key'));
    const cdr = JSON.parse(String(out.value)) as ValidatedCdr;
    expect(cdr).toEqual(VALIDATED_FR);
    expect(out.eventTimeMs).toBe(Date.UTC(2026, 2, 29, 11, 31, 5));
  });

  it('uses the IMSI as key when the record has none', async () => {
    const [result] = await stage.processBatch([stageRecord(FR, fr(), null)]);
    expect((result as ForwardOutcome).key).toBe('208011234567890');
  });

  it('accepts a nested Polish JSON record with an offset timestamp', async () => {
    const cdr = validateRawCdr('pl', Buffer.from(pl()), { nowMs: NOW });
    expect(cdr.startMs).toBe(Date.UTC(2026, 2, 29, 11, 30));
    expect(cdr.counterpart).toBe('+33612345678');
    expect(cdr.chargeMinorUnits).toBe(50);
  });

  it('accepts a foreign IMSI when the record says roaming', () => {
    const cdr = validateRawCdr('fr', Buffer.from(fr({ 2: '604011234567890', 10: 'O' })), { nowMs: NOW });
    expect(cdr.roaming).toBe(true);
  });

  it('accepts a trailing newline and a BOM', () => {
    expect(validateRawCdr('fr', Buffer.from(`\uFEFF${fr()}\r\n`), { nowMs: NOW }).recordId).toBe('FR-1');
  });
});

describe('validation stage: every reason code', () => {
  const poison1MB = Buffer.alloc(1024 * 1024, 0xff); // invalid UTF-8 too: size is checked first
  it.each([
    [REJECT_REASON.EMPTY_RECORD, FR, null],
    [REJECT_REASON.EMPTY_RECORD, FR, ''],
    [REJECT_REASON.EMPTY_RECORD, FR, ' \r\n\t'],
    [REJECT_REASON.OVERSIZED_RECORD, FR, poison1MB],
    [REJECT_REASON.OVERSIZED_RECORD, FR, Buffer.alloc(MAX_RECORD_BYTES + 1, 'A')],
    [REJECT_REASON.BAD_ENCODING, FR, Buffer.from([0x4d, 0x4f, 0x43, 0xc3, 0x28, 0x3b])],
    [REJECT_REASON.BAD_ENCODING, FR, Buffer.from([0xff, 0xfe, 0x00, 0x41])],
    [REJECT_REASON.UNKNOWN_COUNTRY, 'cdr.raw.xx', fr()],
    [REJECT_REASON.UNKNOWN_COUNTRY, TOPIC.validated, fr()],
    [REJECT_REASON.UNPARSEABLE, FR, fr().slice(0, 40)],
    [REJECT_REASON.UNPARSEABLE, FR, `${fr()};extra`],
    [REJECT_REASON.UNPARSEABLE, PL, pl().slice(0, 60)],
    [REJECT_REASON.UNPARSEABLE, PL, '[1,2,3]'],
    [REJECT_REASON.UNPARSEABLE, PL, pl((r) => Object.assign(r.rekord, { id: { nested: 1 } }))],
    [REJECT_REASON.FORBIDDEN_KEY, PL, `{"__proto__":{"polluted":true},${pl().slice(1)}`],
    [REJECT_REASON.FORBIDDEN_KEY, PL, `{"\\u005f_proto__":{"polluted":true},${pl().slice(1)}`],
    [
      REJECT_REASON.FORBIDDEN_KEY,
      PL,
      pl().replace('"dane":{', '"dane":{"constructor":{"prototype":{"x":1}},'),
    ],
    [REJECT_REASON.INVALID_CHARACTERS, FR, fr({ 9: "'; DROP TABLE cdr; --" })],
    [REJECT_REASON.INVALID_CHARACTERS, FR, fr({ 1: 'FR-1\u0000' })],
    [REJECT_REASON.INVALID_CHARACTERS, FR, fr({ 9: 'cell/**/UNION' })],
    [REJECT_REASON.INVALID_CHARACTERS, FR, fr({ 1: 'FR 1' })],
    [REJECT_REASON.INVALID_CHARACTERS, PL, pl((r) => (r.polaczenie.komorka = "x' OR '1'='1"))],
    [REJECT_REASON.INVALID_CHARACTERS, PL, pl((r) => (r.rekord.id = 'PL-1\u001b[31m'))],
    [REJECT_REASON.MISSING_FIELD, FR, fr({ 2: '' })],
    [REJECT_REASON.MISSING_FIELD, FR, fr({ 4: '' })],
    [REJECT_REASON.MISSING_FIELD, FR, fr({ 6: '' })],
    [REJECT_REASON.MISSING_FIELD, PL, pl((r) => delete (r.abonent as Partial<typeof r.abonent>).msisdn)],
    [REJECT_REASON.MISSING_FIELD, PL, pl((r) => delete (r.oplata as Partial<typeof r.oplata>).waluta)],
    [REJECT_REASON.UNKNOWN_RECORD_TYPE, FR, fr({ 0: 'MOCX' })],
    [REJECT_REASON.UNKNOWN_RECORD_TYPE, FR, fr({ 0: 'toString' })],
    [REJECT_REASON.MALFORMED_IMSI, FR, fr({ 2: '20801123456789' })],
    [REJECT_REASON.MALFORMED_IMSI, FR, fr({ 2: '2080112345678901' })],
    [REJECT_REASON.MALFORMED_IMSI, FR, fr({ 2: '20801123456789A' })],
    [REJECT_REASON.MALFORMED_IMSI, FR, fr({ 2: '604011234567890' })], // foreign MCC, not roaming
    [REJECT_REASON.MALFORMED_MSISDN, FR, fr({ 3: '061234567' })],
    [REJECT_REASON.MALFORMED_MSISDN, FR, fr({ 3: '+1234567890123456' })],
    [REJECT_REASON.MALFORMED_COUNTERPART, FR, fr({ 4: '999' })],
    [REJECT_REASON.BAD_TIMESTAMP, FR, fr({ 5: '20260230133000' })],
    [REJECT_REASON.BAD_TIMESTAMP, FR, fr({ 5: '2026-03-29 13:30' })],
    [REJECT_REASON.BAD_TIMESTAMP, PL, pl((r) => (r.polaczenie.poczatek = '2026-03-29T13:30:00'))],
    [REJECT_REASON.START_TIME_IN_FUTURE, FR, fr({ 5: '20260329150000' })],
    [REJECT_REASON.START_TIME_TOO_OLD, FR, fr({ 5: '20260201120000' })],
    [REJECT_REASON.NEGATIVE_OR_ABSURD_DURATION, FR, fr({ 6: '-5' })],
    [REJECT_REASON.NEGATIVE_OR_ABSURD_DURATION, FR, fr({ 6: '90000' })],
    [REJECT_REASON.NEGATIVE_OR_ABSURD_DURATION, FR, fr({ 6: '6.5' })],
    [REJECT_REASON.NEGATIVE_OR_ABSURD_DURATION, PL, pl((r) => (r.polaczenie.czas_trwania_s = -1))],
    [REJECT_REASON.NEGATIVE_OR_ABSURD_VOLUME, FR, fr({ 0: 'GPRS', 7: '-1' })],
    [REJECT_REASON.NEGATIVE_OR_ABSURD_VOLUME, FR, fr({ 0: 'GPRS', 7: '999999999999999' })],
    [REJECT_REASON.INVALID_AMOUNT, FR, fr({ 8: '0,105' })],
    [REJECT_REASON.INVALID_AMOUNT, FR, fr({ 8: '0.10' })], // France writes decimal commas
    [REJECT_REASON.INVALID_AMOUNT, FR, fr({ 8: '-1,00' })],
    [REJECT_REASON.INVALID_CURRENCY, PL, pl((r) => (r.oplata.waluta = 'ZLOTY'))],
    [REJECT_REASON.INVALID_FLAG, FR, fr({ 10: 'Y' })],
  ] as const)('%s ← %s %#', async (reason, topic, value) => {
    expect(await verdict(topic, value)).toBe(reason);
  });

  it('does not let a JSON record pollute prototypes', async () => {
    await verdict(PL, `{"__proto__":{"polluted":true},${pl().slice(1)}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the rest of the batch going around poison records', async () => {
    const results = await stage.processBatch([
      stageRecord(FR, fr(), 'k', 0),
      stageRecord(FR, Buffer.alloc(1024 * 1024, 'A'), 'k', 1),
      stageRecord(FR, fr({ 9: "'; DROP TABLE cdr; --" }), 'k', 2),
      stageRecord(FR, fr({ 1: 'FR-2' }), 'k', 3),
    ]);
    expect(results.map(verdictOf)).toEqual(['forward', 'OVERSIZED_RECORD', 'INVALID_CHARACTERS', 'forward']);
  });
});

describe('validation stage against the generator', () => {
  const shares = Object.fromEntries(INVALID_KINDS.map((kind) => [kind, 0.025]));
  const generated = new CdrGenerator({ seed: 11, nowMs: NOW, invalidShares: shares }).batch(6000);

  it('reaches exactly the verdict the generator expects, for every record', async () => {
    const results = await stage.processBatch(
      generated.map((g, i) => stageRecord(g.topic, g.value, g.key, i)),
    );
    const mismatches = results
      .map((result, i) => ({ got: verdictOf(result), expected: generated[i]!.expected }))
      .filter(({ got, expected }) => got !== (expected === 'valid' ? 'forward' : expected));
    expect(mismatches).toEqual([]);
    const seen = new Set(results.map(verdictOf));
    for (const kind of INVALID_KINDS) expect(seen, kind).toContain(kind);
  });

  it('never writes an IMSI or MSISDN in clear in a reject message', async () => {
    const results = await stage.processBatch(
      generated.map((g, i) => stageRecord(g.topic, g.value, g.key, i)),
    );
    for (const [i, result] of results.entries()) {
      if (result.kind !== 'reject') continue;
      expect(result.message).not.toMatch(/\d{9,}/);
      expect(result.message).not.toContain(generated[i]!.key);
    }
  });
});

describe('hot-path allocations', () => {
  it('builds no Intl.DateTimeFormat per record (one per zone, cached)', async () => {
    const generated = new CdrGenerator({ seed: 12, nowMs: NOW }).batch(2000);
    const records = generated.map((g, i) => stageRecord(g.topic, g.value, g.key, i));
    await stage.processBatch(records); // warm every zone's formatter
    const original = Intl.DateTimeFormat;
    let constructed = 0;
    Intl.DateTimeFormat = new Proxy(original, {
      construct(target, args) {
        constructed++;
        return Reflect.construct(target, args);
      },
    });
    try {
      await stage.processBatch(records);
    } finally {
      Intl.DateTimeFormat = original;
    }
    expect(constructed).toBe(0);
  });
});
