/**
 * Where a mapping keeps its position in each shard between runs. Lambda "keeps track of the last
 * record processed and resumes processing from that point when the mapping is reenabled"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, event source options "Enabled"): the
 * checkpoint is per mapping and per shard, and `StartingPosition` only applies to a mapping that
 * has none. Give the same store (and `mappingId`) to a new mapping to resume where an earlier one
 * stopped; {@link MemoryCheckpointStore} lives as long as the process.
 */

/** A mapping's position in one shard. */
export interface ShardCheckpoint {
  /**
   * The last sequence number done (succeeded or discarded), or of the last record that was in the
   * shard when a LATEST mapping started; reading resumes after it. Absent: from the shard's start.
   */
  readonly sequenceNumber?: string;
  /** The shard is closed and every record of it is done: its children may be read. */
  readonly ended: boolean;
}

/** A mapping's saved state. */
export interface MappingCheckpoints {
  /** Per shard id. */
  readonly shards: ReadonlyMap<string, ShardCheckpoint>;
}

/** Persistence of checkpoints (in memory here; a table would do the same across processes). */
export interface CheckpointStore {
  /** The mapping's checkpoints, or `undefined` for a mapping that never started. */
  load(mappingId: string): Promise<MappingCheckpoints | undefined>;
  /** Records that the mapping exists (before any shard checkpoint), so a restart is not a fresh start. */
  initialize(mappingId: string): Promise<void>;
  save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}

/**
 * Checkpoints kept in memory, shared by every mapping given the same instance.
 * @example const store = new MemoryCheckpointStore(); await startDynamoDbStreamMapping({ …, checkpoints: store });
 */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly mappings = new Map<string, Map<string, ShardCheckpoint>>();

  async load(mappingId: string): Promise<MappingCheckpoints | undefined> {
    const shards = this.mappings.get(mappingId);
    return shards ? { shards: new Map(shards) } : undefined;
  }

  async initialize(mappingId: string): Promise<void> {
    if (!this.mappings.has(mappingId)) this.mappings.set(mappingId, new Map());
  }

  async save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    let shards = this.mappings.get(mappingId);
    if (!shards) {
      shards = new Map();
      this.mappings.set(mappingId, shards);
    }
    shards.set(shardId, checkpoint);
  }

  /** The checkpoint of one shard (tests). */
  peek(mappingId: string, shardId: string): ShardCheckpoint | undefined {
    return this.mappings.get(mappingId)?.get(shardId);
  }
}
