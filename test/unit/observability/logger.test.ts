import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsLogCreator } from '../../../shared/observability/kafkajs-log.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { captureOutput } from './capture.ts';

const IMSI = '208150123456789';
const MSISDN = '+33612345678';

describe('createLogger', () => {
  it('writes JSON lines with no IMSI or MSISDN in clear, wherever they are passed', async () => {
    const logger = createLogger({ serviceName: 'orion-test', persistentKeys: { stage: 'validation' } });
    const lines = await captureOutput(() => {
      logger.info(`rejected ${IMSI} calling ${MSISDN}`, {
        imsi: IMSI,
        detail: { caller: MSISDN, note: `x ${IMSI}` },
      });
      logger.error('failed', new Error(`write failed for ${IMSI}`));
      logger.warn('list', { numbers: [MSISDN, '0612345678'] });
    });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(parsed.service).toBe('orion-test');
      expect(parsed.stage).toBe('validation');
      expect(line).not.toContain(IMSI);
      expect(line).not.toContain(MSISDN.slice(1));
      expect(line).not.toContain('612345678');
    }
  });
});

describe('kafkajsLogCreator', () => {
  it('forwards WARN and ERROR, drops INFO and DEBUG', async () => {
    const logger = createLogger({ serviceName: 'orion-test' });
    const log = kafkajsLogCreator(logger)(logLevel.WARN);
    const lines = await captureOutput(() => {
      for (const level of [logLevel.ERROR, logLevel.WARN, logLevel.INFO, logLevel.DEBUG]) {
        log({
          namespace: 'Connection',
          level,
          label: 'x',
          log: { timestamp: 't', logger: 'kafkajs', message: `m${level}`, broker: 'b:9092' },
        });
      }
    });
    expect(lines.map((l) => [JSON.parse(l).level, JSON.parse(l).message])).toEqual([
      ['ERROR', 'kafkajs Connection: m1'],
      ['WARN', 'kafkajs Connection: m2'],
    ]);
  });

  it('keeps the warning about the bounded idempotent retries ORION chose at DEBUG', async () => {
    const message = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';
    const entry = {
      namespace: 'Producer',
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: 't', logger: 'kafkajs', message },
    };
    const quiet = await captureOutput(() =>
      kafkajsLogCreator(createLogger({ serviceName: 'orion-test' }))(logLevel.WARN)(entry),
    );
    expect(quiet).toEqual([]);
    const debug = createLogger({ serviceName: 'orion-test' });
    debug.setLogLevel('DEBUG');
    const lines = await captureOutput(() => kafkajsLogCreator(debug)(logLevel.WARN)(entry));
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['DEBUG']);
  });
});
