/**
 * A {@link ReferenceDataPort} over arrays in memory: for unit tests, local tools and as the
 * reference behaviour of the DynamoDB adapter.
 */
import { referenceCells, referenceSubscribers } from '../reference-data/files.ts';
import type { Cell, Subscriber } from '../reference-data/schemas.ts';
import type { ReferenceDataPort } from './reference-data-port.ts';

/** An in-memory port that also counts its calls (tests check one call per batch). */
export interface InMemoryReferenceData extends ReferenceDataPort {
  readonly calls: { cells: number; subscribers: number };
}

/**
 * An in-memory port; defaults to the committed reference files.
 * @example const port = inMemoryReferenceData(); await port.getCells(['208-01-1-1'])
 */
export function inMemoryReferenceData(
  cells: readonly Cell[] = referenceCells(),
  subscribers: readonly Subscriber[] = referenceSubscribers(),
): InMemoryReferenceData {
  const cellById = new Map(cells.map((c) => [c.cell_id, c]));
  const subscriberByImsi = new Map(subscribers.map((s) => [s.imsi, s]));
  const calls = { cells: 0, subscribers: 0 };
  const pick = <T>(from: Map<string, T>, keys: readonly string[]) => {
    const found = new Map<string, T>();
    for (const key of keys) {
      const value = from.get(key);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  };
  return {
    calls,
    async getCells(ids) {
      calls.cells++;
      return pick(cellById, ids);
    },
    async getSubscribers(imsis) {
      calls.subscribers++;
      return pick(subscriberByImsi, imsis);
    },
  };
}
