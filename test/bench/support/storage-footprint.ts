/**
 * Keyspaces write units and encoded bytes per stored CDR, measured on what the pipeline really
 * stored: the last enriched CDRs on `cdr.enriched` (the storage stage's input, left there by the
 * bench's own runs), passed to each tree's own footprint function
 * (`shared/cdr/storage/footprint.ts`, which knows that tree's row shape). A tree without that
 * module gets no figure, said so in `note`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TOPIC } from '../../../shared/cdr/pipeline.ts';
import { createKafka } from '../../../shared/kafka/client.ts';
import { readRanges } from '../../../shared/replay/range-reader.ts';

/** Path of the footprint module inside a tree. */
export const FOOTPRINT_MODULE = join('shared', 'cdr', 'storage', 'footprint.ts');

/** What one tree's footprint function says of the sample. */
export interface StorageFootprint {
  /** Mean Keyspaces write units per stored CDR (all its rows). */
  readonly writeUnitsPerCdr?: number;
  /** Mean encoded bytes per stored CDR (all its rows). */
  readonly bytesPerCdr?: number;
  /** Mean bytes kept in storage per CDR (rows + Keyspaces' per-row metadata). */
  readonly storageBytesPerCdr?: number;
  /** Largest write units of one CDR in the sample. */
  readonly maxWriteUnits?: number;
  /** Mean encoded bytes per table. */
  readonly meanBytesByTable?: Readonly<Record<string, number>>;
  /** CDRs measured. */
  readonly cdrs: number;
  /** One line for the console: the figures, or why there are none. */
  readonly note: string;
}

/**
 * The values (JSON text) of the last `count` records of `cdr.enriched`, taken evenly from its
 * partitions.
 * @example const sample = await sampleEnrichedCdrs(['127.0.0.1:9092'], 2_000);
 */
export async function sampleEnrichedCdrs(brokers: readonly string[], count: number): Promise<string[]> {
  const kafka = createKafka({ brokers, auth: 'none', clientId: 'bench-footprint' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC.enriched);
    const perPartition = Math.ceil(count / Math.max(1, offsets.length));
    const values: string[] = [];
    await readRanges({
      kafka,
      topic: TOPIC.enriched,
      cursors: offsets.map(({ partition, low, high }) => ({
        partition,
        next: Math.max(Number(low), Number(high) - perPartition),
        end: Number(high),
      })),
      onRecords: async (_partition, records) => {
        for (const r of records) if (r.value && r.value.length > 0) values.push(r.value.toString('utf8'));
        return 'continue';
      },
    });
    return values.slice(0, count);
  } finally {
    await admin.disconnect();
  }
}

/** The part of a tree's footprint module this bench uses (`shared/cdr/storage/footprint.ts`). */
interface FootprintModule {
  readonly storedCdrFootprint?: (cdr: unknown, storedAt?: Date) => unknown;
  readonly summarizeFootprints?: (footprints: readonly unknown[]) => {
    readonly cdrs: number;
    readonly meanWriteUnits: number;
    readonly maxWriteUnits?: number;
    readonly meanBytes: number;
    readonly maxBytes?: number;
    readonly meanStorageBytes?: number;
    readonly meanBytesByTable?: Readonly<Record<string, number>>;
  };
}

/**
 * The footprint of `sample` (enriched CDRs as JSON text) by the footprint function of the tree at
 * `root` (`storedCdrFootprint` per CDR, `summarizeFootprints` over them).
 * @example (await storageFootprint('/work/main', sample)).writeUnitsPerCdr // 2
 */
export async function storageFootprint(root: string, sample: readonly string[]): Promise<StorageFootprint> {
  const file = join(root, FOOTPRINT_MODULE);
  if (!existsSync(file)) return { cdrs: 0, note: `no ${FOOTPRINT_MODULE} in this tree: no figure` };
  const mod = (await import(pathToFileURL(file).href)) as FootprintModule;
  if (typeof mod.storedCdrFootprint !== 'function' || typeof mod.summarizeFootprints !== 'function')
    return { cdrs: 0, note: `${FOOTPRINT_MODULE} has no storedCdrFootprint/summarizeFootprints: no figure` };
  if (sample.length === 0) return { cdrs: 0, note: 'no enriched CDR on cdr.enriched to measure' };
  const storedAt = new Date();
  const summary = mod.summarizeFootprints(
    sample.map((text) => mod.storedCdrFootprint!(JSON.parse(text), storedAt)),
  );
  const tables = Object.entries(summary.meanBytesByTable ?? {})
    .map(([table, bytes]) => `${table} ${Math.round(bytes)} B`)
    .join(', ');
  return {
    cdrs: summary.cdrs,
    writeUnitsPerCdr: summary.meanWriteUnits,
    bytesPerCdr: summary.meanBytes,
    ...(summary.meanStorageBytes !== undefined ? { storageBytesPerCdr: summary.meanStorageBytes } : {}),
    ...(summary.maxWriteUnits !== undefined ? { maxWriteUnits: summary.maxWriteUnits } : {}),
    ...(summary.meanBytesByTable ? { meanBytesByTable: summary.meanBytesByTable } : {}),
    note:
      `${summary.cdrs} CDRs: ${summary.meanWriteUnits.toFixed(2)} write units (max ${summary.maxWriteUnits ?? '—'}), ` +
      `${Math.round(summary.meanBytes)} encoded bytes per CDR${tables ? ` (${tables})` : ''}` +
      `${summary.meanStorageBytes !== undefined ? `, ${Math.round(summary.meanStorageBytes)} B in storage` : ''}`,
  };
}
