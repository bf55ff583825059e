/**
 * Constants of the replay job: the headers it adds to republished records and its defaults.
 * Topic names come from `shared/pipeline`; nothing here repeats them.
 */

/** Headers ORION adds to every republished record (the original headers are kept). */
export const REPLAY_HEADER = {
  /** Deterministic id of this replay of this dead letter: `<jobId>@<topic>-<partition>@<offset>[#<index>]`. */
  id: 'orion.replay.id',
  /** How many times the record has been replayed, this replay included (decimal string). */
  count: 'orion.replay.count',
  /** The replay job that republished the record. */
  job: 'orion.replay.job',
} as const;

/** Defaults of a replay request (see `request.ts`). */
export const REPLAY_DEFAULTS = {
  /** A record replayed this many times already is refused (loop guard). */
  maxReplays: 3,
  /** Records republished per second. */
  ratePerSecond: 2_000,
  /** Records per `sendBatch` and per checkpoint write. */
  batchSize: 500,
  /** Stop this long before the Lambda timeout, leaving time for the last checkpoint. */
  safetyMarginMs: 20_000,
  /** A job lock not renewed for this long is considered abandoned (the invocation crashed). */
  leaseMs: 60_000,
  /** Clock skew and producer delay tolerated when looking for records of an unfinished batch. */
  recoverySkewMs: 30_000,
  /** Checkpoint rows expire this long after their last write (DynamoDB TTL). */
  checkpointTtlSeconds: 30 * 24 * 60 * 60,
} as const;
