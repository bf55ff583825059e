/**
 * The order validator, table-driven over every bad-body kind of the catalogue: each is refused
 * with exactly its reason code at its JSON Pointer; the valid order passes; several problems are
 * all reported; the reason catalogue itself is closed and each 400 code has a case.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REPORTED_PROBLEMS } from '../../../shared/commerce/orders/constants.ts';
import { isCountryCode } from '../../../shared/commerce/orders/model/schemas.ts';
import {
  BAD_REQUEST_REASONS,
  isOrderReason,
  ORDER_REASONS,
  statusOfReason,
} from '../../../shared/commerce/orders/reason-codes.ts';
import { BAD_BODIES, BAD_REQUESTS, validOrder } from '../../../shared/commerce/orders/sample-orders.ts';
import { jsonPointer, minorUnits, validateOrderBody } from '../../../shared/commerce/orders/validation.ts';

const bytes = (body: string | Uint8Array) =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

describe('validateOrderBody', () => {
  it('accepts the valid order and returns exactly its fields', () => {
    const result = validateOrderBody(bytes(JSON.stringify(validOrder())));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.request).toEqual(validOrder());
  });

  it('accepts an order without the optional fields, in a currency without decimals', () => {
    const order = validOrder();
    delete order.customer_info.phone;
    order.currency = 'JPY';
    order.items = [{ sku: 'SKU-1', name: 'Tea', quantity: 3, unit_price: 1500 }];
    order.total_amount = 4500;
    expect(validateOrderBody(bytes(JSON.stringify(order))).ok).toBe(true);
  });

  it('covers at least 20 distinct reason codes with its bad bodies', () => {
    expect(new Set(BAD_BODIES.map((c) => c.code)).size).toBeGreaterThanOrEqual(20);
    expect(BAD_BODIES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_BODIES.map((c) => [c.kind, c] as const))('%s → %s', (_kind, input) => {
    const result = validateOrderBody(bytes(input.body));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.code, p.path])).toEqual([[input.code, input.path]]);
    expect(statusOfReason(input.code)).toBe(400);
    const message = result.problems[0]!.message;
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toContain('\n');
  });

  it('reports every problem of one kind at once, each at its path', () => {
    const order = validOrder();
    order.currency = 'XYZ';
    order.items[0].quantity = 0;
    order.items[1].sku = 'bad sku';
    order.customer_info.email = 'nope';
    order.status = 'PAID';
    const result = validateOrderBody(bytes(JSON.stringify(order)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.code} ${p.path}`).sort()).toEqual(
      [
        'INVALID_EMAIL /customer_info/email',
        'INVALID_IDENTIFIER /items/1/sku',
        'INVALID_QUANTITY /items/0/quantity',
        'READ_ONLY_FIELD /status',
        'UNKNOWN_CURRENCY /currency',
      ].sort(),
    );
  });

  it('caps the list and counts what it left out', () => {
    const order = validOrder();
    order.items = Array.from({ length: 40 }, (_, i) => ({
      sku: `S${i}`,
      name: 'x',
      quantity: 0,
      unit_price: 1,
    }));
    const result = validateOrderBody(bytes(JSON.stringify(order)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
    expect(result.omitted).toBe(40 - MAX_REPORTED_PROBLEMS);
  });

  it('refuses a body above the limit before decoding it', () => {
    const result = validateOrderBody(new Uint8Array(2048).fill(0xff), { maxBytes: 1024 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('never echoes a customer value in its messages', () => {
    const order = validOrder();
    order.customer_info.email = 'secret-person@@example.com';
    order.customer_info.phone = 'call 0612345678';
    const result = validateOrderBody(bytes(JSON.stringify(order)));
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).not.toContain('secret-person');
    expect(text).not.toContain('0612345678');
  });

  it('does not let a __proto__ key reach a prototype', () => {
    const body = `{"__proto__":{"polluted":true},${JSON.stringify(validOrder()).slice(1)}`;
    validateOrderBody(bytes(body));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('reason codes', () => {
  it('are a closed list with an HTTP status each, and every 400 code has a test case', () => {
    expect(ORDER_REASONS.every(isOrderReason)).toBe(true);
    expect(isOrderReason('NOPE')).toBe(false);
    const tested = new Set(BAD_REQUESTS.map((c) => c.code));
    // PAYLOAD_TOO_LARGE is 413; every 400 code is covered by the catalogue.
    expect(BAD_REQUEST_REASONS.filter((code) => !tested.has(code))).toEqual([]);
  });
});

describe('helpers', () => {
  it('writes JSON Pointers with RFC 6901 escapes', () => {
    expect(jsonPointer(['items', 0, 'sku'])).toBe('/items/0/sku');
    expect(jsonPointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
    expect(jsonPointer([])).toBe('');
  });

  it('converts amounts to minor units only when they fit the minor unit', () => {
    expect(minorUnits(19.99, 2)).toBe(1999);
    expect(minorUnits(0.1 + 0.2, 2)).toBeUndefined();
    expect(minorUnits(19.999, 2)).toBeUndefined();
    expect(minorUnits(1500, 0)).toBe(1500);
    expect(minorUnits(1.234, 3)).toBe(1234);
  });

  it('knows country codes', () => {
    expect(['FR', 'GB', 'SN', 'CI', 'MA'].every(isCountryCode)).toBe(true);
    expect(['UK', 'EU', 'ZZ', 'XX', 'fr', 'FRA'].some(isCountryCode)).toBe(false);
  });
});
