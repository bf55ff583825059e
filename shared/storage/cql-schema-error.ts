/** Why a CQL schema source was refused. */
export type CqlSchemaErrorCode =
  | 'SYNTAX'
  | 'UNSUPPORTED_STATEMENT'
  | 'UNSUPPORTED_FEATURE'
  | 'UNSUPPORTED_TYPE'
  | 'UNSUPPORTED_OPTION'
  | 'DUPLICATE_TABLE';

/** The CQL schema source is malformed or uses CQL that Amazon Keyspaces (or ORION) does not support. */
export class CqlSchemaError extends Error {
  override readonly name = 'CqlSchemaError';
  constructor(
    readonly code: CqlSchemaErrorCode,
    message: string,
  ) {
    super(`CQL schema: ${message}`);
  }
}
