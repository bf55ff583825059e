/** DynamoDB Local for real: create a table, put and get an item through the AWS SDK. */
import { CreateTableCommand, DeleteTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { testDynamo, uniqueName } from '../../support/endpoints.ts';

describe('DynamoDB Local', () => {
  const client = testDynamo();
  const docs = DynamoDBDocumentClient.from(client);
  const table = uniqueName('it_dynamodb');

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    client.destroy();
  });

  it('creates a table, puts an item and gets it back', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'cellId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'cellId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table });
    await docs.send(
      new PutCommand({ TableName: table, Item: { cellId: 'FR-75-001', site: 'Paris 1', tech: '5G' } }),
    );

    const { Item } = await docs.send(new GetCommand({ TableName: table, Key: { cellId: 'FR-75-001' } }));
    expect(Item).toEqual({ cellId: 'FR-75-001', site: 'Paris 1', tech: '5G' });
    const missing = await docs.send(new GetCommand({ TableName: table, Key: { cellId: 'nope' } }));
    expect(missing.Item).toBeUndefined();
  });
});
