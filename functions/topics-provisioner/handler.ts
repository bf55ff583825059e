/**
 * onEvent handler of the Kafka topics custom resource (CDK Provider framework): thin wiring of
 * `shared/kafka/topic-apply.ts`, the code `npx orion topics apply` runs, with MSK IAM auth.
 *
 * - Create / Update: apply the catalog carried by the resource (create topics, add partitions,
 *   fix configs). Nothing is deleted, ever, on these events.
 * - Partitions are never removed (Kafka cannot). On an Update, a topic that has more partitions
 *   than `ResourceProperties` asks is kept as it is, and reported, when it has at least what
 *   `OldResourceProperties` asked: that is the shape of CloudFormation rolling back an increase.
 *   CloudFormation's "Update request for CloudFormation custom resources" page
 *   (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html)
 *   defines `ResourceProperties` as the values of the template being deployed and
 *   `OldResourceProperties` as the previous ones; the CDK `custom_resources` module documentation
 *   (docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html, "Important
 *   cases to handle") says a failed update is followed by "a subsequent Update event to roll back
 *   to the previous state (with ResourceProperties and OldResourceProperties reversed)". So after
 *   an update raised `cdr.dlq` from 5 to 8 and a later resource failed, the rollback asks for 5
 *   while the previous properties asked for 8 and the topic has 8: configs go back, the 8
 *   partitions stay, and the response says so. The request carries no rollback flag, so a
 *   catalog lowered by hand (8 → 5 while the topic has 8) is kept the same way; it is also what
 *   lets the next update after such a rollback, and that update's own rollback, succeed. The
 *   deployment still fails with the applier's message when the topic has fewer partitions than
 *   the previous properties asked (they were never applied, so this is no rollback), on a Create,
 *   and for a topic the previous properties did not have.
 * - MSK Serverless gets only the topic configs it accepts: at creation the ones its
 *   configuration page lists, on an existing topic those minus `cleanup.policy`, and only the
 *   ones that changed (see {@link SERVERLESS_CONFIG_UPDATE_RULES}).
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
import type { PartitionDecrease } from '../../shared/kafka/errors.ts';
import {
  type ApplyTopicsOptions,
  applyTopics,
  type TopicApplyReport,
} from '../../shared/kafka/topic-apply.ts';
import type { ConfigUpdateRules } from '../../shared/kafka/topic-plan.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import type { ResolvedTopic } from '../../shared/pipeline/index.ts';

/** Prefix of every physical id this handler issues. */
export const PHYSICAL_ID_PREFIX = 'orion-kafka-topics';

/**
 * Topic configs MSK Serverless lets a client set (MSK developer guide, "Configuration properties
 * for MSK Serverless clusters", docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html):
 * "All other topic-level configuration properties are not configurable", `min.insync.replicas`
 * among them (fixed at 2). These are what a CreateTopics carries.
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

/**
 * What an existing topic may be given on MSK Serverless (same page): every config above is
 * "Editable: Yes" except `cleanup.policy`, "Yes, but only at topic creation time", whose default
 * is Delete. On MSK Provisioned every topic-level config of an existing topic can be changed
 * ("Update a topic in an Amazon MSK cluster", .../msk/latest/developerguide/msk-update-topic.html:
 * "Update the partition count or topic-level configurations for an existing topic"), so no rules
 * apply there.
 */
export const SERVERLESS_CONFIG_UPDATE_RULES: ConfigUpdateRules = {
  alterable: new Set([...SERVERLESS_TOPIC_CONFIGS].filter((name) => name !== 'cleanup.policy')),
  createOnlyDefaults: { 'cleanup.policy': 'delete' },
};

/**
 * Longest detail string put in the response Data: the whole response body sent to CloudFormation
 * must stay under 4096 bytes ("Custom resource response objects",
 * docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 */
const MAX_DETAIL_CHARS = 1000;

/** What the Provider framework expects back. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string | number>;
}

/** The I/O the handler needs, injectable for tests. */
export interface ProvisionerDependencies {
  /** Runs `fn` with a connected admin client of the cluster behind `brokers`, then disconnects. */
  withAdmin<T>(brokers: readonly string[], fn: (admin: Admin) => Promise<T>): Promise<T>;
  applyTopics(
    admin: Admin,
    topics: readonly ResolvedTopic[],
    options: ApplyTopicsOptions,
  ): Promise<TopicApplyReport>;
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
  const previous =
    event.RequestType === 'Update' ? previousPartitions(event.OldResourceProperties, deps) : undefined;
  const topics = properties.serverless ? properties.topics.map(serverlessSettable) : properties.topics;
  const options: ApplyTopicsOptions = {
    configRules: properties.serverless ? SERVERLESS_CONFIG_UPDATE_RULES : undefined,
    keepLargerTopic: previous ? (d) => keptByPreviousProperties(d, previous) : undefined,
  };
  const report = await deps.withAdmin(properties.brokers, (admin) =>
    deps.applyTopics(admin, topics, options),
  );
  deps.logger.info('topic catalog applied', {
    requestType: event.RequestType,
    created: report.created,
    partitionsIncreased: report.partitionsIncreased,
    configsChanged: report.configsChanged.map((c) => ({ topic: c.topic, changes: c.changes })),
    unchanged: report.unchanged.length,
  });
  if (report.partitionsKept.length > 0) {
    deps.logger.warn(
      'topics left with more partitions than the catalog asks (Kafka cannot remove partitions)',
      {
        partitionsKept: report.partitionsKept,
        why:
          'the previous properties asked for at least as many: a CloudFormation rollback of a partition ' +
          'increase, or a count lowered in the catalog. Put these counts back in the catalog.',
      },
    );
  }
  if (report.configsNotApplied.length > 0)
    deps.logger.warn('topic configs not applied', { configsNotApplied: report.configsNotApplied });
  const outsideCatalog = [...(previous?.keys() ?? [])].filter(
    (name) => !properties.topics.some((t) => t.name === name),
  );
  if (outsideCatalog.length > 0)
    deps.logger.info('topics no longer in the catalog are left in place', { topics: outsideCatalog });
  for (const drift of report.replicationDrift)
    deps.logger.warn('replication factor differs from catalog', { drift });
  return {
    PhysicalResourceId: physicalId,
    Data: {
      Created: report.created.length,
      PartitionsIncreased: report.partitionsIncreased.length,
      ConfigsChanged: report.configsChanged.length,
      Unchanged: report.unchanged.length,
      PartitionsKept: report.partitionsKept.length,
      PartitionsKeptDetail: detail(
        report.partitionsKept.map((d) => `${d.topic} ${d.current} (catalog ${d.desired})`),
      ),
      ConfigsNotApplied: report.configsNotApplied.length,
      ConfigsNotAppliedDetail: detail(
        report.configsNotApplied.map((n) => `${n.topic} ${n.changes.map((c) => c.name).join(',')}`),
      ),
    },
  };
}

/**
 * Whether the topic of `decrease` is kept with its partitions: the previous properties had it and
 * the topic has at least what they asked, so the excess is not something this request introduced
 * over a count that was never applied.
 */
function keptByPreviousProperties(
  decrease: PartitionDecrease,
  previous: ReadonlyMap<string, number>,
): boolean {
  const asked = previous.get(decrease.topic);
  return asked !== undefined && decrease.current >= asked;
}

/**
 * Partition counts of `OldResourceProperties`, by topic. Undefined when they cannot be read (a
 * resource written by an older version may carry another format): every decrease is then refused.
 */
function previousPartitions(
  raw: Record<string, unknown> | undefined,
  deps: ProvisionerDependencies,
): ReadonlyMap<string, number> | undefined {
  try {
    const topics: unknown = JSON.parse(String(raw?.Topics));
    if (!Array.isArray(topics)) throw new Error('not an array');
    const counts = new Map<string, number>();
    for (const t of topics as Array<Record<string, unknown>>) {
      if (typeof t?.name === 'string' && Number.isInteger(t.partitions))
        counts.set(t.name, t.partitions as number);
    }
    return counts;
  } catch {
    deps.logger.warn('OldResourceProperties.Topics is unreadable: every partition decrease is refused');
    return undefined;
  }
}

/** A list for the response Data, within the size CloudFormation accepts. */
function detail(items: readonly string[]): string {
  if (items.length === 0) return 'none';
  const text = items.join('; ');
  return text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS - 1)}…`;
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
    applyTopics: (admin, topics, options) => applyTopics(admin, topics, options),
  };
}

let dependencies: ProvisionerDependencies | undefined;

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
  dependencies ??= awsDependencies();
  return onEvent(event, dependencies);
};
