/**
 * The environment a local stage function gets: the pipeline's env contract
 * (`shared/pipeline/environment.ts`) bound to the local stack's endpoints, or to those the user set.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  applyEnvironment,
  localEnvironmentBindings,
  localStageEnvironment,
} from '../../../localstack/esm/handler-loader.ts';
import { CDR_PIPELINE, stageSpec } from '../../../shared/cdr/pipeline.ts';
import { COMMERCE_PIPELINE, commerceStageSpec } from '../../../shared/commerce/pipeline.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('localStageEnvironment', () => {
  it('points every store a local stage uses at the embedded stack, never at AWS', () => {
    vi.stubEnv('CASSANDRA_CONTACT_POINTS', '');
    vi.stubEnv('DYNAMODB_ENDPOINT', '');
    vi.stubEnv('AWS_REGION', undefined);
    const enrichment = localStageEnvironment(CDR_PIPELINE, stageSpec('enrichment'), ['127.0.0.1:9092']);
    expect(enrichment).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_AUTH: 'none',
      KAFKA_CLIENT_ID: 'orion-enrichment',
      POWERTOOLS_SERVICE_NAME: 'orion-enrichment',
      ORION_STAGE: 'enrichment',
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      REFERENCE_TABLE_PREFIX: expect.any(String),
    });
    // Only the stores the stage declares: enrichment reads DynamoDB, not Cassandra.
    expect(enrichment).not.toHaveProperty('CASSANDRA_CONTACT_POINTS');
    expect(localStageEnvironment(CDR_PIPELINE, stageSpec('storage'), ['127.0.0.1:9092'])).toMatchObject({
      CASSANDRA_TARGET: 'cassandra',
      CASSANDRA_CONTACT_POINTS: '127.0.0.1:9042',
      CASSANDRA_LOCAL_DC: 'datacenter1',
      CASSANDRA_KEYSPACE: 'orion',
    });
  });

  it('gives each pipeline its own keyspace, as in AWS (the flagship keeps "orion")', () => {
    const activity = localStageEnvironment(COMMERCE_PIPELINE, commerceStageSpec('activity'), ['b:9092']);
    expect(activity.CASSANDRA_KEYSPACE).toBe('orion_commerce');
  });

  it('follows the endpoints and region the user set', () => {
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://dynamo.internal:8000');
    vi.stubEnv('CASSANDRA_CONTACT_POINTS', '10.0.0.5:9042,10.0.0.6:9042');
    vi.stubEnv('AWS_REGION', 'eu-west-3');
    expect(localStageEnvironment(CDR_PIPELINE, stageSpec('storage'), ['b:9092'])).toMatchObject({
      KAFKA_BROKERS: 'b:9092',
      CASSANDRA_CONTACT_POINTS: '10.0.0.5:9042,10.0.0.6:9042',
      AWS_REGION: 'eu-west-3',
    });
    expect(localEnvironmentBindings(['b:9092']).dynamodb).toEqual({
      endpoint: 'http://dynamo.internal:8000',
    });
  });

  it('keeps a value the user set over the contract (applyEnvironment)', () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
    vi.stubEnv('ORION_TEST_CONTRACT_ONLY', undefined);
    applyEnvironment({ POWERTOOLS_LOG_LEVEL: 'INFO', ORION_TEST_CONTRACT_ONLY: 'set' });
    expect(process.env.POWERTOOLS_LOG_LEVEL).toBe('WARN');
    expect(process.env.ORION_TEST_CONTRACT_ONLY).toBe('set');
  });
});
