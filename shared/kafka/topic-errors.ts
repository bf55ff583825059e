/** Typed errors of the topic applier. */

/** One topic whose catalog asks for fewer partitions than it has. */
export interface PartitionDecrease {
  readonly topic: string;
  readonly current: number;
  readonly desired: number;
}

/**
 * Kafka cannot remove partitions (records would be lost and the key → partition mapping would
 * change), so the applier refuses the whole apply before changing anything.
 *
 * @example
 * if (error instanceof PartitionDecreaseError) console.error(error.decreases[0]?.topic);
 */
export class PartitionDecreaseError extends Error {
  override readonly name = 'PartitionDecreaseError';
  readonly code = 'PARTITION_DECREASE' as const;
  constructor(readonly decreases: readonly PartitionDecrease[]) {
    super(
      `Refusing to decrease partitions: ${decreases
        .map((d) => `${d.topic} has ${d.current}, the catalog asks for ${d.desired}`)
        .join('; ')}. Kafka cannot remove partitions without losing records and moving keys; keep ` +
        'the current count in the catalog, or create a new topic and migrate to it. Nothing was changed.',
    );
  }
}
