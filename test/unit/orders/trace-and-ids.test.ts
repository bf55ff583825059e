/**
 * W3C traceparent handling (continue a valid trace, ignore an invalid header, new span each
 * time), correlation ids, and UUID v7 order ids (version, variant, embedded time, order).
 */
import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidV7, uuidV7TimeMs } from '../../../shared/commerce/orders/ids.ts';
import {
  correlationIdOf,
  formatTraceparent,
  parseTraceparent,
  traceContextOf,
} from '../../../shared/commerce/orders/trace.ts';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses the spec example', () => {
    expect(parseTraceparent(VALID)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it.each([
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['version 00 with an extra field', `${VALID}-extra`],
    ['garbage', 'hello'],
  ])('ignores %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('reads a future version by its first four fields', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('continues a valid trace with a new span, keeps flags and tracestate', () => {
    const trace = traceContextOf(VALID.replace(/-01$/, '-00'), 'vendor=abc');
    expect(trace.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace.parentSpanId).toBe('00f067aa0ba902b7');
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.spanId).not.toBe('00f067aa0ba902b7');
    expect(trace.tracestate).toBe('vendor=abc');
    expect(formatTraceparent(trace)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${trace.spanId}-00`);
  });

  it('starts a new sampled trace without (or with an invalid) traceparent', () => {
    const a = traceContextOf(undefined);
    const b = traceContextOf('bogus', 'vendor=abc');
    for (const t of [a, b]) {
      expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(t.parentSpanId).toBeUndefined();
      expect(t.tracestate).toBeUndefined();
      expect(t.flags).toBe('01');
      expect(parseTraceparent(formatTraceparent(t))?.traceId).toBe(t.traceId);
    }
    expect(a.traceId).not.toBe(b.traceId);
  });
});

describe('correlationIdOf', () => {
  it('keeps a sane client id, replaces anything else', () => {
    expect(correlationIdOf('checkout-42')).toBe('checkout-42');
    expect(correlationIdOf(' checkout-42 ')).toBe('checkout-42');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 'é']) {
      expect(correlationIdOf(bad)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});

describe('uuidV7', () => {
  it('sets version 7 and variant 10, carries the time, and sorts by it', () => {
    const t = Date.UTC(2026, 0, 1, 0, 0, 0, 123);
    const id = uuidV7(t);
    expect(isUuidV7(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]!);
    expect(uuidV7TimeMs(id)).toBe(t);
    const later = uuidV7(t + 1);
    expect(later > id).toBe(true);
    expect(uuidV7(t)).not.toBe(id);
  });

  it('uses the random source for the 74 random bits', () => {
    const ones = uuidV7(0, (b) => b.fill(0xff));
    expect(ones).toBe('00000000-0000-7fff-bfff-ffffffffffff');
    const zeros = uuidV7(0, (b) => b.fill(0));
    expect(zeros).toBe('00000000-0000-7000-8000-000000000000');
  });
});
