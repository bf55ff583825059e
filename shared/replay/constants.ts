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

/** Variable that shortens or lengthens the job lock's lease (ms, 5,000–900,000). */
export const REPLAY_LEASE_VARIABLE = 'REPLAY_LEASE_MS';

/**
 * The lease from `REPLAY_LEASE_MS`, else 60 s. A shorter lease lets a crashed replay be resumed
 * sooner (the fault runs' short `replay-kill` waits for it); a batch must still be sent well
 * within it (`runReplay` sizes batches to half the lease at the rate limit).
 */
function leaseMsFromEnv(): number {
  const raw = process.env[REPLAY_LEASE_VARIABLE]?.trim();
  if (!raw) return 60_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 5_000 || value > 900_000)
    throw new Error(`set ${REPLAY_LEASE_VARIABLE} to a whole number of milliseconds between 5000 and 900000`);
  return value;
}

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
  leaseMs: leaseMsFromEnv(),
  /** Clock skew and producer delay tolerated when looking for records of an unfinished batch. */
  recoverySkewMs: 30_000,
  /** Checkpoint rows expire this long after their last write (DynamoDB TTL). */
  checkpointTtlSeconds: 30 * 24 * 60 * 60,
} as const;
