/**
 * Routes kafkajs' own log lines through the ORION logger at WARN and above, so that they are
 * JSON, redacted, and quiet (kafkajs logs every connection at INFO).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type logCreator, logLevel } from 'kafkajs';

/**
 * kafkajs warnings about a setting ORION chose on purpose: logged at DEBUG, not once per producer
 * at every cold start. Retries of the idempotent producer are bounded so that a broken broker
 * surfaces as failed records within the invocation (see `PRODUCER_CONFIG`).
 */
const EXPECTED_WARNINGS: readonly RegExp[] = [/^Limiting retries for the idempotent producer/];

/**
 * A kafkajs `logCreator` writing WARN and ERROR entries to `logger`; lower levels are dropped,
 * and so are the warnings ORION expects (at DEBUG). Pass it with `logLevel: logLevel.WARN`.
 *
 * @example new Kafka({ brokers, logLevel: logLevel.WARN, logCreator: kafkajsLogCreator(logger) })
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log as Record<string, unknown>;
      const text = `kafkajs ${namespace}: ${String(message)}`;
      if (level === logLevel.ERROR) logger.error(text, extra);
      else if (level === logLevel.WARN) {
        if (EXPECTED_WARNINGS.some((re) => re.test(String(message)))) logger.debug(text, extra);
        else logger.warn(text, extra);
      }
    };
}
