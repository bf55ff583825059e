/**
 * The reference-data files (`cells.json`, `subscribers.json`, one per reference table, written by
 * `generate.ts`) and their one reader. Every item is checked against its domain schema, so that
 * nothing invalid reaches the tables or the generator; an error names the file, the item index and
 * the field paths, never the values.
 *
 * - {@link referenceCells} / {@link referenceSubscribers}: the committed files, bundled as JSON
 *   modules (a Lambda bundle or the generator needs no file system), parsed once per environment.
 * - {@link readReferenceFiles}: the files of a folder (`npx orion reference load --dir`), each a
 *   JSON array of items or an object with an `items` array.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CountryCode } from '../countries.ts';
import cellsJson from './cells.json' with { type: 'json' };
import { REFERENCE_KINDS, type ReferenceKind } from './reference-tables.ts';
import { type Cell, REFERENCE_ITEM_SCHEMAS, type Subscriber } from './schemas.ts';
import subscribersJson from './subscribers.json' with { type: 'json' };

/** Reference items per kind, as plain objects carrying their partition key. */
export type ReferenceDataSet = Partial<Record<ReferenceKind, readonly Record<string, unknown>[]>>;

/** Where the repository keeps the reference-data files. */
export const DEFAULT_REFERENCE_DATA_DIR = fileURLToPath(new URL('./', import.meta.url));

let cells: readonly Cell[] | undefined;
let subscribers: readonly Subscriber[] | undefined;

/**
 * Every reference cell (validated against `CellSchema`).
 * @example referenceCells().filter((c) => c.country === 'fr').length // 50
 */
export function referenceCells(): readonly Cell[] {
  cells ??= referenceItemsOf('cells', cellsJson, 'cells.json') as Cell[];
  return cells;
}

/**
 * Every reference subscriber (validated against `SubscriberSchema`).
 * @example referenceSubscribers()[0]?.imsi.length // 15
 */
export function referenceSubscribers(): readonly Subscriber[] {
  subscribers ??= referenceItemsOf('subscribers', subscribersJson, 'subscribers.json') as Subscriber[];
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

/**
 * Reads every `<kind>.json` present in `dir`; throws naming the file, the item index and the
 * field paths (never the values) when an item does not match its schema. A kind without a file
 * is absent from the result.
 *
 * @example const data = readReferenceFiles(); data.cells?.length
 */
export function readReferenceFiles(dir: string = DEFAULT_REFERENCE_DATA_DIR): ReferenceDataSet {
  const data: ReferenceDataSet = {};
  for (const kind of REFERENCE_KINDS) {
    const file = join(dir, `${kind}.json`);
    if (!existsSync(file)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    data[kind] = referenceItemsOf(kind, parsed, file);
  }
  return data;
}

/**
 * The items of one parsed reference file, each checked against the schema of its kind.
 * @example referenceItemsOf('cells', JSON.parse(text), 'cells.json').length
 */
export function referenceItemsOf(
  kind: ReferenceKind,
  content: unknown,
  source: string,
): Record<string, unknown>[] {
  const items = Array.isArray(content) ? content : (content as { items?: unknown })?.items;
  if (
    !Array.isArray(items) ||
    !items.every((i) => typeof i === 'object' && i !== null && !Array.isArray(i))
  ) {
    throw new Error(`${source}: expected a JSON array of objects (or { "items": [...] })`);
  }
  const schema = REFERENCE_ITEM_SCHEMAS[kind];
  return items.map((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
      throw new Error(`${source}: item ${index} does not match the ${kind} schema at: ${paths}`);
    }
    return parsed.data as Record<string, unknown>;
  });
}
