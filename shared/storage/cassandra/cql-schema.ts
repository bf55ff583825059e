/**
 * Parses a pipeline's CQL schema source (its `schema.cql`) into structured table definitions, so
 * that the local Cassandra schema and the Amazon Keyspaces tables of the CDK stack come from ONE file.
 *
 * Only the Keyspaces-compatible subset ORION uses is accepted: `CREATE TABLE [IF NOT EXISTS]`
 * with columns, a primary key (inline or as a clause), `CLUSTERING ORDER BY`,
 * `default_time_to_live` and `comment`. Anything else (indexes, materialized views, triggers,
 * functions, quoted identifiers, unknown table options, counters mixed with other columns)
 * fails with a {@link CqlSchemaError} naming the statement, instead of surfacing at deploy time.
 */
import type { ClusteringColumn, ClusteringOrder, CqlColumn, TableDefinition } from '../../pipeline/types.ts';
import { CqlSchemaError } from '../errors.ts';

/** Amazon Keyspaces' maximum TTL: 630,720,000 s (20 years). */
export const KEYSPACES_MAX_TTL_SECONDS = 630_720_000;

const SCALAR_TYPES = new Set([
  'ascii',
  'bigint',
  'blob',
  'boolean',
  'counter',
  'date',
  'decimal',
  'double',
  'duration',
  'float',
  'inet',
  'int',
  'smallint',
  'text',
  'time',
  'timestamp',
  'timeuuid',
  'tinyint',
  'uuid',
  'varchar',
  'varint',
]);
const COLLECTION_TYPES = new Set(['list', 'set', 'map', 'tuple', 'frozen']);
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/**
 * Parses a CQL schema source into table definitions, in source order.
 *
 * @example
 * const [table] = parseCqlSchema('CREATE TABLE t (id text PRIMARY KEY, v int) WITH default_time_to_live = 60;');
 * table.partitionKey; // [{ name: 'id', type: 'text' }]
 * table.defaultTtlSeconds; // 60
 */
export function parseCqlSchema(source: string): TableDefinition[] {
  const tables = splitStatements(stripComments(source)).map(parseStatement);
  const seen = new Set<string>();
  for (const table of tables) {
    if (seen.has(table.name))
      throw new CqlSchemaError('DUPLICATE_TABLE', `table ${table.name} is declared twice`);
    seen.add(table.name);
  }
  return tables;
}

/** Removes `--`, `//` and `/* *\/` comments, leaving string literals untouched. */
function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "'") {
      const end = endOfString(source, i);
      out += source.slice(i, end);
      i = end;
    } else if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new CqlSchemaError('SYNTAX', 'unterminated /* comment');
      out += ' ';
      i = end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the string literal starting at `start` (`''` escapes a quote). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  throw new CqlSchemaError('SYNTAX', 'unterminated string literal');
}

/** Splits on `;` outside string literals; drops empty statements; normalizes whitespace. */
function splitStatements(source: string): string[] {
  return splitTopLevel(source, ';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

/** Splits `text` on `separator` outside string literals, `()` and `<>`. */
function splitTopLevel(text: string, separator: ';' | ','): string[] {
  return splitOutside(text, separator === ';' ? /;/y : /,/y, '(<', ')>');
}

/**
 * Splits `text` where the sticky regex `separator` matches, outside string literals and the
 * brackets `open`/`close` (same-index pairs); the separator's match is dropped.
 */
function splitOutside(text: string, separator: RegExp, open: string, close: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "'") {
      i = endOfString(text, i);
      continue;
    }
    if (open.includes(c)) depth++;
    else if (close.includes(c)) depth--;
    else if (depth === 0) {
      separator.lastIndex = i;
      if (separator.test(text)) {
        parts.push(text.slice(start, i));
        start = separator.lastIndex;
        i = separator.lastIndex;
        continue;
      }
    }
    i++;
  }
  parts.push(text.slice(start));
  return parts;
}

function parseStatement(statement: string): TableDefinition {
  const head = /^create\s+table\s+(if\s+not\s+exists\s+)?([^\s(]+)\s*\(/i.exec(statement);
  if (!head) {
    const verb = statement.split(' ').slice(0, 3).join(' ');
    throw new CqlSchemaError(
      'UNSUPPORTED_STATEMENT',
      `only CREATE TABLE is allowed in the schema source (Keyspaces has no indexes, views, triggers or functions); got "${verb} …"`,
    );
  }
  const name = identifier(head[2] as string, 'table name');
  const open = head[0].length - 1;
  const close = matchingParen(statement, open);
  const body = statement.slice(open + 1, close);
  const rest = statement.slice(close + 1).trim();

  const columns: CqlColumn[] = [];
  let primaryKey: { partition: string[]; clustering: string[] } | undefined;
  for (const rawItem of splitTopLevel(body, ',')) {
    const item = rawItem.trim();
    if (/^primary\s+key\s*\(/i.test(item)) {
      if (primaryKey) throw new CqlSchemaError('SYNTAX', `${name}: more than one PRIMARY KEY`);
      primaryKey = parsePrimaryKeyClause(name, item);
      continue;
    }
    const column = /^(\S+)\s+(.+?)(\s+static)?(\s+primary\s+key)?$/i.exec(item);
    if (!column) throw new CqlSchemaError('SYNTAX', `${name}: cannot read column definition "${item}"`);
    if (column[3])
      throw new CqlSchemaError('UNSUPPORTED_FEATURE', `${name}: static columns are not used by ORION`);
    const columnName = identifier(column[1] as string, `${name} column`);
    const type = cqlType(name, columnName, column[2] as string);
    if (columns.some((c) => c.name === columnName)) {
      throw new CqlSchemaError('SYNTAX', `${name}: column ${columnName} is declared twice`);
    }
    columns.push({ name: columnName, type });
    if (column[4]) {
      if (primaryKey) throw new CqlSchemaError('SYNTAX', `${name}: more than one PRIMARY KEY`);
      primaryKey = { partition: [columnName], clustering: [] };
    }
  }
  if (!primaryKey) throw new CqlSchemaError('SYNTAX', `${name}: no PRIMARY KEY`);

  const options = parseTableOptions(name, rest);
  const columnOf = (columnName: string): CqlColumn => {
    const found = columns.find((c) => c.name === columnName);
    if (!found) throw new CqlSchemaError('SYNTAX', `${name}: key column ${columnName} is not declared`);
    return found;
  };
  const partitionKey = primaryKey.partition.map(columnOf);
  const clusteringKey = primaryKey.clustering.map((c) => ({
    ...columnOf(c),
    order: 'ASC' as ClusteringOrder,
  }));
  if (options.clusteringOrder) {
    const declared = options.clusteringOrder.map((o) => o.name);
    const expected = primaryKey.clustering.slice(0, declared.length);
    if (declared.length === 0 || declared.join(',') !== expected.join(',')) {
      throw new CqlSchemaError(
        'SYNTAX',
        `${name}: CLUSTERING ORDER BY (${declared.join(', ')}) must list clustering columns in key order (${primaryKey.clustering.join(', ')})`,
      );
    }
    options.clusteringOrder.forEach((o, i) => {
      clusteringKey[i] = { ...(clusteringKey[i] as ClusteringColumn), order: o.order };
    });
  }
  const keyNames = new Set([...primaryKey.partition, ...primaryKey.clustering]);
  for (const key of [...partitionKey, ...clusteringKey]) {
    if (/^(list|set|map|counter)\b/.test(key.type)) {
      throw new CqlSchemaError(
        'UNSUPPORTED_FEATURE',
        `${name}: key column ${key.name} cannot be of type ${key.type}`,
      );
    }
  }
  const regularColumns = columns.filter((c) => !keyNames.has(c.name));
  const counters = regularColumns.filter((c) => c.type === 'counter');
  if (counters.length > 0 && counters.length !== regularColumns.length) {
    throw new CqlSchemaError(
      'UNSUPPORTED_FEATURE',
      `${name}: counter columns cannot be mixed with other columns`,
    );
  }
  if (counters.length > 0 && options.defaultTtlSeconds) {
    throw new CqlSchemaError('UNSUPPORTED_FEATURE', `${name}: counter tables cannot have a TTL`);
  }
  return {
    name,
    columns,
    partitionKey,
    clusteringKey,
    regularColumns,
    ...(options.defaultTtlSeconds !== undefined ? { defaultTtlSeconds: options.defaultTtlSeconds } : {}),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
  };
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = endOfString(text, i) - 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new CqlSchemaError('SYNTAX', 'unbalanced parentheses');
}

function identifier(raw: string, what: string): string {
  if (raw.includes('.')) {
    throw new CqlSchemaError(
      'SYNTAX',
      `${what} "${raw}" must not be keyspace-qualified: the keyspace is chosen per target`,
    );
  }
  if (raw.startsWith('"'))
    throw new CqlSchemaError('UNSUPPORTED_FEATURE', `${what} ${raw}: quoted identifiers are not allowed`);
  const name = raw.toLowerCase();
  if (!IDENTIFIER.test(name))
    throw new CqlSchemaError('SYNTAX', `${what} "${raw}" is not a valid identifier`);
  return name;
}

/** Normalizes and checks a CQL type against the types Amazon Keyspaces supports. */
function cqlType(table: string, column: string, raw: string): string {
  const type = raw.replace(/\s+/g, '').toLowerCase();
  for (const word of type.split(/[<>,]/).filter(Boolean)) {
    if (!SCALAR_TYPES.has(word) && !COLLECTION_TYPES.has(word)) {
      throw new CqlSchemaError(
        'UNSUPPORTED_TYPE',
        `${table}.${column}: type "${raw}" is not a supported CQL type`,
      );
    }
  }
  const outer = /^(\w+)/.exec(type)?.[1] ?? '';
  if (COLLECTION_TYPES.has(outer) !== type.includes('<')) {
    throw new CqlSchemaError('UNSUPPORTED_TYPE', `${table}.${column}: malformed type "${raw}"`);
  }
  return type.replace(/,/g, ', ');
}

function parsePrimaryKeyClause(table: string, clause: string): { partition: string[]; clustering: string[] } {
  const open = clause.indexOf('(');
  const inner = clause.slice(open + 1, matchingParen(clause, open)).trim();
  const parts = splitTopLevel(inner, ',').map((p) => p.trim());
  const first = parts[0] ?? '';
  const partition = first.startsWith('(')
    ? first
        .slice(1, -1)
        .split(',')
        .map((p) => identifier(p.trim(), `${table} partition key`))
    : [identifier(first, `${table} partition key`)];
  if (partition.length === 0 || partition[0] === '')
    throw new CqlSchemaError('SYNTAX', `${table}: empty partition key`);
  return { partition, clustering: parts.slice(1).map((p) => identifier(p, `${table} clustering key`)) };
}

interface TableOptions {
  clusteringOrder?: { name: string; order: ClusteringOrder }[];
  defaultTtlSeconds?: number;
  comment?: string;
}

function parseTableOptions(table: string, rest: string): TableOptions {
  if (rest === '') return {};
  const withMatch = /^with\s+(.+)$/i.exec(rest);
  if (!withMatch) throw new CqlSchemaError('SYNTAX', `${table}: unexpected "${rest}" after the column list`);
  const options: TableOptions = {};
  for (const rawOption of splitOnAnd(withMatch[1] as string)) {
    const option = rawOption.trim();
    const order = /^clustering\s+order\s+by\s*\((.+)\)$/i.exec(option);
    if (order) {
      options.clusteringOrder = (order[1] as string).split(',').map((part) => {
        const m = /^(\S+)(?:\s+(asc|desc))?$/i.exec(part.trim());
        if (!m) throw new CqlSchemaError('SYNTAX', `${table}: cannot read clustering order "${part.trim()}"`);
        return {
          name: identifier(m[1] as string, `${table} clustering order`),
          order: ((m[2] ?? 'ASC').toUpperCase() as ClusteringOrder) ?? 'ASC',
        };
      });
      continue;
    }
    const assignment = /^(\w+)\s*=\s*(.+)$/.exec(option);
    const key = assignment?.[1]?.toLowerCase();
    const value = assignment?.[2]?.trim() ?? '';
    if (key === 'default_time_to_live') {
      options.defaultTtlSeconds = ttlSeconds(table, value);
    } else if (key === 'comment' && /^'.*'$/.test(value)) {
      options.comment = value.slice(1, -1).replace(/''/g, "'");
    } else {
      throw new CqlSchemaError(
        'UNSUPPORTED_OPTION',
        `${table}: table option "${option}" is not supported (allowed: CLUSTERING ORDER BY, default_time_to_live, comment)`,
      );
    }
  }
  return options;
}

/** Splits table options on ` AND ` (any case) outside string literals and parentheses. */
function splitOnAnd(text: string): string[] {
  return splitOutside(text, /\s+and\s+/iy, '(', ')');
}

function ttlSeconds(table: string, value: string): number {
  if (!/^\d+$/.test(value))
    throw new CqlSchemaError('SYNTAX', `${table}: default_time_to_live must be an integer`);
  const seconds = Number(value);
  assertTtl(table, seconds);
  return seconds;
}

/**
 * Checks a TTL against Amazon Keyspaces' range (0 … 630,720,000 s).
 *
 * @example assertTtl('events_by_id', 7_776_000);
 */
export function assertTtl(table: string, seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > KEYSPACES_MAX_TTL_SECONDS) {
    throw new CqlSchemaError(
      'UNSUPPORTED_OPTION',
      `${table}: TTL ${seconds} s is outside Amazon Keyspaces' range 0…${KEYSPACES_MAX_TTL_SECONDS} s`,
    );
  }
}
