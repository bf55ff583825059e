import { describe, expect, it } from 'vitest';
import { cassandraConfigFromEnv } from '../../../shared/storage/cassandra/config.ts';
import { dynamoDbConfigFromEnv } from '../../../shared/storage/dynamodb/client.ts';
import { tablePrefixFromEnv } from '../../../shared/storage/dynamodb/tables.ts';
import { CassandraConfigError, DynamoDbConfigError } from '../../../shared/storage/errors.ts';

describe('cassandraConfigFromEnv', () => {
  it('defaults to the local stack', () => {
    expect(cassandraConfigFromEnv({})).toEqual({
      target: 'cassandra',
      contactPoints: ['127.0.0.1:9042'],
      localDataCenter: 'datacenter1',
      keyspace: 'orion',
      writeConcurrency: 64,
      requestTimeoutMs: 10_000,
      writeMode: 'unlogged-batch',
      rowsPerBatch: 30,
    });
  });

  it('targets the Amazon Keyspaces endpoint of the Region', () => {
    expect(cassandraConfigFromEnv({ CASSANDRA_TARGET: 'keyspaces', AWS_REGION: 'eu-west-3' })).toMatchObject({
      target: 'keyspaces',
      region: 'eu-west-3',
      endpoint: 'cassandra.eu-west-3.amazonaws.com',
      localDataCenter: 'eu-west-3',
    });
  });

  it.each([
    [{ CASSANDRA_TARGET: 'keyspaces' }, /AWS_REGION/],
    [{ CASSANDRA_TARGET: 'mongo' }, /CASSANDRA_TARGET/],
    [{ CASSANDRA_WRITE_CONCURRENCY: '0' }, /CASSANDRA_WRITE_CONCURRENCY/],
    [{ CASSANDRA_KEYSPACE: 'Bad-Name' }, /CASSANDRA_KEYSPACE/],
    [{ CASSANDRA_WRITE_MODE: 'fast' }, /CASSANDRA_WRITE_MODE/],
    [{ CASSANDRA_ROWS_PER_BATCH: '31' }, /CASSANDRA_ROWS_PER_BATCH/],
    [{ CASSANDRA_CONTACT_POINTS: 'host:port:x' }, /CASSANDRA_CONTACT_POINTS/],
  ])('fails at init on %j with a message naming the variable', (env, pattern) => {
    expect(() => cassandraConfigFromEnv(env)).toThrow(CassandraConfigError);
    expect(() => cassandraConfigFromEnv(env)).toThrow(pattern);
  });
});

describe('dynamoDbConfigFromEnv', () => {
  it('uses dummy-credential local mode when DYNAMODB_ENDPOINT is set', () => {
    expect(dynamoDbConfigFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toEqual({
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
    });
  });

  it('needs a Region for real DynamoDB', () => {
    expect(() => dynamoDbConfigFromEnv({})).toThrow(DynamoDbConfigError);
    expect(() => dynamoDbConfigFromEnv({})).toThrow(/AWS_REGION/);
    expect(dynamoDbConfigFromEnv({ AWS_REGION: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
    expect(dynamoDbConfigFromEnv({ AWS_DEFAULT_REGION: 'eu-west-3' })).toEqual({ region: 'eu-west-3' });
  });
});

describe('tablePrefixFromEnv', () => {
  const store = { tablePrefixVariable: 'TOY_TABLE_PREFIX', defaultTablePrefix: 'orion-' };

  it("reads the store's variable, else its default", () => {
    expect(tablePrefixFromEnv(store, {})).toBe('orion-');
    expect(tablePrefixFromEnv(store, { TOY_TABLE_PREFIX: 'orion-dev-' })).toBe('orion-dev-');
  });

  it('refuses a prefix no table name can start with, naming the variable', () => {
    expect(() => tablePrefixFromEnv(store, { TOY_TABLE_PREFIX: 'a b' })).toThrow(/TOY_TABLE_PREFIX/);
  });
});
