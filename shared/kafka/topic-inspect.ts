/** Every topic of a cluster next to the catalog, with its drift: what `orion topics list` shows. */
import type { Admin } from 'kafkajs';
import type { ResolvedTopic } from '../pipeline/index.ts';
import { describeTopics } from './topic-describe.ts';
import { driftOfTopic, planTopics } from './topic-plan.ts';

/** One topic as listed. */
export interface TopicListing {
  readonly name: string;
  /** Undefined when the topic is in the catalog but missing from the cluster. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** The catalog-managed configs as the cluster has them. */
  readonly configs: Readonly<Record<string, string>>;
  readonly inCatalog: boolean;
  /** Differences from the catalog (empty = in line; `missing` = not created yet). */
  readonly drift: readonly string[];
}

/**
 * Lists the cluster's topics (internal ones excluded) and the catalog's missing ones, catalog first.
 *
 * @example
 * (await inspectTopics(admin, resolveTopics(1))).filter((t) => t.drift.length > 0)
 */
export async function inspectTopics(
  admin: Admin,
  catalog: readonly ResolvedTopic[],
): Promise<TopicListing[]> {
  const existing = await describeTopics(admin);
  const plan = planTopics(catalog, existing);
  const managed = Object.keys(catalog[0]?.configs ?? {});
  const pick = (configs: Readonly<Record<string, string>>) =>
    Object.fromEntries(managed.filter((k) => k in configs).map((k) => [k, configs[k]!]));

  const fromCatalog = catalog.map((t): TopicListing => {
    const current = existing.get(t.name);
    return {
      name: t.name,
      partitions: current?.partitions,
      replicationFactor: current?.replicationFactor,
      configs: current ? pick(current.configs) : {},
      inCatalog: true,
      drift: driftOfTopic(plan, t.name),
    };
  });
  const others = [...existing.values()]
    .filter((t) => !catalog.some((c) => c.name === t.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (t): TopicListing => ({
        name: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configs: pick(t.configs),
        inCatalog: false,
        drift: [],
      }),
    );
  return [...fromCatalog, ...others];
}
