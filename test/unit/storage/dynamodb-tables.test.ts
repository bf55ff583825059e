/** Local creation of a store's DynamoDB tables, against a scripted client. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DynamoDbTableSpec } from '../../../shared/pipeline/types.ts';
import { dropTables, ensureTables } from '../../../shared/storage/dynamodb/tables.ts';

function fakeDynamoDb(existing: string[] = []) {
  const tables = new Set(existing);
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const doc = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      sent.push({ name: command.constructor.name, input: command.input });
      const name = command.input.TableName as string;
      if (command instanceof DescribeTableCommand) {
        if (!tables.has(name)) throw new ResourceNotFoundException({ message: 'no table', $metadata: {} });
        return { Table: { TableName: name, TableStatus: 'ACTIVE' } };
      }
      if (command instanceof CreateTableCommand) tables.add(name);
      return {};
    },
  };
  return { doc: doc as unknown as DynamoDBDocumentClient, sent, tables };
}

const ORDERS: DynamoDbTableSpec = {
  suffix: 'orders',
  partitionKey: { name: 'order_id', type: 'S' },
  sortKey: { name: 'version', type: 'N' },
  timeToLiveAttribute: 'expires_at',
  description: 'Orders by id and version',
};
const ITEMS: DynamoDbTableSpec = {
  suffix: 'items',
  partitionKey: { name: 'item_id', type: 'S' },
  description: 'Items',
};

describe('ensureTables', () => {
  it('creates the missing tables with their declared keys and TTL, on demand', async () => {
    const { doc, sent } = fakeDynamoDb(['t-items']);
    expect(await ensureTables(doc, [ORDERS, ITEMS], 't-')).toEqual(['t-orders']);
    const create = sent.find((c) => c.name === 'CreateTableCommand')?.input;
    expect(create).toEqual({
      TableName: 't-orders',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'order_id', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'order_id', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
    });
    const ttl = sent.find((c) => c.name === UpdateTimeToLiveCommand.name)?.input;
    expect(ttl).toEqual({
      TableName: 't-orders',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('creates nothing when every table exists', async () => {
    const { doc, sent } = fakeDynamoDb(['t-orders', 't-items']);
    expect(await ensureTables(doc, [ORDERS, ITEMS], 't-')).toEqual([]);
    expect(sent.map((c) => c.name)).toEqual(['DescribeTableCommand', 'DescribeTableCommand']);
  });
});

describe('dropTables', () => {
  it('deletes the tables of a prefix and ignores missing ones', async () => {
    const { doc, sent } = fakeDynamoDb();
    const send = doc.send.bind(doc);
    (doc as unknown as { send: typeof send }).send = async (command) => {
      if (
        command.constructor.name === 'DeleteTableCommand' &&
        (command.input as { TableName?: string }).TableName === 't-items'
      ) {
        throw new ResourceNotFoundException({ message: 'no table', $metadata: {} });
      }
      return send(command);
    };
    await dropTables(doc, [ORDERS, ITEMS], 't-');
    expect(sent.filter((c) => c.name === 'DeleteTableCommand').map((c) => c.input.TableName)).toEqual([
      't-orders',
    ]);
  });
});
