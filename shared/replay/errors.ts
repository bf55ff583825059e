/** Typed errors of the replay job: callers branch on `code`, never on the message. */

/** Why a replay request could not be run. */
export type ReplayErrorCode =
  /** The request does not match the schema. */
  | 'INVALID_REQUEST'
  /** The job id exists with a different request: a job id names one replay, forever. */
  | 'JOB_REQUEST_MISMATCH'
  /** Another invocation holds the job's lock and renewed it recently. */
  | 'JOB_BUSY'
  /** A checkpoint write lost a conditional check: someone else advanced the job. */
  | 'CHECKPOINT_CONFLICT'
  /** The source or target topic does not exist. */
  | 'UNKNOWN_TOPIC'
  /** A partition of the range does not exist in the source topic. */
  | 'UNKNOWN_PARTITION';

/** An error of the replay job, with a stable code. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
