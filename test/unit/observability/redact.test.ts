import { describe, expect, it } from 'vitest';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import {
  FIELD_MASK,
  ID_MASK as IMSI_MASK,
  NUMBER_MASK as MSISDN_MASK,
  redact,
  redactString,
} from '../../../shared/observability/redact.ts';

describe('redactString', () => {
  it.each([
    ['imsi 208150123456789 rejected', `imsi ${IMSI_MASK} rejected`],
    ['IMSI208150123456789', `IMSI${IMSI_MASK}`],
    ['from +33612345678 to 0033612345678', `from ${MSISDN_MASK} to ${MSISDN_MASK}`],
    ['national 0612345678; 771234567; 20123456', `national ${MSISDN_MASK}; ${MSISDN_MASK}; ${MSISDN_MASK}`],
    ['grouped +33 6 12 34 56 78 end', `grouped ${MSISDN_MASK} end`],
    ['csv:208150123456789;33612345678;60', `csv:${IMSI_MASK};${MSISDN_MASK};60`],
    ['{"msisdn":"+212612345678"}', `{"msisdn":"${MSISDN_MASK}"}`],
  ])('masks %j', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    'batch of 500 records in 12 ms',
    '2026-11-22T02:58:11.123Z',
    'request 3f2c1a9e-1234-4d5e-9abc-123456789012',
    'trace 1-5759e988-bd862e3fe1be46a994272793',
    'offset 1234567 partition 12',
  ])('leaves %j alone', (input) => {
    expect(redactString(input)).toBe(input);
  });
});

describe('redact', () => {
  it('masks sensitive fields whole, strings everywhere, IMSI-like numbers', () => {
    expect(
      redact(
        {
          imsi: '208150123456789',
          callerMsisdn: 33612345678,
          nested: [{ detail: 'bad number 0612345678' }],
          count: 3,
          imsiLike: 208150123456789,
          durationMs: 1_763_780_000_000,
        },
        { piiKeys: CDR_PIPELINE.piiKeys },
      ),
    ).toEqual({
      imsi: FIELD_MASK,
      callerMsisdn: FIELD_MASK,
      nested: [{ detail: `bad number ${MSISDN_MASK}` }],
      count: 3,
      imsiLike: FIELD_MASK,
      durationMs: 1_763_780_000_000,
    });
  });
  it('masks a CDR log line without the pipeline keys too: identifiers and numbers in values', () => {
    expect(redact({ detail: 'imsi 208150123456789 from +33612345678', count: 3 })).toEqual({
      detail: `imsi ${IMSI_MASK} from ${MSISDN_MASK}`,
      count: 3,
    });
  });

  it('masks a 15-digit number under any key', () => {
    expect(redact({ value: 208150123456789 })).toEqual({ value: IMSI_MASK });
  });
});
