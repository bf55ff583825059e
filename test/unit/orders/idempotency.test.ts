/**
 * Idempotency-Key logic: header syntax (token or RFC 8941 sf-string), the record key's scoping,
 * the request fingerprint's independence from key order and whitespace, and the decision on an
 * existing record (replay, mismatch, expired).
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  decideIdempotency,
  idempotencyRecordKey,
  newIdempotencyRecord,
  parseIdempotencyKey,
  requestFingerprint,
} from '../../../shared/commerce/orders/idempotency.ts';
import { validOrder } from '../../../shared/commerce/orders/sample-orders.ts';
import { validateOrderBody } from '../../../shared/commerce/orders/validation.ts';

function request(order: unknown) {
  const result = validateOrderBody(new TextEncoder().encode(JSON.stringify(order)));
  if (!result.ok) throw new Error('fixture must be valid');
  return result.request;
}

describe('parseIdempotencyKey', () => {
  it('is undefined without the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['  order-42  ', 'order-42'],
    ['"a\\"b\\\\c"', 'a"b\\c'],
    ['k'.repeat(255), 'k'.repeat(255)],
  ])('accepts %s', (header, key) => {
    expect(parseIdempotencyKey(header)).toEqual({ ok: true, key });
  });

  it.each([
    ['empty', ''],
    ['empty quoted', '""'],
    ['with a space', 'my key'],
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'clé-1'],
    ['a control character', 'k\u0001'],
    ['unterminated quote', '"abc'],
    ['inner unescaped quote', '"a"b"'],
    ['bad escape', '"a\\nb"'],
  ])('refuses %s', (_name, header) => {
    const parsed = parseIdempotencyKey(header);
    expect(parsed?.ok).toBe(false);
    if (parsed && !parsed.ok) expect(parsed.problem.code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
});

describe('idempotencyRecordKey', () => {
  it('is a stable SHA-256, scoped by caller, holding nothing the client sent', () => {
    const key = idempotencyRecordKey('k-1');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyRecordKey('k-1')).toBe(key);
    expect(idempotencyRecordKey('k-1', 'anonymous')).toBe(key);
    expect(idempotencyRecordKey('k-1', 'alice')).not.toBe(key);
    expect(idempotencyRecordKey('k-2')).not.toBe(key);
    expect(key).not.toContain('k-1');
  });
});

describe('requestFingerprint', () => {
  it('ignores key order and whitespace, and changes with any field', () => {
    const a = request(validOrder());
    const reordered = JSON.parse(
      JSON.stringify({
        total_amount: 53.48,
        currency: 'EUR',
        items: validOrder().items,
        customer_info: validOrder().customer_info,
      }),
    );
    expect(requestFingerprint(request(reordered))).toBe(requestFingerprint(a));
    const other = validOrder();
    other.customer_info.shipping_address.street = '13 rue de la Paix';
    expect(requestFingerprint(request(other))).not.toBe(requestFingerprint(a));
    const swapped = validOrder();
    swapped.items.reverse();
    expect(requestFingerprint(request(swapped))).not.toBe(requestFingerprint(a)); // line order is meaningful
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe(
      '{"a":[2,{"c":4,"d":3}],"b":1}',
    );
  });
});

describe('decideIdempotency', () => {
  const nowMs = Date.UTC(2026, 0, 1);
  const record = newIdempotencyRecord({
    recordKey: 'x',
    requestHash: 'h1',
    orderId: 'o',
    statusCode: 202,
    responseBody: '{}',
    nowMs,
    ttlSeconds: 60,
  });

  it('replays the same request, refuses another, forgets after the TTL', () => {
    expect(record.expires_at).toBe(nowMs / 1000 + 60);
    expect(decideIdempotency(record, 'h1', nowMs + 59_000)).toBe('replay');
    expect(decideIdempotency(record, 'h2', nowMs + 59_000)).toBe('mismatch');
    expect(decideIdempotency(record, 'h1', nowMs + 60_000)).toBe('expired');
    expect(decideIdempotency(record, 'h2', nowMs + 61_000)).toBe('expired');
  });
});
