/**
 * The token bucket API Gateway throttles with (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html):
 * the bucket holds up to `burstLimit` tokens, refills at `rateLimit` tokens per second, and each
 * request takes one; a request finding it empty is answered 429. AWS applies it best-effort;
 * this one is exact, which is what a test wants.
 */

/** Stage throttling settings, as API Gateway names them. */
export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Bucket size: requests accepted at once after a quiet period. */
  readonly burstLimit: number;
}

/** A token bucket; `take()` answers whether a request may pass. */
export interface TokenBucket {
  take(nowMs?: number): boolean;
  /** Seconds until the next token (for `Retry-After`). */
  retryAfterSeconds(nowMs?: number): number;
}

/**
 * A full bucket for these settings.
 * @example const bucket = createTokenBucket({ rateLimit: 10, burstLimit: 2 }); bucket.take() // true
 */
export function createTokenBucket(settings: ThrottleSettings, clock: () => number = Date.now): TokenBucket {
  if (!(settings.rateLimit >= 0) || !(settings.burstLimit >= 0)) {
    throw new RangeError('throttle rateLimit and burstLimit must be ≥ 0');
  }
  let tokens = settings.burstLimit;
  let last = clock();
  const refill = (now: number) => {
    tokens = Math.min(settings.burstLimit, tokens + ((now - last) / 1000) * settings.rateLimit);
    last = now;
  };
  return {
    take(now = clock()) {
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    retryAfterSeconds(now = clock()) {
      refill(now);
      if (tokens >= 1) return 0;
      return settings.rateLimit > 0 ? Math.max(1, Math.ceil((1 - tokens) / settings.rateLimit)) : 60;
    },
  };
}
