import { describe, expect, it } from 'vitest';
import { rawTopicOf, TOPIC } from '../../../shared/cdr/pipeline.ts';
import { ID_MASK } from '../../../shared/observability/redact.ts';
import type { DeadLetter } from '../../../shared/replay/dead-letter.ts';
import { DeadLetterTally, previewOf } from '../../../shared/replay/inspect.ts';

const IMSI = '208150123456789';
const MSISDN = '+33612345678';

function letter(partial: Partial<DeadLetter>): DeadLetter {
  return {
    at: { topic: TOPIC.dlq, partition: 0, offset: 1 },
    index: 0,
    of: 1,
    format: 'orion',
    key: Buffer.from(IMSI),
    value: Buffer.from(`${IMSI};${MSISDN};60`),
    headers: {},
    reason: 'STORAGE_UNAVAILABLE',
    replayCount: 0,
    ...partial,
  };
}

describe('DeadLetterTally', () => {
  it('counts by reason, stage, source topic, format and hour', () => {
    const tally = new DeadLetterTally(2);
    const at = Date.parse('2026-03-12T08:59:59Z');
    tally.addRecord(at, [
      letter({
        stage: 'storage',
        source: { topic: rawTopicOf('fr'), partition: 0, offset: 1 },
      }),
    ]);
    tally.addRecord(at, [
      letter({ stage: 'validation', source: { topic: rawTopicOf('ma'), partition: 2, offset: 5 } }),
    ]);
    tally.addRecord(at, [letter({ reason: 'MALFORMED_IMSI', failedAt: Date.parse('2026-03-12T09:00:00Z') })]);
    tally.addRecord(at, [
      letter({ format: 'aws-on-failure', reason: 'RetriesExhausted', of: 2 }),
      letter({ index: 1, of: 2 }),
    ]);
    const s = tally.stats();
    expect(s.records).toBe(4);
    expect(s.letters).toBe(5);
    expect(s.byReason).toEqual({ STORAGE_UNAVAILABLE: 3, MALFORMED_IMSI: 1, RetriesExhausted: 1 });
    expect(s.byStage).toEqual({ storage: 1, validation: 1, '(unknown)': 3 });
    expect(s.bySourceTopic).toEqual({ 'cdr.raw.fr': 1, 'cdr.raw.ma': 1, '(unknown)': 3 });
    expect(s.byFormat).toEqual({ orion: 4, 'aws-on-failure': 1 });
    expect(s.byHour).toEqual({ '2026-03-12T08': 4, '2026-03-12T09': 1 });
    expect(s).not.toHaveProperty('byCountry');
    expect(s.samples).toHaveLength(2);
  });

  it('never shows an IMSI or MSISDN in a sample', () => {
    const tally = new DeadLetterTally();
    tally.addRecord(0, [letter({ message: `bad msisdn ${MSISDN}` })]);
    const printed = JSON.stringify(tally.stats());
    expect(printed).not.toContain(IMSI);
    expect(printed).not.toContain('612345678');
    expect(tally.stats().samples[0]?.key).toBe(ID_MASK);
  });
});

describe('previewOf', () => {
  it('masks before truncating and escapes binary bytes', () => {
    const long = Buffer.concat([Buffer.from(`${'x'.repeat(150)}${IMSI}`), Buffer.from([0, 1, 2])]);
    const preview = previewOf(long, 100);
    expect(preview).not.toMatch(/\d{6}/);
    expect(preview).toContain('bytes)');
    expect(previewOf(Buffer.from([0x41, 0x00, 0x42]))).toBe('A.B');
  });
});
