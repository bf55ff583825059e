/**
 * Errors of the DynamoDB Streams event source mapping emulator: one base class, a closed list of
 * codes, and whether retrying can help. Invalid settings are `EventSourceMappingSettingError`
 * (`shared/pipeline/errors.ts`), like the Kafka mappings'.
 */

/** Every code a {@link StreamMappingError} can carry. */
export const STREAM_MAPPING_ERROR_CODES = [
  /** The table has no stream, or the stream is disabled. */
  'STREAM_NOT_ENABLED',
  /** The table or stream does not exist. */
  'STREAM_NOT_FOUND',
  /** `waitUntilCaughtUp` ran out of time. */
  'NOT_CAUGHT_UP',
  /** The mapping was used after `stop()` / `kill()`. */
  'MAPPING_STOPPED',
] as const;

/** Code of a {@link StreamMappingError}. */
export type StreamMappingErrorCode = (typeof STREAM_MAPPING_ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<StreamMappingErrorCode> = new Set(['NOT_CAUGHT_UP']);

/**
 * Base error of `localstack/esm/dynamodb-streams`.
 * @example throw new StreamMappingError('STREAM_NOT_ENABLED', 'Table orders_outbox has no stream');
 */
export class StreamMappingError extends Error {
  override readonly name = 'StreamMappingError';
  /** True when the same call may succeed later (the mapping may still catch up). */
  readonly retryable: boolean;
  constructor(
    readonly code: StreamMappingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = RETRYABLE.has(code);
  }
}
