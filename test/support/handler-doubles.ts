/** Test doubles of a stage handler's dependencies: a producer that records its sends, a silent logger. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { OutboundRecord } from '../../shared/kafka/producer.ts';
import { createLogger } from '../../shared/observability/logger.ts';

/**
 * A producer that records every send (one entry per call), then throws `fail` when given.
 * @example const producer = recordingProducer(); … expect(producer.calls).toHaveLength(1);
 */
export function recordingProducer(fail?: Error) {
  const calls: OutboundRecord[][] = [];
  return {
    calls,
    async send(outbound: readonly OutboundRecord[]) {
      calls.push([...outbound]);
      if (fail) throw fail;
    },
  };
}

/** ORION's logger with nothing printed. */
export function quietLogger(): Logger {
  const logger = createLogger({ serviceName: 'test' });
  logger.setLogLevel('SILENT');
  return logger;
}
