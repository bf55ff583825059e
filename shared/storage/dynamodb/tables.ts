/**
 * The tables of a DynamoDB store (`DynamoDbStoreSpec` of a pipeline definition): the physical-name
 * prefix a function reads from its environment (names: `dynamoDbTableNameOf`), and their creation
 * for local runs and tests (in AWS the CDK stack owns them): on-demand capacity, the declared
 * partition and sort keys, DynamoDB's TTL on the declared attribute.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbTableNameOf } from '../../pipeline/definition.ts';
import type { DynamoDbStoreSpec, DynamoDbTableSpec } from '../../pipeline/types.ts';
import { DynamoDbConfigError } from '../errors.ts';

const TABLE_PREFIX = /^[A-Za-z0-9_.-]{0,200}$/;

/**
 * The physical-name prefix of a store's tables: its `tablePrefixVariable` from `env`, else its
 * `defaultTablePrefix`. Throws {@link DynamoDbConfigError} naming the variable when the value
 * cannot start a DynamoDB table name.
 *
 * @example tablePrefixFromEnv(store, { ORDERS_TABLE_PREFIX: 'orion-dev-' }) // 'orion-dev-'
 */
export function tablePrefixFromEnv(
  store: Pick<DynamoDbStoreSpec, 'tablePrefixVariable' | 'defaultTablePrefix'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const prefix = env[store.tablePrefixVariable] ?? store.defaultTablePrefix;
  if (!TABLE_PREFIX.test(prefix)) {
    throw new DynamoDbConfigError(
      `Invalid DynamoDB configuration: ${store.tablePrefixVariable}: expected [A-Za-z0-9_.-]*`,
    );
  }
  return prefix;
}

/**
 * Ensures every table exists and is ACTIVE (created concurrently by someone else is fine);
 * returns the names it had to create.
 *
 * @example await ensureTables(doc, store.tables, 'orion-') // ['orion-items'] on a fresh DynamoDB Local
 */
export async function ensureTables(
  documentClient: DynamoDBDocumentClient,
  tables: readonly DynamoDbTableSpec[],
  prefix: string,
): Promise<string[]> {
  const client = documentClient as unknown as DynamoDBClient;
  const created: string[] = [];
  for (const spec of tables) {
    const table = dynamoDbTableNameOf(spec, prefix);
    if (await tableExists(client, table)) continue;
    const keys = [
      { ...spec.partitionKey, keyType: 'HASH' as const },
      ...(spec.sortKey ? [{ ...spec.sortKey, keyType: 'RANGE' as const }] : []),
    ];
    let createdHere = false;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
          KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
          ...(spec.stream
            ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }
            : {}),
        }),
      );
      created.push(table);
      createdHere = true;
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error; // created concurrently: fine
    }
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
    if (createdHere && spec.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: table,
          TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
  return created;
}

/**
 * Deletes the tables of a prefix (test clean-up); missing tables are ignored.
 *
 * @example await dropTables(doc, store.tables, 'orion-test-1a2b-')
 */
export async function dropTables(
  documentClient: DynamoDBDocumentClient,
  tables: readonly DynamoDbTableSpec[],
  prefix: string,
): Promise<void> {
  const client = documentClient as unknown as DynamoDBClient;
  for (const spec of tables) {
    try {
      await client.send(new DeleteTableCommand({ TableName: dynamoDbTableNameOf(spec, prefix) }));
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
