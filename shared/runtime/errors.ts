/**
 * Errors of the stage runtime: one base class with a stable code and whether retrying can
 * succeed. The runtime's own failures have a closed list of codes; {@link TransientError} is the
 * base a stage's packages extend for failures that may succeed later, with codes of their own.
 */

/** Every code the runtime itself raises, with whether an error of that code is retryable. */
export const RUNTIME_ERROR_CODES = {
  /** The function's environment does not hold a valid configuration: fix it and redeploy. */
  INVALID_CONFIGURATION: { retryable: false },
  /** The handler was invoked with something that is not a Kafka event. */
  UNSUPPORTED_EVENT: { retryable: false },
  /** A stage returned a different number of results than it was given records. */
  RESULT_COUNT_MISMATCH: { retryable: false },
  /** The stage has no reject topic and the handler was given none. */
  NO_REJECT_TOPIC: { retryable: false },
} as const;

/** Code of an error the runtime raises itself. */
export type RuntimeErrorCode = keyof typeof RUNTIME_ERROR_CODES;

/**
 * Base error of `shared/runtime`: a stable `code` (what metrics and logs count failures by) and
 * `retryable`. `C` is the code type: {@link RuntimeErrorCode} for the runtime's own errors (their
 * flag comes from {@link RUNTIME_ERROR_CODES}), a stage package's own union for its
 * {@link TransientError}s.
 *
 * @example throw new RuntimeError('NO_REJECT_TOPIC', 'stage "x" has no reject topic');
 */
export class RuntimeError<C extends string = RuntimeErrorCode> extends Error {
  override readonly name: string = 'RuntimeError';
  /** Whether the same work may succeed later. */
  readonly retryable: boolean;
  constructor(
    readonly code: C,
    message: string,
    options: { readonly retryable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const own = (RUNTIME_ERROR_CODES as Record<string, { retryable: boolean } | undefined>)[code];
    this.retryable = options.retryable ?? own?.retryable ?? false;
  }
}

/**
 * A failure that may succeed later (a store down, throttling): the record is retried by the event
 * source mapping, then sent to its on-failure destination. Throw it (or a subclass with a closed
 * code list of its own) from a stage's domain or adapter code.
 *
 * @example throw new TransientError('STORE_UNAVAILABLE', 'no store node reachable', { cause: error });
 */
export class TransientError<C extends string = string> extends RuntimeError<C> {
  override readonly name: string = 'TransientError';
  constructor(
    /** Stable code, e.g. `STORE_UNAVAILABLE`. */
    code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, { retryable: true, cause: options?.cause });
  }
}

/** Raised when the environment does not hold a valid configuration. */
export class ConfigError extends RuntimeError {
  override readonly name = 'ConfigError';
  constructor(
    /** One line per invalid variable: `NAME: problem. Fix: …`. */
    readonly problems: readonly string[],
  ) {
    super('INVALID_CONFIGURATION', `Invalid ORION function configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Raised for an event that is not a Kafka event: the invocation fails. */
export class UnsupportedEventError extends RuntimeError {
  override readonly name = 'UnsupportedEventError';
  constructor(message: string) {
    super('UNSUPPORTED_EVENT', message);
  }
}

/**
 * Raised by the runtime when a stage breaks its contract or cannot be wired.
 * @example throw new StageContractError('RESULT_COUNT_MISMATCH', 'stage returned 2 results for 3 records');
 */
export class StageContractError extends RuntimeError {
  override readonly name = 'StageContractError';
  constructor(code: Extract<RuntimeErrorCode, 'RESULT_COUNT_MISMATCH' | 'NO_REJECT_TOPIC'>, message: string) {
    super(code, message);
  }
}

/**
 * The stable code of a failure, as metrics and logs count it: the `code` of any ORION error (every
 * package's base class carries a string `code` and a boolean `retryable`), else the error's name.
 *
 * @example errorCodeOf(new TransientError('STORE_UNAVAILABLE', 'down')) // 'STORE_UNAVAILABLE'
 * @example errorCodeOf(new TypeError('x')) // 'TypeError'
 */
export function errorCodeOf(error: unknown): string {
  if (error instanceof Error) {
    const { code, retryable } = error as { code?: unknown; retryable?: unknown };
    if (typeof code === 'string' && typeof retryable === 'boolean') return code;
    return error.name;
  }
  return 'UNKNOWN';
}
