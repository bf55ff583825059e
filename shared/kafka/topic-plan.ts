/**
 * Pure planning of topic changes: the topics a cluster has + the catalog → what to create, which
 * partitions to add, which configs to change. No I/O, so every rule is unit-tested; the applier
 * (`topic-apply.ts`) executes the plan. Topics are never deleted and partitions never decreased.
 */
import type { ResolvedTopic } from '../pipeline/index.ts';
import type { PartitionDecrease } from './topic-errors.ts';

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

/** What it takes to bring a cluster to the catalog. */
export interface TopicPlan {
  readonly create: readonly ResolvedTopic[];
  readonly increasePartitions: readonly PartitionIncrease[];
  readonly alterConfigs: readonly ConfigAlteration[];
  /** Catalog topics that already match. */
  readonly unchanged: readonly string[];
  /** Refused: the apply fails before any change when this is not empty. */
  readonly decreases: readonly PartitionDecrease[];
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
 * const plan = planTopics(resolveTopics(1), new Map());
 * plan.create.length // every catalog topic
 */
export function planTopics(
  desired: readonly ResolvedTopic[],
  existing: ReadonlyMap<string, ExistingTopic>,
): TopicPlan {
  const create: ResolvedTopic[] = [];
  const increasePartitions: PartitionIncrease[] = [];
  const alterConfigs: ConfigAlteration[] = [];
  const unchanged: string[] = [];
  const decreases: PartitionDecrease[] = [];
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
      decreases.push({ topic: topic.name, current: current.partitions, desired: topic.partitions });
      changed = true;
    }
    const changes = configChanges(current.configs, topic.configs);
    if (changes.length > 0) {
      alterConfigs.push({
        topic: topic.name,
        changes,
        overrides: { ...current.overrides, ...topic.configs },
      });
      changed = true;
    }
    if (current.replicationFactor !== topic.replicationFactor) {
      replicationDrift.push({
        topic: topic.name,
        current: current.replicationFactor,
        desired: topic.replicationFactor,
      });
    }
    if (!changed) unchanged.push(topic.name);
  }
  return { create, increasePartitions, alterConfigs, unchanged, decreases, replicationDrift };
}

/**
 * Human-readable drift of one topic from the catalog (empty when it matches).
 *
 * @example
 * topicDrift(plan, 'cdr.dlq') // ['retention.ms 86400000 → 2592000000']
 */
export function topicDrift(plan: TopicPlan, topic: string): string[] {
  const drift: string[] = [];
  if (plan.create.some((t) => t.name === topic)) drift.push('missing');
  for (const p of plan.increasePartitions.filter((x) => x.topic === topic)) {
    drift.push(`partitions ${p.from} → ${p.to}`);
  }
  for (const d of plan.decreases.filter((x) => x.topic === topic)) {
    drift.push(`partitions ${d.current} > catalog ${d.desired} (cannot decrease)`);
  }
  for (const a of plan.alterConfigs.filter((x) => x.topic === topic)) {
    for (const c of a.changes) drift.push(`${c.name} ${c.from ?? '(unset)'} → ${c.to}`);
  }
  for (const r of plan.replicationDrift.filter((x) => x.topic === topic)) {
    drift.push(`replication factor ${r.current}, catalog ${r.desired}`);
  }
  return drift;
}
