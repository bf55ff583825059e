/**
 * The topics custom resource handler (`functions/topics-provisioner`): an update keeps its
 * physical id and never deletes a topic, a partition decrease fails the event with the applier's
 * message, a delete is a no-op unless asked, MSK Serverless only gets the configs it accepts.
 * The applier itself is `shared/kafka/topic-apply.ts` (tested against the real broker by its
 * owner); here the admin client is a recording fake so that every Kafka call can be asserted.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  onEvent,
  PHYSICAL_ID_PREFIX,
  type ProvisionerDependencies,
  SERVERLESS_TOPIC_CONFIGS,
  TopicsResourcePropertiesError,
} from '../../functions/topics-provisioner/handler.ts';
import { applyTopics } from '../../shared/kafka/topic-apply.ts';
import { PartitionDecreaseError } from '../../shared/kafka/topic-errors.ts';
import { type ResolvedTopic, resolveTopics } from '../../shared/pipeline/index.ts';

const TOPICS = resolveTopics(3);

function properties(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-3:123456789012:function:provider',
    BootstrapBrokers: 'b-1.example:9098,b-2.example:9098',
    Topics: JSON.stringify(TOPICS),
    Serverless: 'false',
    DeleteOnDestroy: 'false',
    ...overrides,
  };
}

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-3:123456789012:function:provider',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-3:123456789012:stack/Orion-dev/1',
  RequestId: 'req-1',
  LogicalResourceId: 'TopicsResource1234',
  ResourceType: 'Custom::OrionKafkaTopics',
};

function event(
  type: 'Create' | 'Update' | 'Delete',
  props = properties(),
  physicalId = `${PHYSICAL_ID_PREFIX}:TopicsResource1234`,
): CloudFormationCustomResourceEvent {
  if (type === 'Create') return { ...base, RequestType: 'Create', ResourceProperties: props as never };
  if (type === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: physicalId,
      ResourceProperties: props as never,
      OldResourceProperties: properties() as never,
    };
  }
  return {
    ...base,
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: props as never,
  };
}

/** A fake kafkajs Admin over an in-memory cluster that records every call. */
function fakeCluster(existing: Record<string, number> = {}) {
  const topics = new Map<string, { partitions: number; configs: Record<string, string> }>(
    Object.entries(existing).map(([name, partitions]) => [name, { partitions, configs: {} }]),
  );
  const calls: string[] = [];
  const admin = {
    listTopics: async () => {
      calls.push('listTopics');
      return [...topics.keys()];
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => {
      calls.push('fetchTopicMetadata');
      return {
        topics: names.map((name) => ({
          name,
          partitions: Array.from({ length: topics.get(name)!.partitions }, (_, i) => ({
            partitionId: i,
            leader: 1,
            replicas: [1, 2, 3],
            isr: [1, 2, 3],
          })),
        })),
      };
    },
    describeConfigs: async ({ resources }: { resources: Array<{ name: string }> }) => {
      calls.push('describeConfigs');
      return {
        resources: resources.map((r) => ({
          resourceName: r.name,
          resourceType: 2,
          errorCode: 0,
          configEntries: Object.entries(topics.get(r.name)?.configs ?? {}).map(
            ([configName, configValue]) => ({
              configName,
              configValue,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              readOnly: false,
              configSynonyms: [],
            }),
          ),
        })),
      };
    },
    createTopics: async ({
      topics: created,
    }: {
      topics: Array<{
        topic: string;
        numPartitions: number;
        configEntries: Array<{ name: string; value: string }>;
      }>;
    }) => {
      calls.push(`createTopics:${created.map((t) => t.topic).join(',')}`);
      for (const t of created) {
        topics.set(t.topic, {
          partitions: t.numPartitions,
          configs: Object.fromEntries(t.configEntries.map((e) => [e.name, e.value])),
        });
      }
      return true;
    },
    createPartitions: async ({
      topicPartitions,
    }: {
      topicPartitions: Array<{ topic: string; count: number }>;
    }) => {
      calls.push(`createPartitions:${topicPartitions.map((p) => `${p.topic}=${p.count}`).join(',')}`);
      for (const p of topicPartitions) topics.get(p.topic)!.partitions = p.count;
    },
    alterConfigs: async ({
      resources,
    }: {
      resources: Array<{ name: string; configEntries: Array<{ name: string; value: string }> }>;
    }) => {
      calls.push(`alterConfigs:${resources.map((r) => r.name).join(',')}`);
      for (const r of resources)
        topics.get(r.name)!.configs = Object.fromEntries(r.configEntries.map((e) => [e.name, e.value]));
    },
    deleteTopics: async ({ topics: names }: { topics: string[] }) => {
      calls.push(`deleteTopics:${names.join(',')}`);
      for (const n of names) topics.delete(n);
    },
  };
  const deps: ProvisionerDependencies = {
    withAdmin: async (brokers, fn) => {
      calls.push(`connect:${brokers.join(',')}`);
      return fn(admin as unknown as Admin);
    },
    applyTopics: (a, desired) => applyTopics(a, desired),
    logger: { info: () => undefined, warn: () => undefined },
  };
  return { topics, calls, deps };
}

describe('topics provisioner onEvent', () => {
  it('Create applies the whole catalog and issues a physical id derived from the logical id only', async () => {
    const cluster = fakeCluster();
    const response = await onEvent(event('Create'), cluster.deps);
    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(response.Data).toMatchObject({ Created: TOPICS.length });
    expect([...cluster.topics.keys()].sort()).toEqual(TOPICS.map((t) => t.name).sort());
    expect(cluster.calls[0]).toBe('connect:b-1.example:9098,b-2.example:9098');
  });

  it('Update keeps the physical id, adds partitions, changes configs and never deletes', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create'), cluster.deps);
    cluster.topics.set('not-in-catalog', { partitions: 1, configs: {} });
    const grown: ResolvedTopic[] = TOPICS.map((t) =>
      t.name === 'cdr.dlq'
        ? { ...t, partitions: t.partitions + 3, configs: { ...t.configs, 'retention.ms': '1000' } }
        : t,
    );
    const response = await onEvent(
      event('Update', properties({ Topics: JSON.stringify(grown) })),
      cluster.deps,
    );
    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(cluster.topics.get('cdr.dlq')?.partitions).toBe(
      grown.find((t) => t.name === 'cdr.dlq')!.partitions,
    );
    expect(cluster.topics.get('cdr.dlq')?.configs['retention.ms']).toBe('1000');
    // A catalog that shrinks is still never applied as a delete.
    await onEvent(event('Update', properties({ Topics: JSON.stringify(grown.slice(0, 2)) })), cluster.deps);
    expect(cluster.calls.some((c) => c.startsWith('deleteTopics'))).toBe(false);
    expect(cluster.topics.has('not-in-catalog')).toBe(true);
    expect(cluster.topics.size).toBe(TOPICS.length + 1);
  });

  it('Update returns the physical id CloudFormation sent, whatever it is (no replacement, so no delete)', async () => {
    const cluster = fakeCluster();
    const response = await onEvent(event('Update', properties(), 'some-older-physical-id'), cluster.deps);
    expect(response.PhysicalResourceId).toBe('some-older-physical-id');
  });

  it('a partition decrease fails the event with a clear message and changes nothing', async () => {
    const cluster = fakeCluster({ 'cdr.dlq': 50 });
    const error = await onEvent(event('Update'), cluster.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionDecreaseError);
    expect((error as Error).message).toMatch(/cdr\.dlq has 50, the catalog asks for 5/);
    expect(cluster.calls.filter((c) => /^(create|alter|delete)/.test(c))).toEqual([]);
  });

  it('Delete retains the topics by default', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create'), cluster.deps);
    const response = await onEvent(event('Delete'), cluster.deps);
    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(cluster.topics.size).toBe(TOPICS.length);
    expect(cluster.calls.some((c) => c.startsWith('deleteTopics'))).toBe(false);
  });

  it('Delete removes the catalog topics only with DeleteOnDestroy, and only for an id it issued', async () => {
    const cluster = fakeCluster({ 'cdr.dlq': 5, 'kept-by-someone-else': 1 });
    await onEvent(
      event('Delete', properties({ DeleteOnDestroy: 'true' }), 'request-id-of-a-failed-create'),
      cluster.deps,
    );
    expect(cluster.topics.has('cdr.dlq')).toBe(true);
    await onEvent(event('Delete', properties({ DeleteOnDestroy: 'true' })), cluster.deps);
    expect(cluster.topics.has('cdr.dlq')).toBe(false);
    expect(cluster.topics.has('kept-by-someone-else')).toBe(true);
  });

  it('on MSK Serverless creates topics with only the configs Serverless accepts', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create', properties({ Serverless: 'true' })), cluster.deps);
    for (const { configs } of cluster.topics.values()) {
      expect(Object.keys(configs).every((k) => SERVERLESS_TOPIC_CONFIGS.has(k))).toBe(true);
      expect(configs['min.insync.replicas']).toBeUndefined();
      expect(configs['retention.ms']).toBeDefined();
    }
  });

  it('rejects malformed properties with a typed error before touching the cluster', async () => {
    const cluster = fakeCluster();
    await expect(onEvent(event('Create', properties({ Topics: '[]' })), cluster.deps)).rejects.toBeInstanceOf(
      TopicsResourcePropertiesError,
    );
    await expect(
      onEvent(event('Create', properties({ BootstrapBrokers: '' })), cluster.deps),
    ).rejects.toBeInstanceOf(TopicsResourcePropertiesError);
    expect(cluster.calls).toEqual([]);
  });
});
