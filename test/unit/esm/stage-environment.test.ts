import { afterEach, describe, expect, it, vi } from 'vitest';
import { stageEnvironment } from '../../../localstack/esm/handler-loader.ts';
import { stageSpec } from '../../../shared/pipeline/index.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('stageEnvironment', () => {
  it('points every store of a local stage at the embedded stack, never at AWS', () => {
    vi.stubEnv('CASSANDRA_CONTACT_POINTS', '');
    vi.stubEnv('DYNAMODB_ENDPOINT', '');
    expect(stageEnvironment(stageSpec('enrichment'), ['127.0.0.1:9092'])).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_AUTH: 'none',
      POWERTOOLS_SERVICE_NAME: 'orion-enrichment',
      CASSANDRA_CONTACT_POINTS: '127.0.0.1:9042',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
  });

  it('follows the endpoints the user set', () => {
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://dynamo.internal:8000');
    vi.stubEnv('CASSANDRA_CONTACT_POINTS', '10.0.0.5:9042,10.0.0.6:9042');
    expect(stageEnvironment(stageSpec('storage'), ['b:9092'])).toMatchObject({
      CASSANDRA_CONTACT_POINTS: '10.0.0.5:9042,10.0.0.6:9042',
      DYNAMODB_ENDPOINT: 'http://dynamo.internal:8000',
    });
  });
});
