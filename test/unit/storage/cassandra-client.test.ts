/**
 * The client factory's options per target (no connection is made: building a driver client does
 * not connect).
 */
import type cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { createCassandraClient } from '../../../shared/storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../../shared/storage/cassandra/config.ts';

/** The options the driver resolved (public at runtime, absent from its typings). */
const optionsOf = (client: cassandra.Client): cassandra.ClientOptions =>
  (client as unknown as { options: cassandra.ClientOptions }).options;

describe('createCassandraClient', () => {
  it('uses plain contact points locally, LOCAL_QUORUM, prepared idempotent statements', async () => {
    const client = await createCassandraClient(
      cassandraConfigFromEnv({ CASSANDRA_CONTACT_POINTS: '10.0.0.1:9042,10.0.0.2' }),
    );
    expect(optionsOf(client).contactPoints).toEqual(['10.0.0.1:9042', '10.0.0.2']);
    expect(optionsOf(client).localDataCenter).toBe('datacenter1');
    expect(optionsOf(client).queryOptions).toMatchObject({
      consistency: 0x06,
      prepare: true,
      isIdempotent: true,
    });
    expect(optionsOf(client).sslOptions).toBeUndefined();
    expect(optionsOf(client).authProvider?.constructor.name).toBe('NoAuthProvider');
  });

  it('reaches Amazon Keyspaces over TLS on 9142 with SigV4 and the Region as local data center', async () => {
    const client = await createCassandraClient(
      cassandraConfigFromEnv({ CASSANDRA_TARGET: 'keyspaces', AWS_REGION: 'eu-west-1' }),
    );
    expect(optionsOf(client).contactPoints).toEqual(['cassandra.eu-west-1.amazonaws.com:9142']);
    expect(optionsOf(client).protocolOptions?.port).toBe(9142);
    expect(optionsOf(client).localDataCenter).toBe('eu-west-1');
    expect(optionsOf(client).sslOptions).toMatchObject({
      host: 'cassandra.eu-west-1.amazonaws.com',
      servername: 'cassandra.eu-west-1.amazonaws.com',
      rejectUnauthorized: true,
    });
    expect(optionsOf(client).authProvider?.constructor.name).toBe('KeyspacesSigV4AuthProvider');
    expect((optionsOf(client).authProvider as unknown as { region: string }).region).toBe('eu-west-1');
    expect(optionsOf(client).queryOptions?.consistency).toBe(0x06); // LOCAL_QUORUM: Keyspaces' write consistency
  });
});
