/**
 * IMSI/MSISDN never in clear in the CDR pipeline's logs: the framework's redaction is generic,
 * and the CDR handlers pass the pipeline's `piiKeys` (subscriber identifier fields).
 */
import { describe, expect, it } from 'vitest';
import { generateCdrs } from '../../../shared/cdr/generator/cdr-generator.ts';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { FIELD_MASK, redact } from '../../../shared/observability/redact.ts';
import { captureOutput } from './capture.ts';

const IMSI = '208150123456789';
const MSISDN = '+33612345678';

describe('CDR log lines', () => {
  it('declares its subscriber identifier fields as piiKeys', () => {
    expect(CDR_PIPELINE.piiKeys).toEqual(expect.arrayContaining(['imsi', 'msisdn']));
  });

  it('masks IMSI and MSISDN fields whole, whatever their value, and in free text', async () => {
    const logger = createLogger({
      serviceName: 'orion-validation',
      persistentKeys: { stage: 'validation' },
      piiKeys: CDR_PIPELINE.piiKeys,
    });
    const [raw] = generateCdrs({ seed: 7, nowMs: 1_763_780_000_000, countries: ['fr'] }, 1);
    const lines = await captureOutput(() => {
      logger.warn(`rejected ${IMSI} calling ${MSISDN}`, {
        // Malformed identifiers are no digit run of the always-on masks: the field names mask them.
        imsi: '20815-0123',
        msisdn: 61234,
        callingNumber: 'O6 12 34',
        record: { a_number: 612, subscriber_id: 'abc' },
        key: raw!.key,
        value: raw!.value.toString('utf8'),
      });
    });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      imsi: FIELD_MASK,
      msisdn: FIELD_MASK,
      callingNumber: FIELD_MASK,
      record: { a_number: FIELD_MASK, subscriber_id: FIELD_MASK },
    });
    for (const secret of [IMSI, MSISDN.slice(1), '612345678', '20815-0123', raw!.key]) {
      expect(line).not.toContain(secret);
    }
  });

  it('masks a unified CDR redacted with the pipeline keys', () => {
    const cdr = { cdr_id: 'x', imsi: IMSI, msisdn: MSISDN, counterpart: '+212612345678', duration_s: 60 };
    const masked = JSON.stringify(redact(cdr, { piiKeys: CDR_PIPELINE.piiKeys }));
    expect(masked).not.toMatch(/\d{8}/);
    expect(JSON.parse(masked)).toMatchObject({ imsi: FIELD_MASK, msisdn: FIELD_MASK, duration_s: 60 });
  });
});
