/**
 * A private three-broker KRaft cluster (own ports and state folder, next to the shared stack):
 * topics get RF 3 / min ISR 2 from the catalog rules, acks=all round trips work, and survive
 * the loss of one broker.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kafkaHealth } from '../../../localstack/embedded/health.ts';
import { DEFAULT_STACK_HOME } from '../../../localstack/embedded/paths.ts';
import {
  stackDown,
  stackStatus,
  stackUp,
  startComponent,
  stopComponent,
} from '../../../localstack/embedded/stack.ts';
import type { StackOptions } from '../../../localstack/embedded/types.ts';
import { applyTopics } from '../../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount, describeTopics } from '../../../shared/kafka/topic-describe.ts';
import { resolveTopics } from '../../../shared/pipeline/index.ts';
import type { TopicSpec } from '../../../shared/pipeline/types.ts';
import { testKafka, uniqueName } from '../../support/endpoints.ts';
import { roundTrip } from '../../support/kafka-roundtrip.ts';

const CLUSTER: StackOptions = {
  home: join(DEFAULT_STACK_HOME, 'it-kafka-3-brokers'),
  brokers: 3,
  kafkaPort: 19092,
  components: ['kafka'],
  ignoreEnv: true,
};
const BROKERS = ['127.0.0.1:19092', '127.0.0.1:19094', '127.0.0.1:19096'];

describe('Kafka with three brokers', () => {
  const kafka = testKafka('it-kafka-3', BROKERS);
  const admin = kafka.admin();
  const topic: TopicSpec = {
    name: uniqueName('it.kafka3'),
    partitions: 6,
    retentionMs: 3_600_000,
    cleanupPolicy: 'delete',
    compression: 'snappy',
    replicationFactor: 3,
    minInSyncReplicas: 2,
    description: 'three-broker integration test',
  };

  beforeAll(async () => {
    // A fresh cluster each run: no topics or formatted storage left from an earlier one.
    await stackDown(CLUSTER);
    rmSync(CLUSTER.home!, { recursive: true, force: true });
    const [report] = await stackUp({ ...CLUSTER, log: (line) => console.log(`[three brokers] ${line}`) });
    console.log(
      `[three brokers] ${report?.outcome} kafka ${report?.version} at ${report?.address} (pids ${report?.pids.join(',')}) ` +
        `cold start ${((report?.coldStartMs ?? 0) / 1000).toFixed(1)} s`,
    );
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect().catch(() => undefined);
    const stopped = await stackDown(CLUSTER);
    console.log(`[three brokers] stopped ${stopped.flatMap((s) => s.pids).join(',')}`);
  });

  it('applies a catalog topic with RF 3 / min ISR 2 and round-trips records with acks=all', async () => {
    // A broker busy on a loaded 2-core machine can miss a heartbeat and be briefly fenced: wait
    // for all three in a fresh metadata response rather than trust one snapshot.
    const brokers = await vi.waitFor(
      async () => {
        const seen = await clusterBrokerCount(admin);
        if (seen !== 3) throw new Error(`${seen} of 3 brokers in the metadata`);
        return seen;
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(brokers).toBe(3);
    const report = await applyTopics(admin, resolveTopics(brokers, [topic]));
    expect(report.created).toEqual([topic.name]);

    // Brokers learn about a new topic from the KRaft metadata log a moment after the controller.
    const described = await vi.waitFor(
      async () => {
        const found = (await describeTopics(admin, [topic.name])).get(topic.name);
        if (!found) throw new Error(`${topic.name} not in the metadata yet`);
        return found;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(described?.replicationFactor).toBe(3);
    expect(described?.configs['min.insync.replicas']).toBe('2');

    const messages = Array.from({ length: 100 }, (_, i) => ({ key: `imsi-${i % 10}`, value: `cdr-${i}` }));
    const read = await roundTrip(kafka, topic.name, messages);
    expect(read.map((r) => r.value).sort()).toEqual(messages.map((m) => m.value).sort());
  });

  it('keeps accepting acks=all writes after losing one broker (ISR 2 ≥ min ISR 2)', async () => {
    await stopComponent('kafka-3', CLUSTER);
    const survivors = testKafka('it-kafka-3-survivors', BROKERS.slice(0, 2));
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `imsi-${i}`, value: `after-loss-${i}` }));
    const read = await roundTrip(survivors, topic.name, messages);
    expect(
      read
        .filter((r) => r.value.startsWith('after-loss-'))
        .map((r) => r.value)
        .sort(),
    ).toEqual(messages.map((m) => m.value).sort());
  });

  it('restarts only the stopped broker, which rejoins the cluster', async () => {
    const before = (await stackStatus(CLUSTER))[0]!;
    expect(before.alivePids).toHaveLength(2);
    const report = await startComponent('kafka', CLUSTER);
    expect(report.outcome).toBe('started');
    expect(report.pids).toHaveLength(3);
    expect(report.pids).toEqual(expect.arrayContaining([...before.alivePids]));
    // Fresh metadata requests (the shared admin client caches the cluster view). Each broker learns
    // of the restarted one from the KRaft metadata log, a moment apart: ask until all three agree.
    // kafkaHealth throws while fewer than three are in every broker's metadata.
    const health = await vi.waitFor(() => kafkaHealth(BROKERS, 3), { timeout: 30_000, interval: 500 });
    expect(health).toMatch(/^3 broker/);
  });
});
