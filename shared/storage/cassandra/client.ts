/**
 * Cassandra driver client factory: plain contact points locally, Amazon Keyspaces over TLS with
 * SigV4 authentication in AWS. One client per execution environment ({@link sharedCassandraClient}),
 * reused across invocations as Lambda intends.
 */
import cassandra from 'cassandra-driver';
import { type CassandraConfig, cassandraConfigFromEnv, KEYSPACES_PORT } from './config.ts';
import { KeyspacesSigV4AuthProvider } from './keyspaces-sigv4-auth.ts';

/**
 * Query defaults for every ORION statement: `LOCAL_QUORUM` (the only write consistency Amazon
 * Keyspaces accepts, and a valid read consistency), prepared, and idempotent (all writes are
 * upserts keyed by the record's id, so the driver may retry them after a timeout).
 */
const QUERY_DEFAULTS = {
  consistency: cassandra.types.consistencies.localQuorum,
  prepare: true,
  isIdempotent: true,
} as const;

/**
 * Builds (does not connect) a driver client for a validated configuration.
 * Reconnection is exponential from 0.5 s up to 5 s, so a node that comes back is used again
 * within seconds rather than the driver's default of up to 10 minutes.
 *
 * @example
 * const client = await createCassandraClient(cassandraConfigFromEnv());
 * await client.connect();
 */
export async function createCassandraClient(config: CassandraConfig): Promise<cassandra.Client> {
  const common: cassandra.ClientOptions = {
    localDataCenter: config.localDataCenter,
    queryOptions: QUERY_DEFAULTS,
    policies: {
      reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, true),
    },
    socketOptions: { connectTimeout: 5_000, readTimeout: config.requestTimeoutMs },
  };
  if (config.target === 'cassandra') {
    return new cassandra.Client({ ...common, contactPoints: config.contactPoints });
  }
  return new cassandra.Client({
    ...common,
    contactPoints: [`${config.endpoint}:${KEYSPACES_PORT}`],
    protocolOptions: { port: KEYSPACES_PORT },
    // Node's bundled CA store includes the Amazon / Starfield roots Keyspaces' certificate chains to.
    sslOptions: { host: config.endpoint, servername: config.endpoint, rejectUnauthorized: true },
    // SigV4 with the SDK v3 default credential chain (the function role's keys in Lambda).
    authProvider: new KeyspacesSigV4AuthProvider({ region: config.region }),
  });
}

let shared: Promise<{ client: cassandra.Client; config: CassandraConfig }> | undefined;

/**
 * The execution environment's client (and the configuration it was built from), created and
 * connected on first use and reused across invocations. A failed connect is not cached: the next
 * call tries again. The configuration is read from `process.env` unless given.
 *
 * @example
 * const { client, config } = await sharedCassandraClient();
 */
export function sharedCassandraClient(
  config: CassandraConfig = cassandraConfigFromEnv(),
): Promise<{ client: cassandra.Client; config: CassandraConfig }> {
  shared ??= (async () => {
    const client = await createCassandraClient(config);
    await client.connect();
    return { client, config };
  })().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/**
 * A resolver of something built on the execution environment's client (a repository): the first
 * call connects ({@link sharedCassandraClient}) and builds it, later calls return the same one. A
 * failed connect is not cached: the next call (the next batch) tries again. What a store stage's
 * lazy `writer` is.
 *
 * @example
 * const repository = onSharedCassandraClient(config, (client) => new EventRepository(client, config));
 * const stage = rowStoreStage({ …, writer: repository });
 */
export function onSharedCassandraClient<T>(
  config: CassandraConfig,
  build: (client: cassandra.Client) => T,
): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= sharedCassandraClient(config)
      .then(({ client }) => build(client))
      .catch((error: unknown) => {
        built = undefined;
        throw error;
      });
    return built;
  };
}
