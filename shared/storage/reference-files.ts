/**
 * Reads the reference-data files kept in the repository (`shared/cdr/reference-data/`, written by
 * the CDR domain): `<kind>.json` per reference table (`cells.json`, `subscribers.json`), each a JSON
 * array of items (or an object with an `items` array), checked against the domain's schemas so
 * that nothing invalid reaches the tables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellSchema, SubscriberSchema } from '../cdr/reference-data/schemas.ts';
import type { ReferenceDataSet } from './reference-loader.ts';
import { REFERENCE_TABLES, type ReferenceKind } from './reference-tables.ts';

/** Where the repository keeps the reference-data files. */
export const DEFAULT_REFERENCE_DATA_DIR = fileURLToPath(new URL('../cdr/reference-data/', import.meta.url));

/**
 * Reads every `<kind>.json` present in `dir`; throws naming the file, the item index and the
 * field paths (never the values) when an item does not match its schema. A kind without a file
 * is absent from the result.
 *
 * @example const data = readReferenceFiles(); data.cells?.length
 */
export function readReferenceFiles(dir: string = DEFAULT_REFERENCE_DATA_DIR): ReferenceDataSet {
  const data: ReferenceDataSet = {};
  for (const kind of Object.keys(REFERENCE_TABLES) as ReferenceKind[]) {
    const file = join(dir, `${kind}.json`);
    if (!existsSync(file)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown })?.items;
    if (
      !Array.isArray(items) ||
      !items.every((i) => typeof i === 'object' && i !== null && !Array.isArray(i))
    ) {
      throw new Error(`${file}: expected a JSON array of objects (or { "items": [...] })`);
    }
    const schema = kind === 'cells' ? CellSchema : SubscriberSchema;
    data[kind] = items.map((item, index) => {
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
        throw new Error(`${file}: item ${index} does not match the ${kind} schema at: ${paths}`);
      }
      return parsed.data as Record<string, unknown>;
    });
  }
  return data;
}
