/**
 * onEvent handler of the Kafka topics custom resource (CDK Provider framework): thin wiring of
 * `shared/kafka/topic-apply.ts`, the code `npx orion topics apply` runs, with MSK IAM auth.
 *
 * - Create / Update: apply the catalog carried by the resource (create topics, add partitions,
 *   fix configs). A partition decrease throws, which fails the deployment with the applier's
 *   message; nothing is deleted, ever, on these events.
 * - The physical id is fixed at Create and returned unchanged on every Update, so CloudFormation
 *   never sees a replacement and never sends the Delete that would follow one.
 * - Delete: a no-op unless the resource says `DeleteOnDestroy` (the stack then also stops
 *   retaining it) and the physical id is one this handler issued (a Create that failed before
 *   returning one must not delete topics that already existed).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { createKafka } from '../../shared/kafka/client.ts';
import { applyTopics, type TopicApplyReport } from '../../shared/kafka/topic-apply.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import type { ResolvedTopic } from '../../shared/pipeline/index.ts';

/** Prefix of every physical id this handler issues. */
export const PHYSICAL_ID_PREFIX = 'orion-kafka-topics';

/**
 * Topic configs MSK Serverless lets a client set (MSK developer guide, "Configuration properties
 * for MSK Serverless clusters"); it rejects the others, `min.insync.replicas` among them (fixed at 2).
 */
export const SERVERLESS_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'cleanup.policy',
  'compression.type',
  'max.message.bytes',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'retention.bytes',
  'retention.ms',
]);

/** What the Provider framework expects back. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string | number>;
}

/** The I/O the handler needs, injectable for tests. */
export interface ProvisionerDependencies {
  /** Runs `fn` with a connected admin client of the cluster behind `brokers`, then disconnects. */
  withAdmin<T>(brokers: readonly string[], fn: (admin: Admin) => Promise<T>): Promise<T>;
  applyTopics(admin: Admin, topics: readonly ResolvedTopic[]): Promise<TopicApplyReport>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** Invalid resource properties (a template bug, not a cluster problem). */
export class TopicsResourcePropertiesError extends Error {
  override readonly name = 'TopicsResourcePropertiesError';
}

/**
 * Handles one CloudFormation event.
 *
 * @example
 * await onEvent({ RequestType: 'Update', PhysicalResourceId: 'orion-kafka-topics:…', … }, dependencies)
 * // { PhysicalResourceId: 'orion-kafka-topics:…' (unchanged), Data: { Created: 0, … } }
 */
export async function onEvent(
  event: CloudFormationCustomResourceEvent,
  deps: ProvisionerDependencies,
): Promise<OnEventResponse> {
  const properties = readProperties(event.ResourceProperties);
  if (event.RequestType === 'Delete') {
    return deleteTopics(event.PhysicalResourceId, properties, deps);
  }
  const physicalId =
    event.RequestType === 'Update'
      ? event.PhysicalResourceId
      : `${PHYSICAL_ID_PREFIX}:${event.LogicalResourceId}`;
  const topics = properties.serverless ? properties.topics.map(serverlessSettable) : properties.topics;
  const report = await deps.withAdmin(properties.brokers, (admin) => deps.applyTopics(admin, topics));
  deps.logger.info('topic catalog applied', {
    requestType: event.RequestType,
    created: report.created,
    partitionsIncreased: report.partitionsIncreased,
    configsChanged: report.configsChanged.map((c) => c.topic),
    unchanged: report.unchanged.length,
  });
  for (const drift of report.replicationDrift)
    deps.logger.warn('replication factor differs from catalog', { drift });
  return {
    PhysicalResourceId: physicalId,
    Data: {
      Created: report.created.length,
      PartitionsIncreased: report.partitionsIncreased.length,
      ConfigsChanged: report.configsChanged.length,
      Unchanged: report.unchanged.length,
    },
  };
}

async function deleteTopics(
  physicalId: string,
  properties: TopicsProperties,
  deps: ProvisionerDependencies,
): Promise<OnEventResponse> {
  if (!properties.deleteOnDestroy || !physicalId.startsWith(`${PHYSICAL_ID_PREFIX}:`)) {
    deps.logger.info('topics retained', { deleteOnDestroy: properties.deleteOnDestroy });
    return { PhysicalResourceId: physicalId };
  }
  const names = properties.topics.map((t) => t.name);
  await deps.withAdmin(properties.brokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const doomed = names.filter((n) => existing.has(n));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    deps.logger.info('topics deleted with the stack', { topics: doomed });
  });
  return { PhysicalResourceId: physicalId };
}

/** The catalog entry with only the configs MSK Serverless accepts. */
function serverlessSettable(topic: ResolvedTopic): ResolvedTopic {
  const configs = Object.fromEntries(
    Object.entries(topic.configs).filter(([name]) => SERVERLESS_TOPIC_CONFIGS.has(name)),
  );
  return { ...topic, configs };
}

interface TopicsProperties {
  readonly brokers: readonly string[];
  readonly topics: readonly ResolvedTopic[];
  readonly serverless: boolean;
  readonly deleteOnDestroy: boolean;
}

function readProperties(raw: Record<string, unknown>): TopicsProperties {
  const brokers =
    typeof raw.BootstrapBrokers === 'string' ? raw.BootstrapBrokers.split(',').filter(Boolean) : [];
  if (brokers.length === 0) throw new TopicsResourcePropertiesError('BootstrapBrokers is missing or empty');
  let topics: unknown;
  try {
    topics = JSON.parse(String(raw.Topics));
  } catch {
    throw new TopicsResourcePropertiesError('Topics is not valid JSON');
  }
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every(isResolvedTopic)) {
    throw new TopicsResourcePropertiesError('Topics must be a non-empty JSON array of resolved topics');
  }
  return {
    brokers,
    topics,
    serverless: raw.Serverless === 'true',
    deleteOnDestroy: raw.DeleteOnDestroy === 'true',
  };
}

function isResolvedTopic(value: unknown): value is ResolvedTopic {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.name === 'string' &&
    Number.isInteger(t.partitions) &&
    Number.isInteger(t.replicationFactor) &&
    typeof t.configs === 'object' &&
    t.configs !== null &&
    Object.values(t.configs).every((v) => typeof v === 'string')
  );
}

/** The real I/O: kafkajs over SASL/IAM (TLS, port 9098), one admin connection per event. */
function awsDependencies(): ProvisionerDependencies {
  const logger = createLogger({ serviceName: 'orion-topics-provisioner' });
  return {
    logger,
    async withAdmin(brokers, fn) {
      const admin = createKafka({
        brokers,
        auth: 'msk-iam',
        region: process.env.AWS_REGION,
        clientId: 'orion-topics-provisioner',
        logger,
      }).admin();
      await admin.connect();
      try {
        return await fn(admin);
      } finally {
        await admin.disconnect();
      }
    },
    applyTopics: (admin, topics) => applyTopics(admin, topics),
  };
}

let dependencies: ProvisionerDependencies | undefined;

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
  dependencies ??= awsDependencies();
  return onEvent(event, dependencies);
};
