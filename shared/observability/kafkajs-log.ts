/**
 * Routes kafkajs' own log lines through the ORION logger at WARN and above, so that they are
 * JSON, redacted, and quiet (kafkajs logs every connection at INFO).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type logCreator, logLevel } from 'kafkajs';

/**
 * A kafkajs `logCreator` writing WARN and ERROR entries to `logger`; lower levels are dropped.
 * Pass it with `logLevel: logLevel.WARN`.
 *
 * @example new Kafka({ brokers, logLevel: logLevel.WARN, logCreator: kafkajsLogCreator(logger) })
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log as Record<string, unknown>;
      const text = `kafkajs ${namespace}: ${String(message)}`;
      if (level === logLevel.ERROR) logger.error(text, extra);
      else if (level === logLevel.WARN) logger.warn(text, extra);
    };
}
