/**
 * docs/ORDERS.md documents every reason code with the status the API answers it with, and no
 * code that does not exist.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORDER_REASON_STATUS, ORDER_REASONS } from '../../../shared/commerce/orders/reason-codes.ts';

const doc = readFileSync(new URL('../../../docs/ORDERS.md', import.meta.url), 'utf8');

describe('docs/ORDERS.md', () => {
  it('lists every reason code with its status, in check order', () => {
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(ORDER_REASONS.map((code) => [code, ORDER_REASON_STATUS[code]]));
  });
});
