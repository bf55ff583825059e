/**
 * A shard's checkpoint: the last record such that it and every record read before it are done
 * (succeeded or discarded). With one batch in flight per shard records are done in order; with
 * `ParallelizationFactor` > 1 batches of other items finish in any order, and the checkpoint only
 * passes a record once everything before it is done, so a restart never skips an unfinished
 * record (it may repeat finished ones: at-least-once, as in AWS).
 *
 * The checkpoint moves past the lowest failed record of a partial batch response only when that
 * record is done: "Lambda uses the record with the lowest sequence number as the checkpoint"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html).
 */

interface Slot {
  readonly id: string;
  done: boolean;
}

/**
 * Read-but-not-done records of one shard, in read order.
 * @example const p = new ShardProgress(); p.track(['1', '2']); p.settle(['1']); p.checkpoint // '1'
 */
export class ShardProgress {
  private readonly slots: Slot[] = [];
  private head = 0;
  private readonly byId = new Map<string, Slot>();
  /** The last sequence number with everything up to it done, or the initial position. */
  checkpoint: string | undefined;

  constructor(initial?: string) {
    this.checkpoint = initial;
  }

  /** Records read but not done. */
  get pending(): number {
    return this.byId.size;
  }

  /** Adds records in read order. */
  track(ids: readonly string[]): void {
    for (const id of ids) {
      const slot = { id, done: false };
      this.slots.push(slot);
      this.byId.set(id, slot);
    }
  }

  /** Marks records done; returns true when the checkpoint moved. */
  settle(ids: readonly string[]): boolean {
    for (const id of ids) {
      const slot = this.byId.get(id);
      if (!slot) continue;
      slot.done = true;
      this.byId.delete(id);
    }
    let moved = false;
    while (this.head < this.slots.length && this.slots[this.head]!.done) {
      this.checkpoint = this.slots[this.head]!.id;
      this.head++;
      moved = true;
    }
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
    return moved;
  }
}
