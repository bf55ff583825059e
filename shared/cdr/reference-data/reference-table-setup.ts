/**
 * Creates the reference tables when they do not exist (local runs and tests; in AWS the CDK stack
 * owns them), as the {@link REFERENCE_STORE} declares them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dropTables, ensureTables } from '../../storage/dynamodb/tables.ts';
import { REFERENCE_STORE } from './reference-tables.ts';

/**
 * Ensures every reference table exists and is ACTIVE; returns the names it had to create.
 *
 * @example await ensureReferenceTables(doc, 'orion-') // ['orion-cells', 'orion-subscribers'] on a fresh DynamoDB Local
 */
export function ensureReferenceTables(
  documentClient: DynamoDBDocumentClient,
  prefix: string,
): Promise<string[]> {
  return ensureTables(documentClient, REFERENCE_STORE.tables, prefix);
}

/**
 * Deletes the reference tables of a prefix (test clean-up); missing tables are ignored.
 *
 * @example await dropReferenceTables(doc, 'orion-test-1a2b-')
 */
export function dropReferenceTables(documentClient: DynamoDBDocumentClient, prefix: string): Promise<void> {
  return dropTables(documentClient, REFERENCE_STORE.tables, prefix);
}
