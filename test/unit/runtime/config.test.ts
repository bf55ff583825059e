import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig } from '../../../shared/runtime/config.ts';
import { ConfigError } from '../../../shared/runtime/errors.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadRuntimeConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('loadRuntimeConfig', () => {
  it('defaults to plaintext locally', () => {
    expect(loadRuntimeConfig({ KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' })).toEqual({
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      auth: 'none',
      clientId: 'orion',
      serviceName: 'orion',
      produceTimeoutMs: 10_000,
    });
  });

  it('reads msk-iam with its region', () => {
    const c = loadRuntimeConfig({
      KAFKA_BROKERS: 'b-1.orion.kafka.eu-west-3.amazonaws.com:9098',
      KAFKA_AUTH: 'msk-iam',
      AWS_REGION: 'eu-west-3',
      AWS_LAMBDA_FUNCTION_NAME: 'orion-validation',
      POWERTOOLS_SERVICE_NAME: 'orion-cdr',
    });
    expect(c).toMatchObject({
      auth: 'msk-iam',
      region: 'eu-west-3',
      clientId: 'orion-validation',
      serviceName: 'orion-cdr',
    });
  });

  it.each([
    [{}, /^KAFKA_BROKERS is required\. Fix: set KAFKA_BROKERS/],
    [{ KAFKA_BROKERS: 'localhost' }, /^KAFKA_BROKERS each broker must be host:port/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_AUTH: 'scram' }, /^KAFKA_AUTH must be "none" or "msk-iam"\. Fix:/],
    [
      { KAFKA_BROKERS: 'a:1', KAFKA_AUTH: 'msk-iam' },
      /^AWS_REGION is required when KAFKA_AUTH=msk-iam\. Fix:/,
    ],
    [
      { KAFKA_BROKERS: 'a:1', AWS_LAMBDA_FUNCTION_NAME: 'f' },
      /^KAFKA_AUTH is required when running in AWS Lambda/,
    ],
    [
      { KAFKA_BROKERS: 'a:1', KAFKA_PRODUCE_TIMEOUT_MS: 'soon' },
      /^KAFKA_PRODUCE_TIMEOUT_MS must be a number/,
    ],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_CLIENT_ID: 'orion validation' }, /^KAFKA_CLIENT_ID has characters/],
  ])('names the variable and the fix: %j', (env, expected) => {
    expect(problemsOf(env as Record<string, string>)).toEqual([expect.stringMatching(expected)]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ AWS_LAMBDA_FUNCTION_NAME: 'f' })).toHaveLength(2);
  });
});
