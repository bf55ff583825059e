/**
 * The committed reference data, parsed with its schemas on first use (once per execution
 * environment). The storage layer loads these rows into DynamoDB; the CDR generator draws from them.
 */
import type { CountryCode } from '../countries.ts';
import cellsJson from './cells.json' with { type: 'json' };
import { type Cell, CellsFileSchema, type Subscriber, SubscribersFileSchema } from './schemas.ts';
import subscribersJson from './subscribers.json' with { type: 'json' };

let cells: readonly Cell[] | undefined;
let subscribers: readonly Subscriber[] | undefined;

/**
 * Every reference cell (validated against `CellSchema`).
 * @example referenceCells().filter((c) => c.country === 'fr').length // 50
 */
export function referenceCells(): readonly Cell[] {
  cells ??= CellsFileSchema.parse(cellsJson);
  return cells;
}

/**
 * Every reference subscriber (validated against `SubscriberSchema`).
 * @example referenceSubscribers()[0]?.imsi.length // 15
 */
export function referenceSubscribers(): readonly Subscriber[] {
  subscribers ??= SubscribersFileSchema.parse(subscribersJson);
  return subscribers;
}

/**
 * Reference cells and subscribers of one country.
 * @example referenceDataOf('ma').subscribers.length // 300
 */
export function referenceDataOf(country: CountryCode): { cells: Cell[]; subscribers: Subscriber[] } {
  return {
    cells: referenceCells().filter((c) => c.country === country),
    subscribers: referenceSubscribers().filter((s) => s.country === country),
  };
}
