/**
 * Errors of the replay job: one base class, a closed list of codes, and on each error whether
 * invoking the job again can succeed. Callers branch on `code` or `retryable`, never on the
 * message.
 */

/** Every code a {@link ReplayError} can carry, with whether an error of that code is retryable. */
export const REPLAY_ERROR_CODES = {
  /** The request does not match the schema. */
  INVALID_REQUEST: { retryable: false },
  /** The job id exists with a different request: a job id names one replay, forever. */
  JOB_REQUEST_MISMATCH: { retryable: false },
  /** Another invocation holds the job's lock and renewed it recently: retry once its lease ends. */
  JOB_BUSY: { retryable: true },
  /** A checkpoint write lost a conditional check (someone else advanced the job): invoke again to resume. */
  CHECKPOINT_CONFLICT: { retryable: true },
  /** The source or target topic does not exist. */
  UNKNOWN_TOPIC: { retryable: false },
  /** A partition of the range does not exist in the source topic. */
  UNKNOWN_PARTITION: { retryable: false },
} as const;

/** Why a replay request could not be run. */
export type ReplayErrorCode = keyof typeof REPLAY_ERROR_CODES;

/**
 * An error of the replay job, with a stable code.
 * @example throw new ReplayError('JOB_BUSY', 'Replay job j is being run by another invocation');
 */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  /** Whether invoking the job again may succeed (from {@link REPLAY_ERROR_CODES}). */
  readonly retryable: boolean;
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = REPLAY_ERROR_CODES[code].retryable;
  }
}
