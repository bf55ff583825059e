/**
 * Real health checks of the local services: a Kafka metadata request, a CQL query, a DynamoDB
 * ListTables call. Each resolves with what it saw or throws why it failed.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { CASSANDRA_DATACENTER, DYNAMODB_LOCAL_CREDENTIALS, DYNAMODB_LOCAL_REGION } from './endpoints.ts';

async function brokerView(broker: string): Promise<{ brokers: number; controller: number | null }> {
  const kafka = new Kafka({
    clientId: 'orion-stack-health',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Asks every given broker for the cluster metadata; fails unless each of them answers and sees at
 * least `expectedBrokers` brokers (a restarted broker is only healthy once all others know it).
 *
 * @example
 * await kafkaHealth(['127.0.0.1:9092'], 1) // '1 broker(s), controller 1'
 */
export async function kafkaHealth(brokers: readonly string[], expectedBrokers = 1): Promise<string> {
  const views = await Promise.all(brokers.map(brokerView));
  const seen = Math.min(...views.map((v) => v.brokers));
  if (seen < expectedBrokers) throw new Error(`${seen} of ${expectedBrokers} brokers in the metadata`);
  return `${seen} broker(s), controller ${views[0]?.controller}`;
}

/**
 * Runs `SELECT release_version FROM system.local`.
 *
 * @example
 * await cassandraHealth(['127.0.0.1:9042']) // 'release 5.0.6'
 */
export async function cassandraHealth(
  contactPoints: readonly string[],
  localDataCenter: string = CASSANDRA_DATACENTER,
): Promise<string> {
  const client = new cassandra.Client({
    contactPoints: [...contactPoints],
    localDataCenter,
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 1 } },
  });
  try {
    await client.connect();
    const result = await client.execute('SELECT release_version FROM system.local');
    return `release ${result.first()?.get('release_version') ?? '?'}`;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/**
 * Calls ListTables.
 *
 * @example
 * await dynamodbHealth('http://127.0.0.1:8000') // '0 table(s)'
 */
export async function dynamodbHealth(endpoint: string): Promise<string> {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? DYNAMODB_LOCAL_REGION,
    credentials: DYNAMODB_LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 3000, connectionTimeout: 2000 },
  });
  try {
    const result = await client.send(new ListTablesCommand({ Limit: 100 }));
    return `${result.TableNames?.length ?? 0} table(s)`;
  } finally {
    client.destroy();
  }
}
