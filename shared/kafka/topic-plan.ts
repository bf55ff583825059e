/**
 * Pure planning of topic changes: the topics a cluster has + the catalog → what to create, which
 * partitions to add, which configs to change. No I/O, so every rule is unit-tested; the applier
 * (`topic-apply.ts`) executes the plan. Topics are never deleted and partitions never decreased:
 * a topic with more partitions than the catalog is refused (`decreases`) or, when the caller says
 * so (`keepLargerTopic`), kept as it is and reported (`partitionsKept`). Which configs an existing
 * topic may be given depends on the cluster (`configRules`: MSK Serverless restricts them).
 */
import type { ResolvedTopic } from '../pipeline/index.ts';
import type { PartitionDecrease } from './errors.ts';

/** A topic as the cluster has it. */
export interface ExistingTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Effective values of the topic's configs (overrides and defaults). */
  readonly configs: Readonly<Record<string, string>>;
  /** Configs set on the topic itself (kept when others are changed). */
  readonly overrides: Readonly<Record<string, string>>;
}

/** One config to change. */
export interface ConfigChange {
  readonly name: string;
  /** Current effective value (undefined when the broker did not report it). */
  readonly from: string | undefined;
  readonly to: string;
}

/** Partitions to add to a topic. */
export interface PartitionIncrease {
  readonly topic: string;
  readonly from: number;
  readonly to: number;
}

/** Configs to change on a topic. */
export interface ConfigAlteration {
  readonly topic: string;
  readonly changes: readonly ConfigChange[];
  /** The complete set of topic overrides to write (current overrides + the changes). */
  readonly overrides: Readonly<Record<string, string>>;
}

/** A replication factor that differs from the catalog: reported, not changed (it needs a reassignment). */
export interface ReplicationDrift {
  readonly topic: string;
  readonly current: number;
  readonly desired: number;
}

/** Catalog config values the cluster does not let an existing topic take: reported, not sent. */
export interface ConfigsNotApplied {
  readonly topic: string;
  readonly changes: readonly ConfigChange[];
  readonly reason: string;
}

/**
 * The configs an existing topic's AlterConfigs may carry on a cluster. Without rules every config
 * may be changed (Apache Kafka, MSK Provisioned).
 */
export interface ConfigUpdateRules {
  /** Configs an existing topic may be given; the others travel only in CreateTopics. */
  readonly alterable: ReadonlySet<string>;
  /**
   * Configs settable only at creation, with the value the cluster uses when the topic has none.
   * AlterConfigs replaces a topic's whole set of overrides, so such a config is left out of it:
   * harmless when the topic has the default value, a silent reset otherwise; in that case the
   * topic's configs are not altered at all (reported in `configsNotApplied`).
   */
  readonly createOnlyDefaults: Readonly<Record<string, string>>;
}

/** Options of {@link planTopics}. */
export interface PlanOptions {
  /** @default every config may be changed on an existing topic */
  readonly configRules?: ConfigUpdateRules;
  /**
   * Whether a topic that has more partitions than the catalog asks is kept as it is (reported in
   * `partitionsKept`, the rest of the plan goes ahead) rather than refused (`decreases`).
   * @default refuse every decrease
   */
  readonly keepLargerTopic?: (decrease: PartitionDecrease) => boolean;
}

/** What it takes to bring a cluster to the catalog. */
export interface TopicPlan {
  readonly create: readonly ResolvedTopic[];
  readonly increasePartitions: readonly PartitionIncrease[];
  readonly alterConfigs: readonly ConfigAlteration[];
  /** Catalog topics that already match. */
  readonly unchanged: readonly string[];
  /** Refused: the apply fails before any change when this is not empty. */
  readonly decreases: readonly PartitionDecrease[];
  /** Topics left with more partitions than the catalog asks (Kafka cannot remove partitions). */
  readonly partitionsKept: readonly PartitionDecrease[];
  /** Catalog configs the cluster does not accept on an existing topic (see {@link ConfigUpdateRules}). */
  readonly configsNotApplied: readonly ConfigsNotApplied[];
  readonly replicationDrift: readonly ReplicationDrift[];
}

/** Config names whose values are durations or sizes compare as numbers (`604800000` = `604800000.0`). */
function sameValue(a: string | undefined, b: string): boolean {
  if (a === b) return true;
  if (a === undefined) return false;
  const [x, y] = [Number(a), Number(b)];
  return a.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

/**
 * The config changes that bring `existing` to `desired` (only the configs the catalog sets).
 *
 * @example
 * configChanges({ 'retention.ms': '1' }, { 'retention.ms': '2' }) // [{ name: 'retention.ms', from: '1', to: '2' }]
 */
export function configChanges(
  existing: Readonly<Record<string, string>>,
  desired: Readonly<Record<string, string>>,
): ConfigChange[] {
  return Object.entries(desired)
    .filter(([name, value]) => !sameValue(existing[name], value))
    .map(([name, to]) => ({ name, from: existing[name], to }));
}

/**
 * Plans the changes that bring the cluster's topics to the catalog.
 *
 * @example
 * const plan = planTopics(resolveTopics(1, catalog), new Map());
 * plan.create.length // every catalog topic
 */
export function planTopics(
  desired: readonly ResolvedTopic[],
  existing: ReadonlyMap<string, ExistingTopic>,
  options: PlanOptions = {},
): TopicPlan {
  const create: ResolvedTopic[] = [];
  const increasePartitions: PartitionIncrease[] = [];
  const alterConfigs: ConfigAlteration[] = [];
  const unchanged: string[] = [];
  const decreases: PartitionDecrease[] = [];
  const partitionsKept: PartitionDecrease[] = [];
  const configsNotApplied: ConfigsNotApplied[] = [];
  const replicationDrift: ReplicationDrift[] = [];

  for (const topic of desired) {
    const current = existing.get(topic.name);
    if (!current) {
      create.push(topic);
      continue;
    }
    let changed = false;
    if (topic.partitions > current.partitions) {
      increasePartitions.push({ topic: topic.name, from: current.partitions, to: topic.partitions });
      changed = true;
    } else if (topic.partitions < current.partitions) {
      const decrease = { topic: topic.name, current: current.partitions, desired: topic.partitions };
      (options.keepLargerTopic?.(decrease) ? partitionsKept : decreases).push(decrease);
      changed = true;
    }
    const configs = planConfigs(topic, current, options.configRules);
    if (configs.alteration) alterConfigs.push(configs.alteration);
    configsNotApplied.push(...configs.notApplied);
    if (configs.alteration || configs.notApplied.length > 0) changed = true;
    if (current.replicationFactor !== topic.replicationFactor) {
      replicationDrift.push({
        topic: topic.name,
        current: current.replicationFactor,
        desired: topic.replicationFactor,
      });
    }
    if (!changed) unchanged.push(topic.name);
  }
  return {
    create,
    increasePartitions,
    alterConfigs,
    unchanged,
    decreases,
    partitionsKept,
    configsNotApplied,
    replicationDrift,
  };
}

/** The config alteration of one existing topic, under the cluster's rules. */
function planConfigs(
  topic: ResolvedTopic,
  current: ExistingTopic,
  rules: ConfigUpdateRules | undefined,
): { alteration?: ConfigAlteration; notApplied: ConfigsNotApplied[] } {
  const changes = configChanges(current.configs, topic.configs);
  if (!rules) {
    if (changes.length === 0) return { notApplied: [] };
    // Every catalog value becomes an override, so the topic no longer follows broker defaults.
    return {
      alteration: { topic: topic.name, changes, overrides: { ...current.overrides, ...topic.configs } },
      notApplied: [],
    };
  }
  const notApplied: ConfigsNotApplied[] = [];
  const refused = changes.filter((c) => !rules.alterable.has(c.name));
  if (refused.length > 0) {
    notApplied.push({
      topic: topic.name,
      changes: refused,
      reason: 'the cluster accepts these only when the topic is created',
    });
  }
  const alterable = changes.filter((c) => rules.alterable.has(c.name));
  if (alterable.length === 0) return { notApplied };
  const wouldReset = Object.entries(current.overrides).filter(
    ([name, value]) =>
      !rules.alterable.has(name) &&
      name in rules.createOnlyDefaults &&
      !sameValue(value, rules.createOnlyDefaults[name]!),
  );
  if (wouldReset.length > 0) {
    notApplied.push({
      topic: topic.name,
      changes: alterable,
      reason:
        `${wouldReset.map(([n, v]) => `${n}=${v}`).join(', ')} can only be set at creation and AlterConfigs ` +
        'replaces every override, so leaving it out would reset it: change these by hand with an ' +
        'incremental alter (kafka-configs.sh --alter --add-config)',
    });
    return { notApplied };
  }
  // Only what the cluster accepts on update: the topic's current alterable overrides (AlterConfigs
  // would reset any left out) and the changed values; unchanged catalog values are not re-sent.
  const kept = Object.entries(current.overrides).filter(([name]) => rules.alterable.has(name));
  const overrides = Object.fromEntries([...kept, ...alterable.map((c) => [c.name, c.to] as const)]);
  return { alteration: { topic: topic.name, changes: alterable, overrides }, notApplied };
}

/**
 * Human-readable drift of one topic from the catalog (empty when it matches).
 *
 * @example
 * driftOfTopic(plan, 'orders.dlq') // ['retention.ms 86400000 → 2592000000']
 */
export function driftOfTopic(plan: TopicPlan, topic: string): string[] {
  const drift: string[] = [];
  if (plan.create.some((t) => t.name === topic)) drift.push('missing');
  for (const p of plan.increasePartitions.filter((x) => x.topic === topic)) {
    drift.push(`partitions ${p.from} → ${p.to}`);
  }
  for (const d of plan.decreases.filter((x) => x.topic === topic)) {
    drift.push(`partitions ${d.current} > catalog ${d.desired} (cannot decrease)`);
  }
  for (const d of plan.partitionsKept.filter((x) => x.topic === topic)) {
    drift.push(`partitions ${d.current} > catalog ${d.desired} (kept: Kafka cannot remove partitions)`);
  }
  for (const a of plan.alterConfigs.filter((x) => x.topic === topic)) {
    for (const c of a.changes) drift.push(`${c.name} ${c.from ?? '(unset)'} → ${c.to}`);
  }
  for (const n of plan.configsNotApplied.filter((x) => x.topic === topic)) {
    for (const c of n.changes)
      drift.push(`${c.name} ${c.from ?? '(unset)'} → ${c.to} not applied: ${n.reason}`);
  }
  for (const r of plan.replicationDrift.filter((x) => x.topic === topic)) {
    drift.push(`replication factor ${r.current}, catalog ${r.desired}`);
  }
  return drift;
}
