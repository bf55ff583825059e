/**
 * Topics as code: brings a cluster's topics to the catalog. Creates missing topics, adds
 * partitions, changes configs that differ (retention, cleanup policy, compression, min ISR);
 * refuses a partition decrease before changing anything, unless the caller chooses to keep that
 * topic as it is (`keepLargerTopic`, reported in `partitionsKept`); never deletes a topic.
 * Free of CLI concerns: `orion topics apply` and the CDK custom resource both call it.
 *
 * @example
 * const report = await applyCatalog(admin, pipeline.topics);
 * report.created // ['orders', …] on an empty cluster, [] the second time
 */
import kafkajs, { type Admin } from 'kafkajs';
import type { ResolvedTopic, TopicSpec } from '../pipeline/index.ts';
import { resolveTopics } from '../pipeline/topics.ts';
import {
  isTransientKafkaRead,
  KafkaError,
  type PartitionDecrease,
  PartitionDecreaseError,
} from './errors.ts';
import { clusterBrokerCount, describeTopics } from './topic-describe.ts';
import {
  type ConfigAlteration,
  type ConfigsNotApplied,
  type ConfigUpdateRules,
  type PartitionIncrease,
  planTopics,
  type ReplicationDrift,
} from './topic-plan.ts';

const { ConfigResourceTypes } = kafkajs;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the metadata shows every partition of `topics` with a leader and those leaders
 * answer for them (a ListOffsets of each topic succeeds), retrying the transient errors of a
 * cluster still propagating a new topic. The second check matters on KRaft: the metadata can
 * name a leader before that broker has loaded the partition, and a reader's first ListOffsets
 * then fails with NOT_LEADER_OR_FOLLOWER (seen in CI on a topic created a moment before).
 *
 * @example
 * await waitForTopics(admin, ['orders.dlq'], 30_000);
 */
export async function waitForTopics(
  admin: Admin,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready =
        metadata.length === topics.length && metadata.every((t) => t.partitions.every((p) => p.leader >= 0));
      if (ready) {
        await leadersAnswer(
          admin,
          topics,
          Math.min(LIST_OFFSETS_ATTEMPT_MS, Math.max(1_000, deadline - Date.now())),
        );
        return;
      }
    } catch (error) {
      if (!isTransientKafkaRead(error) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new KafkaError(
        'TOPICS_NOT_READY',
        `Topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`,
      );
    await sleep(200);
  }
}

/** How long one round of ListOffsets may take before the wait tries again. */
const LIST_OFFSETS_ATTEMPT_MS = 5_000;

/**
 * One ListOffsets per topic, one topic after the other, within `timeoutMs`. Not in parallel: 15
 * concurrent `fetchTopicOffsets` of one kafkajs admin, each refreshing the metadata of its target
 * topic, never settled on a fresh 3-broker cluster (the fault runs hung there for minutes); and
 * bounded, so a call that hangs all the same becomes a retryable error of the wait's loop.
 */
async function leadersAnswer(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new kafkajs.KafkaJSError(`ListOffsets not answered within ${timeoutMs} ms`, { retriable: true }),
        ),
      timeoutMs,
    );
  });
  const answered = (async () => {
    for (const topic of topics) await admin.fetchTopicOffsets(topic);
  })();
  answered.catch(() => undefined); // a late failure after the deadline is not unhandled
  try {
    await Promise.race([answered, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** What an apply changed. */
export interface TopicApplyReport {
  readonly created: readonly string[];
  readonly partitionsIncreased: readonly PartitionIncrease[];
  readonly configsChanged: readonly ConfigAlteration[];
  readonly unchanged: readonly string[];
  /** Topics left with more partitions than the catalog asks (only with `keepLargerTopic`). */
  readonly partitionsKept: readonly PartitionDecrease[];
  /** Catalog configs not sent because the cluster refuses them on an existing topic. */
  readonly configsNotApplied: readonly ConfigsNotApplied[];
  /** Replication factors that differ from the catalog (not changed: that needs a reassignment). */
  readonly replicationDrift: readonly ReplicationDrift[];
}

/** Options of {@link applyTopics}. */
export interface ApplyTopicsOptions {
  /** Broker-side timeout of create/partition requests, ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Configs an existing topic may be given on this cluster. @default all */
  readonly configRules?: ConfigUpdateRules;
  /**
   * Keeps a topic that has more partitions than the catalog as it is (and applies the rest)
   * instead of refusing the apply. @default refuse every decrease
   */
  readonly keepLargerTopic?: (decrease: PartitionDecrease) => boolean;
}

/**
 * Applies the catalog `desired` to the cluster behind `admin` (connected). Throws
 * {@link PartitionDecreaseError} — having changed nothing — when a topic would lose partitions
 * and `keepLargerTopic` does not keep it.
 */
export async function applyTopics(
  admin: Admin,
  desired: readonly ResolvedTopic[],
  options: ApplyTopicsOptions = {},
): Promise<TopicApplyReport> {
  const timeout = options.timeoutMs ?? 30_000;
  const existing = await describeTopics(
    admin,
    desired.map((t) => t.name),
  );
  const plan = planTopics(desired, existing, {
    configRules: options.configRules,
    keepLargerTopic: options.keepLargerTopic,
  });
  if (plan.decreases.length > 0) throw new PartitionDecreaseError(plan.decreases);

  if (plan.create.length > 0) {
    // Not kafkajs' `waitForLeaders`: it gives up when a KRaft broker has not yet learnt of the
    // topic (UNKNOWN_TOPIC_OR_PARTITION); waitForTopics retries that.
    await admin.createTopics({
      waitForLeaders: false,
      timeout,
      topics: plan.create.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  // Every desired topic, not only those created here: a topic another client created a moment
  // before (parallel runs, tests) may not be served by its leader yet either.
  await waitForTopics(
    admin,
    desired.map((t) => t.name),
    timeout,
  );
  if (plan.increasePartitions.length > 0) {
    await admin.createPartitions({
      timeout,
      topicPartitions: plan.increasePartitions.map((p) => ({ topic: p.topic, count: p.to })),
    });
  }
  if (plan.alterConfigs.length > 0) {
    // AlterConfigs (kafkajs has no IncrementalAlterConfigs) replaces a topic's whole set of
    // overrides, so the plan carries the current overrides merged with the catalog's values:
    // nothing set by hand is dropped (under `configRules`, only the configs the cluster accepts
    // on an existing topic). A change made by someone else between our describe and this call
    // would be overwritten, as with any non-incremental AlterConfigs.
    await admin.alterConfigs({
      validateOnly: false,
      resources: plan.alterConfigs.map((a) => ({
        type: ConfigResourceTypes.TOPIC,
        name: a.topic,
        configEntries: Object.entries(a.overrides).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  return {
    created: plan.create.map((t) => t.name),
    partitionsIncreased: plan.increasePartitions,
    configsChanged: plan.alterConfigs,
    unchanged: plan.unchanged,
    partitionsKept: plan.partitionsKept,
    configsNotApplied: plan.configsNotApplied,
    replicationDrift: plan.replicationDrift,
  };
}

/** What {@link applyCatalog} did, with the broker count the catalog was fitted to. */
export interface CatalogApplyReport extends TopicApplyReport {
  readonly brokerCount: number;
}

/**
 * Fits `catalog` to the cluster behind `admin` (replication factor and min ISR capped by its
 * broker count, {@link resolveTopics}) and applies it ({@link applyTopics}).
 */
export async function applyCatalog(
  admin: Admin,
  catalog: readonly TopicSpec[],
  options: ApplyTopicsOptions = {},
): Promise<CatalogApplyReport> {
  const brokerCount = await clusterBrokerCount(admin);
  const report = await applyTopics(admin, resolveTopics(brokerCount, catalog), options);
  return { ...report, brokerCount };
}
