/** How unprocessed DynamoDB items are retried. */
export interface RetryPolicy {
  /** Attempts in total, the first call included. */
  readonly maxAttempts: number;
  /** Upper bound of the first retry's delay; doubles per retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay. */
  readonly maxDelayMs: number;
}

/** Defaults: 8 attempts, 50 ms doubling up to 2 s (≈ 5 s worst case), as the AWS SDK advises for unprocessed items. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * Delay before retry number `retry` (1 = first retry): exponential backoff with full jitter.
 * `random` is injectable for tests.
 *
 * @example backoffDelayMs(3, DEFAULT_RETRY_POLICY) // somewhere in [0, 200)
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
