/**
 * The port through which enrichment reads reference data. The storage layer implements it over
 * DynamoDB (with a per-execution-environment TTL cache); tests use the in-memory adapter.
 * Enrichment calls each method once per batch with all the batch's distinct keys.
 */
import type { Cell, Subscriber } from '../reference-data/schemas.ts';

/** Reference data lookups, batched. */
export interface ReferenceDataPort {
  /**
   * The cells among `cellIds` that exist (absent ids are simply missing from the map).
   * Throw (e.g. `TransientError`) when the lookup itself fails: the batch is retried.
   */
  getCells(cellIds: readonly string[]): Promise<ReadonlyMap<string, Cell>>;
  /** The subscribers among `imsis` that exist, keyed by IMSI. */
  getSubscribers(imsis: readonly string[]): Promise<ReadonlyMap<string, Subscriber>>;
}
