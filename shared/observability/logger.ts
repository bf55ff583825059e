/**
 * The ORION logger: Powertools Logger (structured JSON, one object per line) with every value
 * passed through a redactor (`redact.ts`), so that no personal data reaches the logs in clear
 * whatever a caller passes in a message, an attribute or an error.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createRedactor, redactReplacer } from './redact.ts';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** `service` key of every line. Default: `POWERTOOLS_SERVICE_NAME`, else `orion`. */
  readonly serviceName?: string;
  /** Keys added to every line, e.g. `{ stage: 'validation' }`. */
  readonly persistentKeys?: Record<string, string>;
  /**
   * Field names masked whole beside the always-on masks: the pipeline's
   * `PipelineDefinition.piiKeys`.
   * @default none
   */
  readonly piiKeys?: readonly string[];
}

/**
 * Creates a redacting JSON logger. The level comes from `POWERTOOLS_LOG_LEVEL` (default INFO).
 * Create it once per execution environment (module scope).
 *
 * @example
 * const logger = createLogger({ persistentKeys: { stage: 'validation' }, piiKeys: pipeline.piiKeys });
 * logger.info('batch processed', { records: 500 });
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'orion',
    jsonReplacerFn: options.piiKeys?.length
      ? createRedactor({ piiKeys: options.piiKeys }).replacer
      : redactReplacer,
    ...(options.persistentKeys ? { persistentKeys: options.persistentKeys } : {}),
  });
}
