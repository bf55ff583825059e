/**
 * Writes the committed reference data files (`cells.json`, `subscribers.json`) from the fixed
 * seed. Run: `npx tsx shared/cdr/reference-data/generate.ts`. Output is deterministic: running
 * it again leaves the files unchanged.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REFERENCE_SEED, synthesizeReferenceData } from './synthesize.ts';

const { cells, subscribers } = synthesizeReferenceData(REFERENCE_SEED);
const write = (name: string, rows: unknown[]) => {
  const path = fileURLToPath(new URL(name, import.meta.url));
  writeFileSync(path, `[\n${rows.map((row) => JSON.stringify(row)).join(',\n')}\n]\n`);
  console.log(`wrote ${rows.length} rows to ${path}`);
};
write('cells.json', cells);
write('subscribers.json', subscribers);
