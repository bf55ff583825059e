import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FOOTPRINT_MODULE, storageFootprint } from '../../bench/support/storage-footprint.ts';

/** A tree whose footprint module is `source` (or none). */
function tree(source?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'orion-footprint-tree-'));
  if (source !== undefined) {
    mkdirSync(dirname(join(root, FOOTPRINT_MODULE)), { recursive: true });
    writeFileSync(join(root, FOOTPRINT_MODULE), source);
  }
  return root;
}

// A stand-in with the real module's shape: one write unit per started 10 characters of the id.
const FAKE = `
export function storedCdrFootprint(cdr) {
  const bytes = cdr.cdr_id.length * 100;
  return { rows: [{ table: 't', bytes, storageBytes: bytes + 100, writeUnits: Math.ceil(bytes / 1000) }], writeUnits: Math.ceil(bytes / 1000), bytes, storageBytes: bytes + 100 };
}
export function summarizeFootprints(fs) {
  const n = fs.length, mean = (f) => fs.reduce((s, x) => s + f(x), 0) / n;
  return { cdrs: n, meanWriteUnits: mean((x) => x.writeUnits), maxWriteUnits: Math.max(...fs.map((x) => x.writeUnits)),
    meanBytes: mean((x) => x.bytes), maxBytes: 0, meanStorageBytes: mean((x) => x.storageBytes), meanBytesByTable: { t: mean((x) => x.bytes) } };
}
`;

describe('storageFootprint', () => {
  const roots: string[] = [];
  const make = (source?: string) => {
    const root = tree(source);
    roots.push(root);
    return root;
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it("applies the tree's own footprint function to every sampled CDR and keeps the means", async () => {
    const sample = [
      JSON.stringify({ cdr_id: 'abcdefghij' }),
      JSON.stringify({ cdr_id: 'abcdefghijklmnopqrst' }),
    ];
    const f = await storageFootprint(make(FAKE), sample);
    expect(f).toMatchObject({
      cdrs: 2,
      writeUnitsPerCdr: 1.5,
      maxWriteUnits: 2,
      bytesPerCdr: 1_500,
      storageBytesPerCdr: 1_600,
      meanBytesByTable: { t: 1_500 },
    });
    expect(f.note).toContain('1.50 write units');
  });

  it('gives no figure for a tree without the module, or with another API', async () => {
    expect(await storageFootprint(make(), ['{}'])).toEqual({ cdrs: 0, note: expect.stringContaining('no ') });
    const other = await storageFootprint(make('export const x = 1;'), ['{}']);
    expect(other.writeUnitsPerCdr).toBeUndefined();
    expect(other.note).toContain('has no storedCdrFootprint');
  });

  it('gives no figure for an empty sample', async () => {
    expect((await storageFootprint(make(FAKE), [])).writeUnitsPerCdr).toBeUndefined();
  });
});
