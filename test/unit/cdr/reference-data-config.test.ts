import { describe, expect, it } from 'vitest';
import { referenceDataConfigFromEnv } from '../../../shared/cdr/reference-data/dynamo-reference-data.ts';

describe('referenceDataConfigFromEnv', () => {
  it('uses dummy-credential local mode when DYNAMODB_ENDPOINT is set, with the default prefix and TTL', () => {
    expect(referenceDataConfigFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toEqual({
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
      tablePrefix: 'orion-',
      cacheTtlMs: 300_000,
    });
  });

  it('needs a Region for real DynamoDB and reads the cache TTL', () => {
    expect(() => referenceDataConfigFromEnv({})).toThrow(/AWS_REGION/);
    expect(
      referenceDataConfigFromEnv({ AWS_REGION: 'eu-west-1', REFERENCE_CACHE_TTL_MS: '1000' }),
    ).toMatchObject({
      region: 'eu-west-1',
      cacheTtlMs: 1000,
    });
  });

  it('names the variable of a bad prefix or TTL', () => {
    const local = { DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' };
    expect(() => referenceDataConfigFromEnv({ ...local, REFERENCE_TABLE_PREFIX: 'a b' })).toThrow(
      /REFERENCE_TABLE_PREFIX/,
    );
    expect(() => referenceDataConfigFromEnv({ ...local, REFERENCE_CACHE_TTL_MS: '-1' })).toThrow(
      /REFERENCE_CACHE_TTL_MS/,
    );
  });
});
