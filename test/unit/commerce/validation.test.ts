import { describe, expect, it } from 'vitest';
import {
  CommerceEventSchema,
  DEFAULT_MAX_EVENT_BYTES,
  EVENT_TYPES,
  fieldsOf,
  invalidCharacterAt,
  isRejectReason,
  parseJsonObject,
  REJECT_REASON,
  REJECT_REASONS,
  type RejectReason,
  tallyValidation,
  UNKNOWN_TYPE_KEY,
  validateEvent,
  validateEventObject,
} from '../../../shared/commerce/index.ts';
import { bytes, json, NOW, T, VALID, vary } from './fixtures.ts';

const limits = { nowMs: NOW };

describe('validateEvent: every event type', () => {
  it.each(EVENT_TYPES)('accepts a valid %s and returns it parsed', (type) => {
    const result = validateEvent(json(VALID[type]), limits);
    expect(result).toEqual({ ok: true, event: VALID[type] });
    expect(CommerceEventSchema.parse(VALID[type])).toEqual(VALID[type]);
  });

  it('accepts a leading BOM, surrounding whitespace and optional fields left out', () => {
    const text = `\uFEFF  ${JSON.stringify(vary(VALID.addtocart, { price: undefined }))}\n`;
    expect(validateEvent(bytes(text), limits).ok).toBe(true);
  });

  it('accepts card-less payment methods without a card fingerprint', () => {
    const paypal = vary(VALID.payment_attempt, { method: 'paypal', card_fingerprint: undefined });
    expect(validateEvent(json(paypal), limits).ok).toBe(true);
  });
});

const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });
const v = VALID.view;
const t = VALID.transaction;
const pay = VALID.payment_attempt;

/** [name, raw value, expected reason]: one row per kind of bad input. */
const INVALID: readonly [string, Uint8Array | null, RejectReason][] = [
  ['null value (tombstone)', null, REJECT_REASON.EMPTY_VALUE],
  ['zero bytes', new Uint8Array(0), REJECT_REASON.EMPTY_VALUE],
  ['only whitespace', bytes(' \n\t '), REJECT_REASON.EMPTY_VALUE],
  [
    'one byte over the limit',
    new Uint8Array(DEFAULT_MAX_EVENT_BYTES + 1).fill(0x20),
    REJECT_REASON.OVERSIZED,
  ],
  ['broken UTF-8', new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), REJECT_REASON.NOT_UTF8],
  ['a lone continuation byte', new Uint8Array([0x7b, 0x80, 0x7d]), REJECT_REASON.NOT_UTF8],
  ['not JSON', bytes('event_type=view'), REJECT_REASON.NOT_JSON],
  ['truncated JSON', bytes(JSON.stringify(v).slice(0, 40)), REJECT_REASON.NOT_JSON],
  ['a JSON array', json([v]), REJECT_REASON.NOT_OBJECT],
  ['a JSON string', json('view'), REJECT_REASON.NOT_OBJECT],
  ['JSON null', bytes('null'), REJECT_REASON.NOT_OBJECT],
  ['nesting deeper than 8', json(vary(v, { meta: deep(10) })), REJECT_REASON.NESTING_TOO_DEEP],
  [
    '__proto__ at the root',
    bytes(`{"__proto__":{"admin":true},${JSON.stringify(v).slice(1)}`),
    REJECT_REASON.FORBIDDEN_KEY,
  ],
  [
    'constructor nested',
    json(vary(VALID.filter, { filters: { constructor: { prototype: 1 } } })),
    REJECT_REASON.FORBIDDEN_KEY,
  ],
  ['prototype in an array', json(vary(v, { tags: [{ prototype: 1 }] })), REJECT_REASON.FORBIDDEN_KEY],
  [
    '\\u-escaped __proto__',
    bytes(`{"\\u005f_proto__":{},${JSON.stringify(v).slice(1)}`),
    REJECT_REASON.FORBIDDEN_KEY,
  ],
  ['NUL in a string', json(vary(v, { item_id: 'ab\u0000' })), REJECT_REASON.INVALID_CHARACTERS],
  ['ANSI escape in user_id', json(vary(v, { user_id: '12345\u001b[2J' })), REJECT_REASON.INVALID_CHARACTERS],
  [
    'C1 control in review text',
    json(vary(VALID.review, { text: 'ok\u0085' })),
    REJECT_REASON.INVALID_CHARACTERS,
  ],
  [
    'lone surrogate',
    bytes(JSON.stringify(vary(VALID.search, { query: 'x' })).replace('"x"', '"\\ud800"')),
    REJECT_REASON.INVALID_CHARACTERS,
  ],
  ['control character in a key', json(vary(v, { 'a\u0007': 1 })), REJECT_REASON.INVALID_CHARACTERS],
  ['price 1e999', bytes(JSON.stringify(t).replace('599.99', '1e999')), REJECT_REASON.NON_FINITE_NUMBER],
  ['amount -1e999', bytes(JSON.stringify(pay).replace('1199.98', '-1e999')), REJECT_REASON.NON_FINITE_NUMBER],
  ['unknown event_type', json(vary(v, { event_type: 'page_visit' })), REJECT_REASON.UNKNOWN_EVENT_TYPE],
  ['event_type in another case', json(vary(v, { event_type: 'VIEW' })), REJECT_REASON.UNKNOWN_EVENT_TYPE],
  ['no event_type', json(vary(v, { event_type: undefined })), REJECT_REASON.MISSING_FIELD],
  ['view without category', json(vary(v, { category: undefined })), REJECT_REASON.MISSING_FIELD],
  ['view without session_id', json(vary(v, { session_id: undefined })), REJECT_REASON.MISSING_FIELD],
  ['transaction without price', json(vary(t, { price: undefined })), REJECT_REASON.MISSING_FIELD],
  ['no event_id', json(vary(t, { event_id: undefined })), REJECT_REASON.MISSING_FIELD],
  [
    'failure without failure_reason',
    json(vary(VALID.payment_failure, { failure_reason: undefined })),
    REJECT_REASON.MISSING_FIELD,
  ],
  [
    'card payment without fingerprint',
    json(vary(pay, { card_fingerprint: undefined })),
    REJECT_REASON.MISSING_FIELD,
  ],
  ['event_type a number', json(vary(v, { event_type: 7 })), REJECT_REASON.WRONG_TYPE],
  ['price as a string', json(vary(t, { price: '599.99' })), REJECT_REASON.WRONG_TYPE],
  ['user_id as a number', json(vary(v, { user_id: 12345 })), REJECT_REASON.WRONG_TYPE],
  [
    'timestamp as ISO text',
    json(vary(v, { timestamp: new Date(T).toISOString() })),
    REJECT_REASON.WRONG_TYPE,
  ],
  ['filters as an array', json(vary(VALID.filter, { filters: ['brand'] })), REJECT_REASON.WRONG_TYPE],
  [
    'timestamp in epoch seconds',
    json(vary(v, { timestamp: Math.floor(T / 1000) })),
    REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
  ],
  [
    'timestamp 10 minutes ahead',
    json(vary(v, { timestamp: NOW + 600_000 })),
    REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
  ],
  [
    'timestamp after 2100',
    json(vary(v, { timestamp: Date.UTC(2101, 0, 1) })),
    REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
  ],
  ['negative timestamp', json(vary(v, { timestamp: -1 })), REJECT_REASON.TIMESTAMP_OUT_OF_RANGE],
  ['currency in lower case', json(vary(pay, { currency: 'eur' })), REJECT_REASON.INVALID_CURRENCY],
  ['currency not ISO 4217', json(vary(pay, { currency: 'EURO' })), REJECT_REASON.INVALID_CURRENCY],
  ['currency as a number', json(vary(pay, { currency: 978 })), REJECT_REASON.INVALID_CURRENCY],
  ['test currency XTS', json(vary(t, { currency: 'XTS' })), REJECT_REASON.INVALID_CURRENCY],
  ['negative price', json(vary(t, { price: -5 })), REJECT_REASON.NEGATIVE_VALUE],
  ['negative quantity', json(vary(t, { quantity: -1 })), REJECT_REASON.NEGATIVE_VALUE],
  ['negative amount', json(vary(pay, { amount: -0.01 })), REJECT_REASON.NEGATIVE_VALUE],
  ['negative results_count', json(vary(VALID.search, { results_count: -3 })), REJECT_REASON.NEGATIVE_VALUE],
  ['event_id not a UUID', json(vary(v, { event_id: 'not-a-uuid' })), REJECT_REASON.INVALID_VALUE],
  ['rating 6', json(vary(VALID.review, { rating: 6 })), REJECT_REASON.INVALID_VALUE],
  ['quantity 0', json(vary(t, { quantity: 0 })), REJECT_REASON.INVALID_VALUE],
  ['quantity 1.5', json(vary(t, { quantity: 1.5 })), REJECT_REASON.INVALID_VALUE],
  ['fractional timestamp', json(vary(v, { timestamp: T + 0.5 })), REJECT_REASON.INVALID_VALUE],
  ['unknown device_type', json(vary(v, { device_type: 'fridge' })), REJECT_REASON.INVALID_VALUE],
  ['unknown payment method', json(vary(pay, { method: 'cash' })), REJECT_REASON.INVALID_VALUE],
  ['empty user_id', json(vary(v, { user_id: '' })), REJECT_REASON.INVALID_VALUE],
  ['id with a space', json(vary(v, { item_id: '98 76' })), REJECT_REASON.INVALID_VALUE],
  ['empty query', json(vary(VALID.search, { query: '' })), REJECT_REASON.INVALID_VALUE],
  ['no filters', json(vary(VALID.filter, { filters: {} })), REJECT_REASON.INVALID_VALUE],
  [
    'badly named filter',
    json(vary(VALID.filter, { filters: { 'Brand Name': 'x' } })),
    REJECT_REASON.INVALID_VALUE,
  ],
  [
    'review text over 5000 chars',
    json(vary(VALID.review, { text: 'a'.repeat(5001) })),
    REJECT_REASON.INVALID_VALUE,
  ],
  ['unknown field', json(vary(v, { coupon_code: 'WELCOME10' })), REJECT_REASON.UNKNOWN_FIELD],
  ['misspelt optional field', json(vary(t, { curency: 'EUR' })), REJECT_REASON.UNKNOWN_FIELD],
  [
    'unknown key in a range filter',
    json(vary(VALID.filter, { filters: { price: { min: 1, avg: 2 } } })),
    REJECT_REASON.UNKNOWN_FIELD,
  ],
];

describe('validateEvent: every invalid kind', () => {
  it.each(INVALID)('rejects %s', (_name, value, reason) => {
    const result = validateEvent(value, limits);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.message).not.toContain('\n');
    expect(result.message.length).toBeLessThan(400);
  });

  it('covers every reason code', () => {
    expect(new Set(INVALID.map(([, , reason]) => reason))).toEqual(new Set(REJECT_REASONS));
  });

  it('honours a configured size limit, future skew and maximum age', () => {
    const value = json(VALID.view);
    expect(validateEvent(value, { nowMs: NOW, maxBytes: value.length })).toMatchObject({ ok: true });
    expect(validateEvent(value, { nowMs: NOW, maxBytes: value.length - 1 })).toMatchObject({
      reason: 'OVERSIZED',
    });
    const ahead = json(vary(VALID.view, { timestamp: NOW + 600_000 }));
    expect(validateEvent(ahead, { nowMs: NOW, maxFutureSkewMs: 3_600_000 }).ok).toBe(true);
    expect(validateEvent(value, { nowMs: NOW, maxAgeMs: 30_000 })).toMatchObject({
      reason: 'TIMESTAMP_OUT_OF_RANGE',
    });
    const retailRocket2015 = json(vary(VALID.view, { timestamp: Date.UTC(2015, 5, 1) }));
    expect(validateEvent(retailRocket2015, limits).ok).toBe(true);
  });

  it('names the event type of a schema failure, never an unknown type string', () => {
    expect(validateEvent(json(vary(t, { price: '1' })), limits)).toMatchObject({ eventType: 'transaction' });
    const unknown = validateEvent(json(vary(v, { event_type: 'x'.repeat(500) })), limits);
    expect(unknown).not.toHaveProperty('eventType');
    expect(unknown.ok === false && unknown.message.length).toBeLessThan(100);
  });

  it('summarises several schema issues in one line, the earliest reason winning', () => {
    const result = validateEvent(
      json(vary(t, { price: '1', quantity: -2, category: undefined, extra: 1 })),
      limits,
    );
    expect(result).toMatchObject({ ok: false, reason: 'MISSING_FIELD' });
    expect(result.ok === false && result.message).toMatch(
      /^transaction: category is missing; price is a string, expected number; quantity: .* \(\+1 more\)$/,
    );
  });

  it('never echoes field values in messages', () => {
    const result = validateEvent(json(vary(pay, { card_fingerprint: 'SECRET!!' })), limits);
    expect(result).toMatchObject({ ok: false, reason: 'INVALID_VALUE' });
    expect(result.ok === false && result.message).not.toContain('SECRET');
  });

  it('validateEventObject checks an already parsed value the same way', () => {
    expect(validateEventObject(VALID.review, limits)).toEqual({ ok: true, event: VALID.review });
    expect(validateEventObject([VALID.review], limits)).toMatchObject({ reason: 'NOT_OBJECT' });
    expect(validateEventObject(vary(VALID.review, { rating: 0 }), limits)).toMatchObject({
      reason: 'INVALID_VALUE',
    });
  });
});

describe('json guard', () => {
  it.each([
    ['plain text', -1, 'casque sans fil'],
    ['tab, CR, LF', -1, 'a\tb\r\nc'],
    ['accents and emoji', -1, 'été 😀'],
    ['ESC', 2, 'ok\u001b[2J'],
    ['DEL', 1, 'a\u007f'],
    ['lone low surrogate', 0, '\udc00x'],
  ] as const)('invalidCharacterAt: %s', (_name, index, text) => {
    expect(invalidCharacterAt(text)).toBe(index);
  });

  it('parseJsonObject returns the object or a reason', () => {
    expect(parseJsonObject('{"a":[1,{"b":"c"}]}')).toEqual({ ok: true, value: { a: [1, { b: 'c' }] } });
    expect(parseJsonObject('{"a":{"prototype":1}}')).toMatchObject({ ok: false, reason: 'FORBIDDEN_KEY' });
    expect(isRejectReason('NOT_JSON')).toBe(true);
    expect(isRejectReason('nope')).toBe(false);
  });
});

describe('schemas', () => {
  it('know the Sprint-1 required fields of view and transaction', () => {
    expect(fieldsOf('view')).toEqual(
      expect.arrayContaining([
        'event_id',
        'event_type',
        'timestamp',
        'user_id',
        'item_id',
        'category',
        'session_id',
        'device_type',
      ]),
    );
    expect(fieldsOf('transaction')).toEqual(
      expect.arrayContaining(['item_id', 'category', 'price', 'quantity']),
    );
  });

  it('discriminate on event_type', () => {
    expect(CommerceEventSchema.safeParse(vary(VALID.view, { event_type: 'search' })).success).toBe(false);
  });
});

describe('tallyValidation', () => {
  it('counts valid and invalid per event type, unknown types under one key', () => {
    const results = [
      validateEvent(json(VALID.view), limits),
      validateEvent(json(VALID.view), limits),
      validateEvent(json(vary(VALID.view, { category: undefined })), limits),
      validateEvent(json(VALID.payment_failure), limits),
      validateEvent(bytes('nope'), limits),
      validateEvent(json(vary(VALID.view, { event_type: 'zzz' })), limits),
    ];
    const counters = tallyValidation(results);
    expect(counters).toEqual({
      view: { valid: 2, invalid: 1 },
      payment_failure: { valid: 1, invalid: 0 },
      [UNKNOWN_TYPE_KEY]: { valid: 0, invalid: 2 },
    });
    const more = tallyValidation([validateEvent(json(VALID.view), limits)], counters);
    expect(more.view).toEqual({ valid: 3, invalid: 1 });
    expect(counters.view).toEqual({ valid: 2, invalid: 1 });
  });
});
