/**
 * Fixtures of the replay integration tests: private topics and job table, and writers of dead
 * letters in both formats (ORION rejects with failure headers; AWS on-failure documents built by
 * the ESM emulator's own builder).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { buildOnFailureMessage } from '../../../localstack/esm/on-failure-record.ts';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { createKafkaConnections, type KafkaConnections } from '../../../shared/kafka/client.ts';
import { encodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { createBatchProducer } from '../../../shared/kafka/producer.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { CheckpointStore } from '../../../shared/replay/checkpoint-store.ts';
import { ensureReplayJobTable } from '../../../shared/replay/job-table.ts';
import type { ReplayDeps } from '../../../shared/replay/replay-job.ts';
import { scanTopic } from '../../../shared/replay/topic-scan.ts';
import { testDynamo, testEndpoints, testKafka, uniqueName } from '../../support/endpoints.ts';

/** One original record that failed. */
export interface Original {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
  readonly headers?: Record<string, string>;
}

/** Everything a replay test needs, private to one test file. */
export interface ReplayFixture {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly writer: Producer;
  readonly connections: KafkaConnections;
  readonly doc: DynamoDBDocumentClient;
  readonly checkpoints: CheckpointStore;
  readonly tableName: string;
  /** Creates a topic with a unique name. */
  topic(label: string, partitions: number): Promise<string>;
  /** Dependencies of `runReplay` reading `dlqTopic` (the CDR pipeline unless `extra` names another). */
  deps(dlqTopic: string, extra?: Partial<ReplayDeps>): ReplayDeps;
  close(): Promise<void>;
}

/** Sets up clients, the job table and a topic factory. */
export async function replayFixture(): Promise<ReplayFixture> {
  const kafka = testKafka('it-replay');
  const admin = kafka.admin();
  await admin.connect();
  const writer = kafka.producer({ idempotent: true });
  await writer.connect();
  const connections = createKafkaConnections(kafka);
  const producer = createBatchProducer(connections, { timeoutMs: 15_000 });
  const dynamo = testDynamo();
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = uniqueName('it-replay-jobs');
  await ensureReplayJobTable(doc, tableName);
  const checkpoints = new CheckpointStore(doc, tableName);
  const topics: string[] = [];
  return {
    kafka,
    admin,
    writer,
    connections,
    doc,
    checkpoints,
    tableName,
    async topic(label, partitions) {
      const name = uniqueName(`it.replay.${label}`);
      await admin.createTopics({
        topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      topics.push(name);
      return name;
    },
    deps(dlqTopic, extra = {}) {
      return {
        kafka,
        admin,
        producer,
        checkpoints,
        pipeline: CDR_PIPELINE,
        sourceTopicOverride: dlqTopic,
        leaseMs: 60_000,
        ...extra,
      };
    },
    async close() {
      await admin.deleteTopics({ topics }).catch(() => {});
      await connections.disconnect();
      await writer.disconnect();
      await admin.disconnect();
      dynamo.destroy();
    },
  };
}

/** Writes AWS on-failure records (one per original, keyed by the original key) to `dlqTopic`, spread over its partitions. */
export async function writeAwsDeadLetters(
  writer: Producer,
  dlqTopic: string,
  originals: readonly Original[],
  partitions: number,
): Promise<void> {
  await writer.send({
    topic: dlqTopic,
    acks: -1,
    messages: originals.map((o, i) => {
      const message = buildOnFailureMessage({
        record: {
          topic: o.topic,
          partition: o.partition,
          offset: o.offset,
          timestamp: Date.now() - 60_000,
          key: Buffer.from(o.key),
          value: Buffer.from(o.value),
          headers: Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
          id: `${o.topic}-${o.partition}@${o.offset}`,
          jsonBytes: 0,
        },
        condition: 'RetriesExhausted',
        invokeCount: 4,
        lastInvocation: { requestId: `req-${i}`, functionError: 'Unhandled' },
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orion-storage',
        bootstrapServers: testEndpoints().kafkaBrokers.join(','),
        now: new Date(),
      });
      return { ...message, partition: i % partitions };
    }),
  });
}

/** Writes ORION rejected records (original key and bytes + failure headers) to `rejectedTopic`. */
export async function writeOrionRejects(
  writer: Producer,
  rejectedTopic: string,
  originals: ReadonlyArray<Original & { reason: string; stage?: string }>,
): Promise<void> {
  await writer.send({
    topic: rejectedTopic,
    acks: -1,
    messages: originals.map((o) => ({
      key: o.key,
      value: o.value,
      headers: {
        ...o.headers,
        ...encodeFailureHeaders({
          reason: o.reason,
          message: 'test reject',
          stage: o.stage ?? 'validation',
          sourceTopic: o.topic,
          sourcePartition: o.partition,
          sourceOffset: o.offset,
          sourceTimestamp: Date.now() - 60_000,
          failedAt: Date.now(),
        }),
      },
    })),
  });
}

/** `n` originals from `topic`, with distinct keys and values. */
export function originals(topic: string, n: number, label = 'cdr'): Original[] {
  return Array.from({ length: n }, (_, i) => ({
    topic,
    partition: i % 2,
    offset: 1000 + i,
    key: `2081501234${String(i).padStart(5, '0')}`,
    value: `${label}-${i};${'x'.repeat(20)}`,
  }));
}

/** Every record `topic` holds now, and its record count from the watermarks alone. */
export async function everything(
  f: ReplayFixture,
  topic: string,
): Promise<{ records: StageRecord[]; count: number }> {
  const records: StageRecord[] = [];
  await scanTopic(f.kafka, f.admin, topic, {}, (batch) => records.push(...batch));
  const offsets = await f.admin.fetchTopicOffsets(topic);
  return { records, count: offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0) };
}

/** The sum of a topic's high watermarks. */
export async function endOffsets(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}
