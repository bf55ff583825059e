import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../shared/replay/rate-limiter.ts';

/** A fake clock: sleeping advances it. */
function clock() {
  let t = 0;
  const sleep = async (ms: number) => {
    t += ms;
  };
  return { now: () => t, sleep, elapsed: () => t };
}

describe('RateLimiter', () => {
  it('lets the first second through at once, then paces to the rate', async () => {
    const c = clock();
    const limiter = new RateLimiter(100, c.now, c.sleep);
    await limiter.take(100);
    expect(c.elapsed()).toBe(0);
    for (let i = 0; i < 10; i++) await limiter.take(50);
    // 500 more records at 100/s: 5 s.
    expect(c.elapsed()).toBeCloseTo(5_000, 0);
  });

  it('keeps the long-run rate when batches exceed one second of tokens', async () => {
    const c = clock();
    const limiter = new RateLimiter(10, c.now, c.sleep);
    for (let i = 0; i < 4; i++) await limiter.take(25);
    // 100 records at 10/s, minus the initial 10-token burst: 9 s.
    expect(c.elapsed()).toBeCloseTo(9_000, 0);
  });
});
