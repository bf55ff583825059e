/**
 * Creates the reference tables when they do not exist (local runs and tests; in AWS the CDK stack
 * owns them). On-demand capacity, string partition key as declared in {@link REFERENCE_TABLES}.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REFERENCE_TABLES, type ReferenceKind, referenceTableName } from './reference-tables.ts';

/**
 * Ensures every reference table exists and is ACTIVE; returns the names it had to create.
 *
 * @example await ensureReferenceTables(doc, 'orion-') // ['orion-cells', 'orion-subscribers'] on a fresh DynamoDB Local
 */
export async function ensureReferenceTables(
  documentClient: DynamoDBDocumentClient,
  prefix: string,
): Promise<string[]> {
  const client = documentClient as unknown as DynamoDBClient;
  const created: string[] = [];
  for (const kind of Object.keys(REFERENCE_TABLES) as ReferenceKind[]) {
    const table = referenceTableName(kind, prefix);
    const key = REFERENCE_TABLES[kind].partitionKey;
    if (await tableExists(client, table)) continue;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        }),
      );
      created.push(table);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error; // created concurrently: fine
    }
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
  }
  return created;
}

/**
 * Deletes the reference tables of a prefix (test clean-up); missing tables are ignored.
 *
 * @example await dropReferenceTables(doc, 'orion-test-1a2b-')
 */
export async function dropReferenceTables(
  documentClient: DynamoDBDocumentClient,
  prefix: string,
): Promise<void> {
  const client = documentClient as unknown as DynamoDBClient;
  for (const kind of Object.keys(REFERENCE_TABLES) as ReferenceKind[]) {
    try {
      await client.send(new DeleteTableCommand({ TableName: referenceTableName(kind, prefix) }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

async function tableExists(client: DynamoDBClient, table: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
