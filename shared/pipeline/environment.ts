/**
 * The environment contract of a pipeline function: every variable a handler reads at cold start,
 * what it means, and the one function that builds the set from the pipeline definition and the
 * resources behind it. CDK (`lib/`) calls it with CloudFormation values, the local emulator with
 * the embedded stack's endpoints; the readers (`shared/runtime/config.ts`,
 * `shared/storage/cassandra/config.ts`, `shared/storage/dynamodb/client.ts`) use the same names.
 */
import { serviceNameOf, storesOfStage } from './definition.ts';
import { PipelineError } from './errors.ts';
import type { PipelineDefinition, StageSpec } from './types.ts';

/** Names of the variables of the contract (a store adds its own table-prefix variable). */
export const ENV = {
  /** Bootstrap brokers, `host:port,…`. */
  kafkaBrokers: 'KAFKA_BROKERS',
  /** `none` (plaintext, local) or `msk-iam` (SASL/OAUTHBEARER over TLS, Amazon MSK). */
  kafkaAuth: 'KAFKA_AUTH',
  /** Kafka client id. */
  kafkaClientId: 'KAFKA_CLIENT_ID',
  /** Powertools service name, also the `service` dimension of the metrics. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** CloudWatch namespace of the EMF metrics. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'LOG_LEVEL',
  powertoolsLogLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Deployment environment name (AWS only). */
  envName: 'ORION_ENV',
  /** Stage (or function) name. */
  stage: 'ORION_STAGE',
  /** Region; Lambda sets it, locally it is given. */
  region: 'AWS_REGION',
  /** `cassandra` (contact points) or `keyspaces` (TLS + SigV4). */
  cassandraTarget: 'CASSANDRA_TARGET',
  cassandraKeyspace: 'CASSANDRA_KEYSPACE',
  cassandraContactPoints: 'CASSANDRA_CONTACT_POINTS',
  cassandraLocalDc: 'CASSANDRA_LOCAL_DC',
  keyspacesEndpoint: 'KEYSPACES_ENDPOINT',
  /** Tuning of the Cassandra writes (a stage's `environment` sets them; defaults in `shared/storage/cassandra/config.ts`). */
  cassandraWriteConcurrency: 'CASSANDRA_WRITE_CONCURRENCY',
  cassandraRequestTimeoutMs: 'CASSANDRA_REQUEST_TIMEOUT_MS',
  cassandraWriteMode: 'CASSANDRA_WRITE_MODE',
  cassandraRowsPerBatch: 'CASSANDRA_ROWS_PER_BATCH',
  /** DynamoDB endpoint URL (DynamoDB Local); unset in AWS. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  /** Region fallback of the AWS SDK when `AWS_REGION` is unset (read by the DynamoDB client). */
  defaultRegion: 'AWS_DEFAULT_REGION',
} as const;

/** CloudWatch namespace of every ORION metric. */
export const METRICS_NAMESPACE = 'Orion';

/** Where a function's Cassandra-compatible store is. */
export type CassandraBinding =
  | { readonly target: 'keyspaces'; readonly keyspace: string; readonly endpoint: string }
  | {
      readonly target: 'cassandra';
      readonly contactPoints: string;
      readonly localDatacenter: string;
      readonly keyspace?: string;
    };

/** Where a function's DynamoDB tables are. */
export interface DynamoDbBinding {
  /** Physical-name prefix per store name; a store without one uses its `defaultTablePrefix`. */
  readonly tablePrefixes?: Readonly<Record<string, string>>;
  /** DynamoDB Local's URL; unset in AWS. */
  readonly endpoint?: string;
}

/** The resources behind a function, as the caller (CDK or the emulator) knows them. */
export interface EnvironmentBindings {
  readonly kafka: { readonly brokers: string; readonly auth: 'none' | 'msk-iam' };
  /** Needed when the stage uses a Cassandra store. */
  readonly cassandra?: CassandraBinding;
  /** Needed when the stage uses a DynamoDB store (locally: its endpoint). */
  readonly dynamodb?: DynamoDbBinding;
  /** Deployment environment (AWS). @default none (local) */
  readonly envName?: string;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** Set locally, where no Lambda sets it. @default unset */
  readonly region?: string;
}

/**
 * The environment of a stage's function. Throws {@link PipelineError} `INVALID_ENVIRONMENT`
 * when the stage uses a store whose binding is missing.
 *
 * @example
 * stageEnvironment(pipeline, stageOf(pipeline, 'storage'), {
 *   kafka: { brokers: '127.0.0.1:9092', auth: 'none' },
 *   cassandra: { target: 'cassandra', contactPoints: '127.0.0.1:9042', localDatacenter: 'datacenter1' },
 * }).CASSANDRA_TARGET // 'cassandra'
 */
export function stageEnvironment(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  bindings: EnvironmentBindings,
): Record<string, string> {
  return {
    ...functionEnvironment(pipeline, stage.name, bindings),
    ...storeEnvironment(pipeline, stage, bindings),
    ...stage.environment,
  };
}

/**
 * The variables every function of a pipeline gets (Kafka, service name, metrics, logging).
 * @example functionEnvironment(pipeline, 'replay', { kafka: { brokers, auth: 'msk-iam' } }).KAFKA_AUTH // 'msk-iam'
 */
export function functionEnvironment(
  pipeline: PipelineDefinition,
  functionName: string,
  bindings: EnvironmentBindings,
): Record<string, string> {
  const serviceName = serviceNameOf(pipeline, functionName);
  const logLevel = bindings.logLevel ?? 'INFO';
  return {
    [ENV.kafkaBrokers]: bindings.kafka.brokers,
    [ENV.kafkaAuth]: bindings.kafka.auth,
    [ENV.serviceName]: serviceName,
    [ENV.metricsNamespace]: METRICS_NAMESPACE,
    [ENV.logLevel]: logLevel,
    [ENV.powertoolsLogLevel]: logLevel,
    [ENV.stage]: functionName,
    // In AWS the client id defaults to the function name; locally there is none.
    ...(bindings.envName ? { [ENV.envName]: bindings.envName } : { [ENV.kafkaClientId]: serviceName }),
    ...(bindings.region ? { [ENV.region]: bindings.region } : {}),
  };
}

function storeEnvironment(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  bindings: EnvironmentBindings,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { store } of storesOfStage(pipeline, stage)) {
    if (store.kind === 'cassandra') {
      const c = bindings.cassandra;
      if (!c) throw missing(stage, store.name, 'cassandra');
      env[ENV.cassandraTarget] = c.target;
      if (c.target === 'keyspaces') {
        env[ENV.cassandraKeyspace] = c.keyspace;
        env[ENV.keyspacesEndpoint] = c.endpoint;
      } else {
        env[ENV.cassandraContactPoints] = c.contactPoints;
        env[ENV.cassandraLocalDc] = c.localDatacenter;
        if (c.keyspace) env[ENV.cassandraKeyspace] = c.keyspace;
      }
    } else {
      const d = bindings.dynamodb;
      if (!d) throw missing(stage, store.name, 'dynamodb');
      env[store.tablePrefixVariable] = d.tablePrefixes?.[store.name] ?? store.defaultTablePrefix;
      if (d.endpoint) env[ENV.dynamodbEndpoint] = d.endpoint;
    }
  }
  return env;
}

function missing(stage: StageSpec, store: string, binding: string): PipelineError {
  return new PipelineError(
    'INVALID_ENVIRONMENT',
    `Stage "${stage.name}" uses store "${store}" but no ${binding} binding was given`,
  );
}
