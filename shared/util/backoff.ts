/**
 * Exponential backoff with full jitter, for any call retried after a partial or throttled answer
 * (DynamoDB unprocessed items and keys, for example).
 */

/** How a retried call backs off. */
export interface BackoffPolicy {
  /** Attempts in total, the first call included. */
  readonly maxAttempts: number;
  /** Upper bound of the first retry's delay; doubles per retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay. */
  readonly maxDelayMs: number;
}

/**
 * Defaults: 8 attempts, 50 ms doubling up to 2 s (≈ 5 s worst case), as the AWS SDK advises for
 * DynamoDB unprocessed items.
 */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * Delay before retry number `retry` (1 = first retry): exponential backoff with full jitter.
 * `random` is injectable for tests.
 *
 * @example backoffDelayMs(3, DEFAULT_BACKOFF_POLICY) // somewhere in [0, 200)
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Resolves after `ms` milliseconds.
 * @example await sleep(backoffDelayMs(attempt, DEFAULT_BACKOFF_POLICY))
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
