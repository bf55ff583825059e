/**
 * Errors of the Kafka package: one base class, a closed list of codes, and on each error whether
 * retrying the same call can succeed.
 */

/** Every code a {@link KafkaError} can carry, with whether an error of that code is retryable. */
export const KAFKA_ERROR_CODES = {
  /** A client option is missing or wrong (e.g. `msk-iam` without a region): fix the configuration. */
  INVALID_CLIENT_CONFIG: { retryable: false },
  /** A batch was not acknowledged by the in-sync replicas in time: the brokers may recover. */
  PRODUCE_TIMEOUT: { retryable: true },
  /** Created topics still have no leader: the cluster may still be propagating them. */
  TOPICS_NOT_READY: { retryable: true },
  /** The topic catalog asks for fewer partitions than a topic has: Kafka cannot remove partitions. */
  PARTITION_DECREASE: { retryable: false },
  /** A record carries an `orion.reason` header but another failure header is missing or malformed. */
  INVALID_FAILURE_HEADERS: { retryable: false },
  /** An LZ4-compressed batch arrived where the native LZ4 codec (`lz4-napi`) is not installed. */
  LZ4_UNAVAILABLE: { retryable: false },
} as const;

/** Code of a {@link KafkaError}. */
export type KafkaErrorCode = keyof typeof KAFKA_ERROR_CODES;

/**
 * Base error of `shared/kafka`.
 * @example throw new KafkaError('INVALID_CLIENT_CONFIG', 'msk-iam authentication needs a region');
 */
export class KafkaError extends Error {
  override readonly name: string = 'KafkaError';
  /** Whether the same call may succeed later (from the code's entry in {@link KAFKA_ERROR_CODES}). */
  readonly retryable: boolean;
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = KAFKA_ERROR_CODES[code].retryable;
  }
}

/**
 * Whether retrying the call that threw `error` can succeed: the `retryable` flag of ORION's errors,
 * or the `retriable` flag kafkajs sets on its own (e.g. a leader not yet elected). Anything else
 * is not retryable.
 *
 * @example isRetryable(new KafkaError('PRODUCE_TIMEOUT', 'slow')) // true
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const flags = error as { retryable?: unknown; retriable?: unknown };
  return flags.retryable === true || flags.retriable === true;
}

/**
 * Whether a read of offsets or metadata that threw `error` may succeed if asked again:
 * {@link isRetryable}, or a TypeError thrown inside kafkajs itself — its `admin.fetchTopicOffsets`
 * destructures a missing response (`high.pop()` is undefined) when its metadata of a topic a moment
 * old, or of a partition whose leader just moved, is still empty (seen in the fault runs).
 *
 * @example isTransientKafkaRead(new TypeError("Cannot destructure property 'partitions'")) // true when thrown from kafkajs
 */
export function isTransientKafkaRead(error: unknown): boolean {
  if (isRetryable(error)) return true;
  return error instanceof TypeError && /[/\\]kafkajs[/\\]/.test(error.stack ?? '');
}

/** Raised when a batch was not acknowledged in time. */
export class ProduceTimeoutError extends KafkaError {
  override readonly name = 'ProduceTimeoutError';
  constructor(message: string) {
    super('PRODUCE_TIMEOUT', message);
  }
}

/** One topic whose catalog asks for fewer partitions than it has. */
export interface PartitionDecrease {
  readonly topic: string;
  readonly current: number;
  readonly desired: number;
}

/**
 * Kafka cannot remove partitions (records would be lost and the key → partition mapping would
 * change), so the applier refuses the whole apply before changing anything.
 *
 * @example
 * if (error instanceof PartitionDecreaseError) console.error(error.decreases[0]?.topic);
 */
export class PartitionDecreaseError extends KafkaError {
  override readonly name = 'PartitionDecreaseError';
  constructor(readonly decreases: readonly PartitionDecrease[]) {
    super(
      'PARTITION_DECREASE',
      `Refusing to decrease partitions: ${decreases
        .map((d) => `${d.topic} has ${d.current}, the catalog asks for ${d.desired}`)
        .join('; ')}. Kafka cannot remove partitions without losing records and moving keys; keep ` +
        'the current count in the catalog, or create a new topic and migrate to it. Nothing was changed.',
    );
  }
}

/**
 * Raised when a failure record's headers are incomplete or malformed.
 * @example if (error instanceof FailureHeadersError) console.error(error.header);
 */
export class FailureHeadersError extends KafkaError {
  override readonly name = 'FailureHeadersError';
  constructor(
    /** The header at fault. */
    readonly header: string,
    message: string,
  ) {
    super('INVALID_FAILURE_HEADERS', message);
  }
}
