/**
 * Local-run preparation of the ORDER API (never imported by a handler or by CDK): creates its
 * tables, with the outbox stream, on the DynamoDB the environment points at (the embedded
 * stack's DynamoDB Local when `DYNAMODB_ENDPOINT` is set).
 */
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../../storage/dynamodb/client.ts';
import { tablePrefixFromEnv } from '../../storage/dynamodb/tables.ts';
import { ensureOrderTables, ORDERS_STORE } from './tables.ts';

/**
 * Ensures the orders tables exist for `ORDERS_TABLE_PREFIX`; returns the names it created.
 * @example await prepareLocal({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })
 */
export async function prepareLocal(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const doc = createDynamoDbDocumentClient(dynamoDbConfigFromEnv(env));
  try {
    return await ensureOrderTables(doc, tablePrefixFromEnv(ORDERS_STORE, env));
  } finally {
    doc.destroy();
  }
}
