/**
 * Estimated encoded size of one row in Amazon Keyspaces and the write capacity units one write
 * of it consumes, from the rules of "Estimate row size in Amazon Keyspaces"
 * (https://docs.aws.amazon.com/keyspaces/latest/devguide/calculating-row-size.html):
 *
 * - every column value carries a column identifier: 1 byte for 1–62 columns, one more byte per 62
 *   more columns;
 * - a partition-key column's value is stored twice, plus 3 bytes of metadata;
 * - a clustering column's value is stored twice, plus 1 byte of metadata per 5 bytes of value;
 * - a regular column is its raw value: text = its UTF-8 bytes; integers and decimals ≈ 1 byte per
 *   2 significant digits + 1; boolean 1; blob its bytes; a collection 3 bytes + each element and
 *   1 byte per element. The page gives no figure for `timestamp`, `date`, `uuid`…: their CQL wire
 *   sizes are used (8, 4, 16…);
 * - with TTL on (a table `default_time_to_live`), about 8 bytes per row and 8 per written column;
 * - storage (not throughput) adds 100 bytes of row metadata.
 *
 * One WCU writes up to 1 KB of a row with `LOCAL_QUORUM`; a bigger row takes one more per KB
 * (https://docs.aws.amazon.com/keyspaces/latest/devguide/ReadWriteCapacityMode.Provisioned.html;
 * on-demand write request units are metered the same way). Unset columns (`null`/`undefined`:
 * ORION binds them as unset) are not written and count nothing.
 */
import type { CqlColumn, TableDefinition } from '../../pipeline/types.ts';

/** What {@link keyspacesRowSize} estimates. */
export interface RowSizeEstimate {
  /** Bytes a write of the row is metered on (throughput). */
  readonly bytes: number;
  /** Bytes the row occupies in storage (`bytes` + 100 bytes of row metadata). */
  readonly storageBytes: number;
  /** Write capacity units of one `LOCAL_QUORUM` write of the row: ⌈bytes / 1 KB⌉. */
  readonly writeUnits: number;
}

/** Row metadata Keyspaces adds to the stored size of every row. */
export const KEYSPACES_ROW_METADATA_BYTES = 100;
/** TTL metadata per row, and per written column, when TTL is on. */
export const KEYSPACES_TTL_BYTES = 8;
/** Bytes one write capacity unit covers. */
export const KEYSPACES_WRITE_UNIT_BYTES = 1024;

const ENCODER = new TextEncoder();
const FIXED_SIZE: Readonly<Record<string, number>> = {
  boolean: 1,
  date: 4,
  float: 4,
  double: 8,
  time: 8,
  timestamp: 8,
  uuid: 16,
  timeuuid: 16,
  inet: 16,
  duration: 16,
};
const NUMERIC = new Set(['int', 'bigint', 'smallint', 'tinyint', 'varint', 'counter', 'decimal']);
const TEXT = new Set(['text', 'varchar', 'ascii']);

/**
 * Estimates a row's size and write units in a Keyspaces table.
 *
 * @example
 * const table = parseCqlSchema('CREATE TABLE t (id text PRIMARY KEY, v text)')[0];
 * keyspacesRowSize(table, { id: 'a', v: 'hello' }) // { bytes: 12, storageBytes: 112, writeUnits: 1 }
 */
export function keyspacesRowSize(
  table: TableDefinition,
  row: Readonly<Record<string, unknown>>,
  options: { readonly ttl?: boolean } = {},
): RowSizeEstimate {
  const columnId = columnIdBytes(table.columns.length);
  const ttl = options.ttl ?? (table.defaultTtlSeconds ?? 0) > 0;
  let bytes = ttl ? KEYSPACES_TTL_BYTES : 0;
  for (const column of table.partitionKey) bytes += 2 * keyValueBytes(column, row) + 3 + columnId;
  for (const column of table.clusteringKey) {
    const value = keyValueBytes(column, row);
    bytes += 2 * value + Math.ceil(value / 5) + columnId;
  }
  for (const column of table.regularColumns) {
    const value = row[column.name];
    if (value === null || value === undefined) continue;
    bytes += valueBytes(column.type, value) + columnId + (ttl ? KEYSPACES_TTL_BYTES : 0);
  }
  return {
    bytes,
    storageBytes: bytes + KEYSPACES_ROW_METADATA_BYTES,
    writeUnits: Math.max(1, Math.ceil(bytes / KEYSPACES_WRITE_UNIT_BYTES)),
  };
}

/** Bytes of the column identifier for a table of `columns` columns (1 up to 62, +1 per 62 more). */
export function columnIdBytes(columns: number): number {
  return Math.max(1, Math.ceil(columns / 62));
}

function keyValueBytes(column: CqlColumn, row: Readonly<Record<string, unknown>>): number {
  const value = row[column.name];
  if (value === null || value === undefined) throw new RangeError(`key column ${column.name} has no value`);
  return valueBytes(column.type, value);
}

/** Encoded bytes of one value of CQL type `type`. */
function valueBytes(type: string, value: unknown): number {
  let t = type.replace(/\s+/g, '').toLowerCase();
  if (t.startsWith('frozen<') && t.endsWith('>')) t = t.slice('frozen<'.length, -1);
  const collection = /^(list|set|map)<(.+)>$/.exec(t);
  if (collection) {
    const [, kind, inner] = collection as unknown as [string, string, string];
    const items =
      value instanceof Map ? [...value] : Array.isArray(value) ? value : Object.entries(value as object);
    if (kind === 'map') {
      const [keyType, valueType] = splitMapTypes(inner);
      return items.reduce<number>(
        (n, [k, v]: [unknown, unknown]) => n + valueBytes(keyType, k) + valueBytes(valueType, v) + 1,
        3,
      );
    }
    return (items as unknown[]).reduce<number>((n, item) => n + valueBytes(inner, item) + 1, 3);
  }
  if (TEXT.has(t)) return ENCODER.encode(String(value)).length;
  if (t === 'blob') return (value as Uint8Array).length;
  if (NUMERIC.has(t)) return Math.ceil(significantDigits(value) / 2) + 1;
  const fixed = FIXED_SIZE[t];
  if (fixed !== undefined) return fixed;
  throw new RangeError(`no size rule for CQL type ${type}`);
}

/** Digits of a number without sign, decimal point, leading or trailing zeros (at least 1). */
function significantDigits(value: unknown): number {
  const digits = String(value)
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.max(1, digits.length);
}

function splitMapTypes(inner: string): [string, string] {
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) return [inner.slice(0, i), inner.slice(i + 1)];
  }
  throw new RangeError(`cannot read map type map<${inner}>`);
}
