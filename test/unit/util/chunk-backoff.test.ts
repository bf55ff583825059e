import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF_POLICY } from '../../../shared/util/backoff.ts';
import { chunk } from '../../../shared/util/chunk.ts';
import { mapBounded } from '../../../shared/util/map-bounded.ts';

describe('chunk', () => {
  it.each([
    [0, 25, []],
    [1, 25, [1]],
    [25, 25, [25]],
    [26, 25, [25, 1]],
    [250, 100, [100, 100, 50]],
  ])('%i items by %i → chunk sizes %j', (n, size, sizes) => {
    const items = Array.from({ length: n }, (_, i) => i);
    const chunks = chunk(items, size);
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    expect(chunks.flat()).toEqual(items);
  });

  it('refuses a non-positive size', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('backoffDelayMs', () => {
  it('doubles the cap per retry up to the maximum (full jitter)', () => {
    const max = () => 0.999_999;
    const caps = [1, 2, 3, 4, 5, 6, 7, 8].map((r) => backoffDelayMs(r, DEFAULT_BACKOFF_POLICY, max));
    expect(caps).toEqual([49, 99, 199, 399, 799, 1599, 1999, 1999]);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF_POLICY, () => 0)).toBe(0);
  });
});

describe('mapBounded', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
