/**
 * Clients for integration tests, pointed at the stack the global setup brought up (or at the
 * endpoints from the environment). Each helper creates a fresh client; close it in `afterAll`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import cassandra from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import {
  DYNAMODB_LOCAL_CREDENTIALS,
  DYNAMODB_LOCAL_REGION,
  type LocalEndpoints,
  localEndpoints,
} from '../../localstack/embedded/endpoints.ts';
import { createKafka } from '../../shared/kafka/client.ts';

/** Endpoints of the stack under test. */
export function testEndpoints(): LocalEndpoints {
  return localEndpoints(process.env);
}

/**
 * A kafkajs client on the test stack (snappy registered, silent).
 *
 * @example
 * const producer = testKafka('my-test').producer();
 */
export function testKafka(
  clientId: string,
  brokers: readonly string[] = testEndpoints().kafkaBrokers,
): Kafka {
  return createKafka({ brokers, auth: 'none', clientId });
}

/** A cassandra-driver client on the test stack (not connected yet). */
export function testCassandra(keyspace?: string): cassandra.Client {
  const e = testEndpoints();
  return new cassandra.Client({
    contactPoints: [...e.cassandraContactPoints],
    localDataCenter: e.cassandraDatacenter,
    ...(keyspace ? { keyspace } : {}),
  });
}

/** A DynamoDB client on the test stack (dummy credentials for DynamoDB Local). */
export function testDynamo(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: testEndpoints().dynamodbEndpoint,
    region: DYNAMODB_LOCAL_REGION,
    credentials: DYNAMODB_LOCAL_CREDENTIALS,
  });
}

let counter = 0;

/**
 * A name unique to this run, safe for topics, keyspaces and tables.
 *
 * @example
 * uniqueName('it_topics') // 'it_topics_m3x9k2_1'
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}`;
}
