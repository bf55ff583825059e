/**
 * What one stored CDR costs in Amazon Keyspaces: the encoded size of each of its rows (the full
 * row and the lookup row), the write units of storing it and the bytes it occupies, by the rules
 * of "Estimate row size in Amazon Keyspaces"
 * (https://docs.aws.amazon.com/keyspaces/latest/devguide/calculating-row-size.html), implemented
 * once in `keyspacesRowSize`: one write unit (WRU on demand, WCU provisioned) per 1 KB of a row's
 * encoded size, at least one per row written; storage adds 100 bytes of metadata per row.
 *
 * It reads `schema.cql` (through `cdrTableDefinitions`): for benches, reports, docs and tests,
 * never in a Lambda handler.
 */
import type { TableDefinition } from '../../pipeline/types.ts';
import { keyspacesRowSize } from '../../storage/cassandra/keyspaces-row-size.ts';
import type { EnrichedCdr } from '../schema/enriched-cdr.ts';
import type { CdrRow } from './cdr-row.ts';
import { cdrTableDefinitions } from './cdr-schema.ts';
import { toCdrRow } from './stored-cdr.ts';

/** One row of a stored CDR, in one table. */
export interface CdrRowFootprint {
  readonly table: string;
  /** Encoded bytes a write of the row is metered on. */
  readonly bytes: number;
  /** Bytes the row occupies in storage (`bytes` + 100 of row metadata). */
  readonly storageBytes: number;
  /** Write units of one write of the row: ⌈bytes / 1 KB⌉. */
  readonly writeUnits: number;
}

/** What storing one CDR costs: its rows, and their totals. */
export interface StoredCdrFootprint {
  readonly rows: readonly CdrRowFootprint[];
  /** Write units of storing the CDR once (every row written once). */
  readonly writeUnits: number;
  /** Encoded bytes written (sum over the rows). */
  readonly bytes: number;
  /** Bytes kept in storage while the CDR lives (sum over the rows). */
  readonly storageBytes: number;
}

/** Mean and largest footprint over many stored CDRs (what a bench reports). */
export interface FootprintSummary {
  readonly cdrs: number;
  readonly meanWriteUnits: number;
  readonly maxWriteUnits: number;
  readonly meanBytes: number;
  readonly maxBytes: number;
  readonly meanStorageBytes: number;
  /** Mean encoded bytes per table. */
  readonly meanBytesByTable: Readonly<Record<string, number>>;
}

/**
 * The footprint of a stored CDR's rows in every CDR table of `schema.cql`.
 *
 * @example cdrRowFootprint(toCdrRow(cdr, new Date())).writeUnits // 2
 */
export function cdrRowFootprint(
  row: CdrRow,
  tables: readonly TableDefinition[] = cdrTableDefinitions(),
): StoredCdrFootprint {
  const rows = tables.map((table): CdrRowFootprint => {
    const size = keyspacesRowSize(table, row as unknown as Readonly<Record<string, unknown>>);
    return { table: table.name, ...size };
  });
  return {
    rows,
    writeUnits: rows.reduce((n, r) => n + r.writeUnits, 0),
    bytes: rows.reduce((n, r) => n + r.bytes, 0),
    storageBytes: rows.reduce((n, r) => n + r.storageBytes, 0),
  };
}

/**
 * The footprint of an enriched CDR (a `cdr.enriched` value) once the storage stage has stored it.
 *
 * @example storedCdrFootprint(JSON.parse(record.value.toString('utf8')))
 */
export function storedCdrFootprint(cdr: EnrichedCdr, storedAt: Date = new Date()): StoredCdrFootprint {
  return cdrRowFootprint(toCdrRow(cdr, storedAt));
}

/**
 * Mean and largest footprint over `footprints` (at least one).
 *
 * @example summarizeFootprints(cdrs.map((c) => storedCdrFootprint(c))).meanWriteUnits
 */
export function summarizeFootprints(footprints: readonly StoredCdrFootprint[]): FootprintSummary {
  if (footprints.length === 0) throw new RangeError('no footprint to summarize');
  const n = footprints.length;
  const mean = (f: (x: StoredCdrFootprint) => number) => footprints.reduce((s, x) => s + f(x), 0) / n;
  const byTable: Record<string, number> = {};
  for (const footprint of footprints) {
    for (const row of footprint.rows) byTable[row.table] = (byTable[row.table] ?? 0) + row.bytes / n;
  }
  return {
    cdrs: n,
    meanWriteUnits: mean((x) => x.writeUnits),
    maxWriteUnits: Math.max(...footprints.map((x) => x.writeUnits)),
    meanBytes: mean((x) => x.bytes),
    maxBytes: Math.max(...footprints.map((x) => x.bytes)),
    meanStorageBytes: mean((x) => x.storageBytes),
    meanBytesByTable: byTable,
  };
}
