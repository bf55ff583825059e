/**
 * Errors of the pipeline framework: one base class, a closed list of codes, and whether the
 * error can be retried (a definition error never can: the definition must change).
 */

/** Every code a {@link PipelineError} can carry. */
export const PIPELINE_ERROR_CODES = [
  /** The definition is inconsistent (unknown topic, duplicate name, bad identifier …). */
  'INVALID_DEFINITION',
  /** No pipeline, stage, topic or store of that name. */
  'NOT_FOUND',
  /** An event source mapping setting is outside what AWS accepts. */
  'INVALID_MAPPING_SETTING',
  /** A `kafka://` destination URI is malformed. */
  'INVALID_DESTINATION',
  /** A function's environment contract cannot be built (a binding is missing). */
  'INVALID_ENVIRONMENT',
] as const;

/** Code of a {@link PipelineError}. */
export type PipelineErrorCode = (typeof PIPELINE_ERROR_CODES)[number];

/**
 * Base error of `shared/pipeline`.
 * @example throw new PipelineError('NOT_FOUND', 'Unknown stage "x"; stages are: a, b');
 */
export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
  /** Definition errors are never transient: retrying gives the same answer. */
  readonly retryable = false;
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An event source mapping setting AWS would refuse, naming the property as AWS spells it.
 * @example new EventSourceMappingSettingError('BatchSize', 'validation/orders: 0 is outside 1–10000')
 */
export class EventSourceMappingSettingError extends PipelineError {
  override readonly name = 'EventSourceMappingSettingError';
  constructor(
    /** The property as AWS names it, e.g. `MaximumRetryAttempts`. */
    readonly property: string,
    message: string,
    code: Extract<
      PipelineErrorCode,
      'INVALID_MAPPING_SETTING' | 'INVALID_DESTINATION'
    > = 'INVALID_MAPPING_SETTING',
  ) {
    super(code, `Event source mapping ${property}: ${message}`);
  }
}
