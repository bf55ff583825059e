/**
 * Classifies a Cassandra / Keyspaces write error as a transient failure with a stable code, so
 * the runtime reports the record to the event source mapping (retry, then the stage's on-failure
 * topic) and the DLQ headers say why. Driver messages name hosts and error classes, never bound
 * values. This is the one classifier of driver errors.
 */
import cassandra from 'cassandra-driver';
import { TransientError } from '../../runtime/outcome.ts';

/** Why a write failed. */
export const STORAGE_FAILURE = {
  /** No Cassandra node (or Keyspaces endpoint) reachable. */
  UNAVAILABLE: 'STORAGE_UNAVAILABLE',
  /** The client or the coordinator timed out. */
  TIMEOUT: 'STORAGE_TIMEOUT',
  /** Keyspaces capacity exceeded / coordinator overloaded. */
  THROTTLED: 'STORAGE_THROTTLED',
  /** Any other write error. */
  WRITE_FAILED: 'STORAGE_WRITE_FAILED',
} as const;

const codes = cassandra.types.responseErrorCodes;

/**
 * Wraps a driver error into a {@link TransientError} with a {@link STORAGE_FAILURE} code.
 *
 * @example storageFailure(new cassandra.errors.NoHostAvailableError({})).code // 'STORAGE_UNAVAILABLE'
 */
export function storageFailure(error: unknown): TransientError {
  const message = error instanceof Error ? error.message : String(error);
  const code = classify(error, message);
  return new TransientError(code, `write to hot storage failed (${code}): ${message.slice(0, 300)}`, {
    cause: error,
  });
}

function classify(error: unknown, message: string): string {
  if (error instanceof cassandra.errors.NoHostAvailableError) return STORAGE_FAILURE.UNAVAILABLE;
  if (error instanceof cassandra.errors.OperationTimedOutError) return STORAGE_FAILURE.TIMEOUT;
  if (error instanceof cassandra.errors.ResponseError) {
    if (error.code === codes.overloaded || /throttl|capacity/i.test(message))
      return STORAGE_FAILURE.THROTTLED;
    if (error.code === codes.writeTimeout || error.code === codes.readTimeout) return STORAGE_FAILURE.TIMEOUT;
    if (error.code === codes.unavailableException) return STORAGE_FAILURE.UNAVAILABLE;
  }
  if (error instanceof cassandra.errors.DriverError && /connect|socket|closed/i.test(message)) {
    return STORAGE_FAILURE.UNAVAILABLE;
  }
  return STORAGE_FAILURE.WRITE_FAILED;
}
