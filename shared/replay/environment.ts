/**
 * The clients a replay needs, built once per execution environment from validated configuration:
 * Kafka (shared client factory: plaintext locally, MSK IAM in AWS), the shared batched producer,
 * and the DynamoDB checkpoint store (table named by `REPLAY_JOB_TABLE.tableNameVariable`).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Kafka } from 'kafkajs';
import { createKafka, createKafkaConnections, type KafkaConnections } from '../kafka/client.ts';
import { type BatchProducer, createBatchProducer } from '../kafka/producer.ts';
import { REPLAY_JOB_TABLE } from '../pipeline/replay.ts';
import { loadRuntimeConfig } from '../runtime/config.ts';
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../storage/dynamodb/client.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { ensureReplayJobTable } from './job-table.ts';
import type { ReplayDeps } from './replay-job.ts';

/** Reused clients of one execution environment. */
export interface ReplayEnvironment {
  readonly kafka: Kafka;
  readonly connections: KafkaConnections;
  readonly producer: BatchProducer;
  readonly checkpoints: CheckpointStore;
  /** Creates the job table if it is missing — only against a local endpoint (in AWS, CDK owns it). */
  ensureTable(): Promise<void>;
  /** The dependencies of `runReplay` for `extra.pipeline`, with a connected admin client. */
  deps(extra: Partial<ReplayDeps> & Pick<ReplayDeps, 'pipeline'>): Promise<ReplayDeps>;
  /** Disconnects (CLI and tests; a Lambda keeps its clients). */
  close(): Promise<void>;
}

/**
 * Builds the replay clients from the environment (`KAFKA_BROKERS`, `KAFKA_AUTH`, `AWS_REGION`,
 * `DYNAMODB_ENDPOINT`, `REPLAY_JOB_TABLE`); throws a message naming any invalid variable.
 *
 * @example const replay = createReplayEnvironment(); // module scope of the handler
 */
export function createReplayEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger?: Logger,
): ReplayEnvironment {
  const config = loadRuntimeConfig(env);
  const kafka = createKafka({
    brokers: config.brokers,
    auth: config.auth,
    clientId: config.clientId,
    ...(config.region ? { region: config.region } : {}),
    ...(logger ? { logger } : {}),
  });
  const connections = createKafkaConnections(kafka);
  const producer = createBatchProducer(connections, { timeoutMs: config.produceTimeoutMs });
  const dynamoConfig = dynamoDbConfigFromEnv(env as NodeJS.ProcessEnv);
  const doc = createDynamoDbDocumentClient(dynamoConfig);
  const tableName = env[REPLAY_JOB_TABLE.tableNameVariable]?.trim() || REPLAY_JOB_TABLE.tableName;
  const checkpoints = new CheckpointStore(doc, tableName);
  let tableReady: Promise<void> | undefined;

  return {
    kafka,
    connections,
    producer,
    checkpoints,
    ensureTable() {
      if (!dynamoConfig.endpoint) return Promise.resolve();
      tableReady ??= ensureReplayJobTable(doc, tableName).catch((error: unknown) => {
        tableReady = undefined;
        throw error;
      });
      return tableReady;
    },
    async deps(extra) {
      await this.ensureTable();
      return { kafka, admin: await connections.admin(), producer, checkpoints, ...extra };
    },
    async close() {
      await connections.disconnect();
      doc.destroy();
    },
  };
}
