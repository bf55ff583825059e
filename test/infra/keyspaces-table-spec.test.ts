/** The CDK mapping of a table definition to `AWS::Cassandra::Table`: what it checks itself. */
import { Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { keyspacesTableSpec } from '../../lib/storage/keyspaces-table-spec.ts';
import type { TableDefinition } from '../../shared/pipeline/index.ts';

const id = { name: 'id', type: 'text' };
const table: TableDefinition = {
  name: 'items_by_id',
  columns: [id, { name: 'body', type: 'blob' }],
  partitionKey: [id],
  clusteringKey: [],
  regularColumns: [{ name: 'body', type: 'blob' }],
  defaultTtlSeconds: 3600,
};

describe('keyspacesTableSpec', () => {
  it('maps keys and columns, and the TTL override over the table default', () => {
    expect(keyspacesTableSpec(table, { keyspaceName: 'orion_dev', ttlSeconds: 60 })).toEqual({
      keyspaceName: 'orion_dev',
      tableName: 'items_by_id',
      partitionKeyColumns: [{ columnName: 'id', columnType: 'text' }],
      clusteringKeyColumns: [],
      regularColumns: [{ columnName: 'body', columnType: 'blob' }],
      defaultTimeToLive: 60,
    });
  });

  it('refuses a keyspace name or a TTL Amazon Keyspaces would refuse, and accepts a token name', () => {
    expect(() => keyspacesTableSpec(table, { keyspaceName: 'Orion-Dev' })).toThrowError(/Keyspace name/);
    expect(() => keyspacesTableSpec(table, { keyspaceName: `k${'x'.repeat(48)}` })).toThrowError(
      /Keyspace name/,
    );
    expect(() => keyspacesTableSpec(table, { keyspaceName: 'orion', ttlSeconds: 630_720_001 })).toThrowError(
      /outside Amazon Keyspaces' range/,
    );
    expect(() =>
      keyspacesTableSpec(table, { keyspaceName: Token.asString({ Ref: 'Keyspace' }) }),
    ).not.toThrow();
  });
});
