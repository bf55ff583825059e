/**
 * Test fixture for hot-storage integration tests: a client built by ORION's own factory on the
 * test stack's Cassandra, a keyspace unique to the run (so parallel runs never collide), and rows.
 */
import type cassandra from 'cassandra-driver';
import { CdrRepository } from '../../../shared/cdr/storage/cdr-repository.ts';
import type { CdrRow } from '../../../shared/cdr/storage/cdr-row.ts';
import { applyCdrSchema } from '../../../shared/cdr/storage/cdr-schema.ts';
import { createCassandraClient } from '../../../shared/storage/cassandra/client.ts';
import {
  cassandraConfigFromEnv,
  type LocalCassandraConfig,
} from '../../../shared/storage/cassandra/config.ts';
import { dropKeyspace } from '../../../shared/storage/cassandra/schema-apply.ts';
import { testEndpoints, uniqueName } from '../../support/endpoints.ts';

/** Config + connected client on a fresh, run-unique keyspace name (schema not applied). */
export async function storageFixture(
  prefix: string,
): Promise<{ client: cassandra.Client; config: LocalCassandraConfig }> {
  const endpoints = testEndpoints();
  const config = cassandraConfigFromEnv({
    CASSANDRA_CONTACT_POINTS: endpoints.cassandraContactPoints.join(','),
    CASSANDRA_LOCAL_DC: endpoints.cassandraDatacenter,
    CASSANDRA_KEYSPACE: uniqueName(prefix).toLowerCase(),
    CASSANDRA_WRITE_CONCURRENCY: '64',
  }) as LocalCassandraConfig;
  const client = await createCassandraClient(config);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cassandra is not reachable at ${config.contactPoints.join(',')}: is the stack up?`, {
      cause: error,
    });
  }
  return { client, config };
}

/**
 * {@link storageFixture} with the CDR schema applied and a repository on it, as the storage
 * stage uses it (the config's write concurrency).
 * @example ({ client, config, repo } = await repositoryFixture('it_storage'));
 */
export async function repositoryFixture(
  prefix: string,
): Promise<{ client: cassandra.Client; config: LocalCassandraConfig; repo: CdrRepository }> {
  const { client, config } = await storageFixture(prefix);
  await applyCdrSchema(client, { keyspace: config.keyspace });
  const repo = new CdrRepository(client, {
    keyspace: config.keyspace,
    writeConcurrency: config.writeConcurrency,
  });
  return { client, config, repo };
}

/** Drops the test keyspace and closes the client. */
export async function disposeStorageFixture(client: cassandra.Client, keyspace: string): Promise<void> {
  try {
    await dropKeyspace(client, keyspace);
  } finally {
    await client.shutdown();
  }
}

/**
 * A plausible stored CDR row; `i` varies the id and the event time (one second apart).
 *
 * @example sampleRow(3, { imsi: '208011234567890' })
 */
export function sampleRow(i: number, overrides: Partial<CdrRow> = {}): CdrRow {
  const eventTime = new Date(Date.UTC(2026, 10, 22, 8, 0, i));
  return {
    cdr_id: `it-${i.toString().padStart(6, '0')}`,
    imsi: '208011234567890',
    day: eventTime.toISOString().slice(0, 10),
    start_time: eventTime,
    end_time: new Date(eventTime.getTime() + (60 + i) * 1000),
    country: 'fr',
    source_record_id: `SRC-${i}`,
    source_record_type: 'MOC',
    record_type: 'voice',
    direction: 'mo',
    roaming: false,
    msisdn: '+33612345678',
    counterpart: '+33698765432',
    duration_s: 60 + i,
    volume_bytes: 0,
    charge_minor_units: 35,
    currency: 'EUR',
    cell_id: '208-01-1001',
    site_id: 'PAR-001',
    region: 'Île-de-France',
    technology: '4G',
    segment: 'consumer',
    plan: 'Essential 20GB',
    payment: 'postpaid',
    home_country: 'fr',
    roaming_status: 'home',
    fraud_score: 0,
    fraud_reasons: [],
    stored_at: new Date(),
    ...overrides,
  };
}
