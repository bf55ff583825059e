/**
 * Default addresses of the local stack. The embedded stack (JVM processes) and
 * `localstack/compose.yml` (Docker) both listen on these, so the rest of ORION cannot tell them
 * apart. `KAFKA_BROKERS`, `CASSANDRA_CONTACT_POINTS` and `DYNAMODB_ENDPOINT` override them.
 */

/** Loopback host every embedded component binds to. */
export const LOCAL_HOST = '127.0.0.1';

/** First Kafka broker port; broker `i` (0-based) listens on `KAFKA_PORT + 2 * i`, its controller on the next port. */
export const KAFKA_PORT = 9092;

/** Cassandra native protocol (CQL) port. */
export const CASSANDRA_PORT = 9042;

/** Cassandra internode (gossip/storage) port. */
export const CASSANDRA_STORAGE_PORT = 7000;

/** DynamoDB Local HTTP port. */
export const DYNAMODB_PORT = 8000;

/** Cassandra local datacenter name (the driver needs it for its load balancing policy). */
export const CASSANDRA_DATACENTER = 'datacenter1';

/** Region and dummy credentials DynamoDB Local accepts (it ignores them but the SDK needs some). */
export const DYNAMODB_LOCAL_REGION = 'us-east-1';
export const DYNAMODB_LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Environment variables that point ORION at an external endpoint instead of the embedded one. */
export const ENDPOINT_ENV = {
  kafka: 'KAFKA_BROKERS',
  cassandra: 'CASSANDRA_CONTACT_POINTS',
  dynamodb: 'DYNAMODB_ENDPOINT',
} as const;

/** Port of Kafka broker `index` (0-based) for a cluster whose first broker is on `basePort`. */
export function kafkaBrokerPort(index: number, basePort: number = KAFKA_PORT): number {
  return basePort + 2 * index;
}

/** Port of the KRaft controller listener of node `index` (0-based). */
export function kafkaControllerPort(index: number, basePort: number = KAFKA_PORT): number {
  return basePort + 2 * index + 1;
}

/** The endpoints clients use: from the environment when set, otherwise the embedded defaults. */
export interface LocalEndpoints {
  /** Kafka bootstrap servers, `host:port`. */
  readonly kafkaBrokers: string[];
  /** Cassandra contact points, `host:port`. */
  readonly cassandraContactPoints: string[];
  readonly cassandraDatacenter: string;
  /** DynamoDB endpoint URL. */
  readonly dynamodbEndpoint: string;
  /** Which endpoints come from the environment (nothing is started for them). */
  readonly external: { readonly kafka: boolean; readonly cassandra: boolean; readonly dynamodb: boolean };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Resolves the endpoints of the local stack, honouring the environment overrides.
 *
 * @example
 * localEndpoints({}).kafkaBrokers // ['127.0.0.1:9092']
 * localEndpoints({ KAFKA_BROKERS: 'b1:9092,b2:9092' }).external.kafka // true
 */
export function localEndpoints(env: NodeJS.ProcessEnv = process.env, brokerCount = 1): LocalEndpoints {
  const kafka = env[ENDPOINT_ENV.kafka]?.trim();
  const cassandra = env[ENDPOINT_ENV.cassandra]?.trim();
  const dynamodb = env[ENDPOINT_ENV.dynamodb]?.trim();
  return {
    kafkaBrokers: kafka
      ? splitList(kafka)
      : Array.from({ length: brokerCount }, (_, i) => `${LOCAL_HOST}:${kafkaBrokerPort(i)}`),
    cassandraContactPoints: cassandra ? splitList(cassandra) : [`${LOCAL_HOST}:${CASSANDRA_PORT}`],
    cassandraDatacenter: env.CASSANDRA_DATACENTER?.trim() || CASSANDRA_DATACENTER,
    dynamodbEndpoint: dynamodb || `http://${LOCAL_HOST}:${DYNAMODB_PORT}`,
    external: { kafka: Boolean(kafka), cassandra: Boolean(cassandra), dynamodb: Boolean(dynamodb) },
  };
}

/**
 * The variables that point ORION's store clients (Cassandra, DynamoDB) at the local stack, or at
 * the endpoints the user set: what a stage function and the main job's own clients read locally.
 * Without them the AWS SDK would look for real AWS credentials.
 *
 * @example
 * localStoreEnvironment({}).DYNAMODB_ENDPOINT // 'http://127.0.0.1:8000'
 */
export function localStoreEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const local = localEndpoints(env);
  return {
    [ENDPOINT_ENV.cassandra]: local.cassandraContactPoints.join(','),
    CASSANDRA_LOCAL_DC: local.cassandraDatacenter,
    [ENDPOINT_ENV.dynamodb]: local.dynamodbEndpoint,
  };
}
