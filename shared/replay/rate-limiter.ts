/** A token bucket that paces republishing to a number of records per second. */

/** Paces batches of records to `ratePerSecond`; one instance per job run. */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    // A one-second burst, so the first batch goes out at once.
    this.tokens = ratePerSecond;
    this.last = now();
  }

  /**
   * Waits until `count` records may be sent, then takes their tokens. A batch larger than one
   * second's worth waits for the whole deficit, so the long-run rate stays at `ratePerSecond`.
   *
   * @example await limiter.take(batch.length)
   */
  async take(count: number): Promise<void> {
    this.refill();
    this.tokens -= count;
    if (this.tokens < 0) {
      await this.sleep((-this.tokens / this.ratePerSecond) * 1000);
      this.tokens = 0;
      this.last = this.now();
    }
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }
}
