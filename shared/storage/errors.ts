/**
 * Errors of the storage adapters (`shared/storage`): one base class, a closed list of codes, and
 * whether the error can be retried. A failed *write* of a stage record is not one of these: it
 * becomes the runtime's `TransientError` with a `STORAGE_*` code (see `cassandra/write-failure.ts`),
 * which the runtime reports to the event source mapping for retry.
 */

import type { z } from 'zod';

/** Every code a {@link StorageError} can carry. */
export const STORAGE_ERROR_CODES = [
  /** A connection setting read from the environment is missing or invalid. */
  'INVALID_CONFIG',
  /** A keyspace or table name is not one Cassandra and Amazon Keyspaces both accept. */
  'INVALID_NAME',
  /** CQL schema source: malformed. */
  'SYNTAX',
  /** CQL schema source: a statement other than `CREATE TABLE`. */
  'UNSUPPORTED_STATEMENT',
  /** CQL schema source: a feature Amazon Keyspaces (or ORION) does not support. */
  'UNSUPPORTED_FEATURE',
  /** CQL schema source: an unknown or malformed column type. */
  'UNSUPPORTED_TYPE',
  /** CQL schema source: an unknown table option or one outside its range. */
  'UNSUPPORTED_OPTION',
  /** CQL schema source: two tables of one name. */
  'DUPLICATE_TABLE',
  /** An existing table differs from its CQL source in a way that cannot be applied in place. */
  'SCHEMA_DRIFT',
  /** An item to load lacks its key attribute. */
  'INVALID_ITEM',
  /** DynamoDB still returned unprocessed items after the last attempt (throttling). */
  'UNPROCESSED_ITEMS',
] as const;

/** Code of a {@link StorageError}. */
export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<StorageErrorCode> = new Set(['UNPROCESSED_ITEMS']);

/**
 * Base error of `shared/storage`. `retryable` says whether the same call may succeed later.
 * @example throw new StorageError('SCHEMA_DRIFT', 'orion.events: column id is int, the source says text');
 */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
  /** True when the same call may succeed later (throttling); false when the input must change. */
  readonly retryable: boolean;
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = RETRYABLE.has(code);
  }
}

/** Codes of a {@link CqlSchemaError}. */
export type CqlSchemaErrorCode = Extract<
  StorageErrorCode,
  | 'SYNTAX'
  | 'UNSUPPORTED_STATEMENT'
  | 'UNSUPPORTED_FEATURE'
  | 'UNSUPPORTED_TYPE'
  | 'UNSUPPORTED_OPTION'
  | 'DUPLICATE_TABLE'
>;

/**
 * The CQL schema source is malformed or uses CQL that Amazon Keyspaces (or ORION) does not support.
 * @example throw new CqlSchemaError('SYNTAX', 'unterminated string literal');
 */
export class CqlSchemaError extends StorageError {
  override readonly name = 'CqlSchemaError';
  declare readonly code: CqlSchemaErrorCode;
  constructor(code: CqlSchemaErrorCode, message: string) {
    super(code, `CQL schema: ${message}`);
  }
}

/**
 * The Cassandra / Keyspaces settings could not be read from the environment.
 * @example throw new CassandraConfigError('CASSANDRA_TARGET must be "cassandra" or "keyspaces", got "x"');
 */
export class CassandraConfigError extends StorageError {
  override readonly name = 'CassandraConfigError';
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

/**
 * The DynamoDB settings could not be read from the environment.
 * @example throw new DynamoDbConfigError('Invalid DynamoDB configuration: AWS_REGION: required');
 */
export class DynamoDbConfigError extends StorageError {
  override readonly name = 'DynamoDbConfigError';
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

/**
 * The issues of a failed zod parse of settings as `VARIABLE: message; …`, naming each field by
 * the environment variable it was read from.
 * @example configProblems(parsed.error, { region: 'AWS_REGION' }) // 'AWS_REGION: Invalid input …'
 */
export function configProblems(error: z.ZodError, names: Readonly<Record<string, string>>): string {
  return error.issues
    .map((issue) => {
      const field = String(issue.path[0] ?? '');
      return `${names[field] ?? field}: ${issue.message}`;
    })
    .join('; ');
}
