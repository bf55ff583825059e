import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  EMAIL_MASK,
  FIELD_MASK,
  ID_MASK,
  NUMBER_MASK,
  redact,
  redactString,
} from '../../../shared/observability/redact.ts';

describe('redactString (always-on masks)', () => {
  it.each([
    ['id 208150123456789 rejected', `id ${ID_MASK} rejected`],
    ['ID208150123456789', `ID${ID_MASK}`],
    ['from +33612345678 to 0033612345678', `from ${NUMBER_MASK} to ${NUMBER_MASK}`],
    ['national 0612345678; 771234567; 20123456', `national ${NUMBER_MASK}; ${NUMBER_MASK}; ${NUMBER_MASK}`],
    ['grouped +33 6 12 34 56 78 end', `grouped ${NUMBER_MASK} end`],
    ['csv:208150123456789;33612345678;60', `csv:${ID_MASK};${NUMBER_MASK};60`],
    ['{"phone":"+212612345678"}', `{"phone":"${NUMBER_MASK}"}`],
    ['card 4111111111111111 declined', `card ${NUMBER_MASK} declined`],
    ['mail jane.doe+x@example.co.uk, bob@mail.example.com.', `mail ${EMAIL_MASK}, ${EMAIL_MASK}.`],
    ['user 33612345678@sms.example.com', `user ${EMAIL_MASK}`],
  ])('masks %j', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    'batch of 500 records in 12 ms',
    '2026-11-22T02:58:11.123Z',
    'request 3f2c1a9e-1234-4d5e-9abc-123456789012',
    'trace 1-5759e988-bd862e3fe1be46a994272793',
    'offset 1234567 partition 12',
    'replay id outage-0312@orders.dlq-2@41',
    'record orders.rejected-3@1200',
  ])('leaves %j alone', (input) => {
    expect(redactString(input)).toBe(input);
  });
});

describe('redact', () => {
  it('masks always-on fields whole, strings everywhere, 15-digit numbers', () => {
    expect(
      redact({
        phone: 33612345678,
        customerEmail: 'x',
        nested: [{ detail: 'bad number 0612345678' }],
        count: 3,
        idLike: 208150123456789,
        durationMs: 1_763_780_000_000,
      }),
    ).toEqual({
      phone: FIELD_MASK,
      customerEmail: FIELD_MASK,
      nested: [{ detail: `bad number ${NUMBER_MASK}` }],
      count: 3,
      idLike: ID_MASK,
      durationMs: 1_763_780_000_000,
    });
  });

  it('masks a 15-digit number under any key', () => {
    expect(redact({ value: 208150123456789 })).toEqual({ value: ID_MASK });
  });

  it('masks the pipeline piiKeys whole, ignoring case, _ and -', () => {
    const piiKeys = ['customer_id', 'holder'];
    expect(
      redact(
        { customerId: 'c-7', 'card-holder': 'Jane', CUSTOMER_ID: 42, note: 'c-7', count: 2 },
        { piiKeys },
      ),
    ).toEqual({
      customerId: FIELD_MASK,
      'card-holder': FIELD_MASK,
      CUSTOMER_ID: FIELD_MASK,
      note: 'c-7',
      count: 2,
    });
    // Without the pipeline's keys, only the always-on masks apply.
    expect(redact({ customerId: 'c-7' })).toEqual({ customerId: 'c-7' });
  });

  it('builds a JSON.stringify replacer', () => {
    const { replacer } = createRedactor({ piiKeys: ['customer_id'] });
    expect(JSON.stringify({ customerId: 'c-7', note: 'x' }, replacer)).toBe(
      `{"customerId":"${FIELD_MASK}","note":"x"}`,
    );
  });
});
