/**
 * The environment contract of a pipeline function (a Kafka stage, an HTTP API's function, a
 * stream stage): every variable a handler reads at cold start, what it means, and the one
 * function that builds the set from the pipeline definition and the resources behind it
 * ({@link pipelineFunctionEnvironment}; `stageEnvironment`, `httpApiEnvironment` and
 * `streamStageEnvironment` are it, typed per kind). CDK (`lib/`) calls it with CloudFormation values, the local emulator with
 * the embedded stack's endpoints; the readers (`shared/runtime/config.ts`,
 * `shared/storage/cassandra/config.ts`, `shared/storage/dynamodb/client.ts`) use the same names.
 */
import { serviceNameOf, storeOf } from './definition.ts';
import { PipelineError } from './errors.ts';
import type { HttpApiSpec, PipelineDefinition, StageSpec, StreamStageSpec } from './types.ts';

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
  /**
   * Needed by a function that produces to Kafka (every Kafka stage, the replay function, a
   * stream stage with output topics); an HTTP API's function gets none of it.
   */
  readonly kafka?: { readonly brokers: string; readonly auth: 'none' | 'msk-iam' };
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

/** A function of a pipeline the environment contract covers. */
export type PipelineFunctionSpec = StageSpec | HttpApiSpec | StreamStageSpec;

/**
 * The environment of any function of a pipeline: the variables every function gets (service
 * name, metrics namespace, log levels, stage name), Kafka's when the function produces
 * ({@link producesToKafka}), the address of each store it declares in `stores` (a Cassandra
 * store's target and keyspace, a DynamoDB store's table-prefix variable), then its own
 * `environment`. Throws {@link PipelineError} `INVALID_ENVIRONMENT` when a binding it needs is
 * missing. CDK and the local tools both call it (through the typed wrappers below).
 *
 * @example
 * pipelineFunctionEnvironment(pipeline, pipeline.httpApis[0], { dynamodb: { endpoint: 'http://127.0.0.1:8000' } }).DYNAMODB_ENDPOINT // 'http://127.0.0.1:8000'
 */
export function pipelineFunctionEnvironment(
  pipeline: PipelineDefinition,
  fn: PipelineFunctionSpec,
  bindings: EnvironmentBindings,
): Record<string, string> {
  return {
    ...baseEnvironment(pipeline, fn.name, bindings),
    ...(producesToKafka(fn) ? kafkaEnvironment(pipeline, fn.name, bindings) : {}),
    ...storeEnvironment(pipeline, fn, bindings),
    ...fn.environment,
  };
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
  return pipelineFunctionEnvironment(pipeline, stage, bindings);
}

/**
 * The environment of an HTTP API's function: no Kafka (it writes only its stores), its stores'
 * addresses, service name, metrics and logging.
 * @example httpApiEnvironment(pipeline, api, { dynamodb: { tablePrefixes: { entities: 'orion-dev-' } } }).ENTITIES_TABLE_PREFIX // 'orion-dev-'
 */
export function httpApiEnvironment(
  pipeline: PipelineDefinition,
  api: HttpApiSpec,
  bindings: EnvironmentBindings,
): Record<string, string> {
  return pipelineFunctionEnvironment(pipeline, api, bindings);
}

/**
 * The environment of a stream stage's function: Kafka's when it has output topics, its stores'
 * addresses (not the source table's: the mapping reads the stream, the function gets records),
 * service name, metrics and logging.
 * @example streamStageEnvironment(pipeline, publisher, { kafka: { brokers, auth: 'msk-iam' } }).KAFKA_AUTH // 'msk-iam'
 */
export function streamStageEnvironment(
  pipeline: PipelineDefinition,
  stage: StreamStageSpec,
  bindings: EnvironmentBindings,
): Record<string, string> {
  return pipelineFunctionEnvironment(pipeline, stage, bindings);
}

/**
 * Whether a function produces to Kafka, hence gets the Kafka variables and grants: every Kafka
 * stage (it writes its outputs, rejects and, through its mapping, its on-failure topic), a stream
 * stage with output topics; never an HTTP API's function.
 * @example producesToKafka(publisher) // true when publisher.outputTopics is not empty
 */
export function producesToKafka(fn: PipelineFunctionSpec): boolean {
  if ('sourceTopics' in fn) return true;
  return 'outputTopics' in fn && fn.outputTopics.length > 0;
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
  return {
    ...baseEnvironment(pipeline, functionName, bindings),
    ...kafkaEnvironment(pipeline, functionName, bindings),
  };
}

/** Service name, metrics namespace, log levels, stage name, environment or region. */
function baseEnvironment(
  pipeline: PipelineDefinition,
  functionName: string,
  bindings: EnvironmentBindings,
): Record<string, string> {
  const logLevel = bindings.logLevel ?? 'INFO';
  return {
    [ENV.serviceName]: serviceNameOf(pipeline, functionName),
    [ENV.metricsNamespace]: METRICS_NAMESPACE,
    [ENV.logLevel]: logLevel,
    [ENV.powertoolsLogLevel]: logLevel,
    [ENV.stage]: functionName,
    ...(bindings.envName ? { [ENV.envName]: bindings.envName } : {}),
    ...(bindings.region ? { [ENV.region]: bindings.region } : {}),
  };
}

/** Brokers and auth; locally also the client id (in AWS it defaults to the function name). */
function kafkaEnvironment(
  pipeline: PipelineDefinition,
  functionName: string,
  bindings: EnvironmentBindings,
): Record<string, string> {
  const kafka = bindings.kafka;
  if (!kafka) throw missing(functionName, 'Kafka', 'kafka');
  return {
    [ENV.kafkaBrokers]: kafka.brokers,
    [ENV.kafkaAuth]: kafka.auth,
    ...(bindings.envName ? {} : { [ENV.kafkaClientId]: serviceNameOf(pipeline, functionName) }),
  };
}

function storeEnvironment(
  pipeline: PipelineDefinition,
  fn: PipelineFunctionSpec,
  bindings: EnvironmentBindings,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const use of fn.stores ?? []) {
    const store = storeOf(pipeline, use.store);
    if (store.kind === 'cassandra') {
      const c = bindings.cassandra;
      if (!c) throw missing(fn.name, `store "${store.name}"`, 'cassandra');
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
      if (!d) throw missing(fn.name, `store "${store.name}"`, 'dynamodb');
      env[store.tablePrefixVariable] = d.tablePrefixes?.[store.name] ?? store.defaultTablePrefix;
      if (d.endpoint) env[ENV.dynamodbEndpoint] = d.endpoint;
    }
  }
  return env;
}

function missing(functionName: string, what: string, binding: string): PipelineError {
  return new PipelineError(
    'INVALID_ENVIRONMENT',
    `Function "${functionName}" uses ${what} but no ${binding} binding was given`,
  );
}
