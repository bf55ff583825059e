import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../../shared/cdr/countries.ts';
import { renderFormatsMarkdown } from '../../../shared/cdr/formats/document.ts';
import { CellsFileSchema, referenceDataOf, SubscribersFileSchema } from '../../../shared/cdr/index.ts';
import { REFERENCE_SEED, synthesizeReferenceData } from '../../../shared/cdr/reference-data/synthesize.ts';

const file = (name: string) => readFileSync(new URL(`../../../shared/cdr/${name}`, import.meta.url), 'utf8');

describe('reference data files', () => {
  it('follow their schemas and are what the generator script writes', () => {
    const cells = CellsFileSchema.parse(JSON.parse(file('reference-data/cells.json')));
    const subscribers = SubscribersFileSchema.parse(JSON.parse(file('reference-data/subscribers.json')));
    expect({ cells, subscribers }).toEqual(synthesizeReferenceData(REFERENCE_SEED));
  });

  it.each(COUNTRY_CODES)('%s has 50 cells and 300 subscribers of its home network, ids unique', (country) => {
    const { cells, subscribers } = referenceDataOf(country);
    expect(cells).toHaveLength(50);
    expect(subscribers).toHaveLength(300);
    expect(new Set(cells.map((c) => c.cell_id)).size).toBe(50);
    expect(new Set(subscribers.map((s) => s.imsi)).size).toBe(300);
  });
});

/** Table padding is the formatter's business (biome aligns markdown tables): compare content only. */
const unpadded = (markdown: string) =>
  markdown
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---') : line))
    .join('\n')
    .trim();

describe('FORMATS.md', () => {
  it('is generated from the current mappings', () => {
    expect(unpadded(file('FORMATS.md'))).toBe(unpadded(renderFormatsMarkdown()));
  });
});
