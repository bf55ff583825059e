/**
 * A DynamoDB store's tables carry what their spec declares: the keys, TTL on the declared
 * attribute, the stream view type, and always on-demand billing, point-in-time recovery and
 * encryption at rest; grants follow the declared access.
 */
import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DynamoDbStore } from '../../lib/constructs/dynamodb-store.ts';
import type { DynamoDbStoreSpec } from '../../shared/pipeline/index.ts';

const STORE: DynamoDbStoreSpec = {
  kind: 'dynamodb',
  name: 'order-state',
  description: 'Orders and their outbox',
  tablePrefixVariable: 'ORDER_TABLE_PREFIX',
  defaultTablePrefix: 'orion-',
  tables: [
    {
      suffix: 'orders',
      partitionKey: { name: 'orderId', type: 'S' },
      description: 'One item per order',
    },
    {
      suffix: 'outbox',
      partitionKey: { name: 'orderId', type: 'S' },
      sortKey: { name: 'seq', type: 'N' },
      timeToLiveAttribute: 'expiresAt',
      stream: 'NEW_IMAGE',
      description: 'Entries to publish',
    },
  ],
};

function synth(access: 'read' | 'read-write') {
  const stack = new Stack(new App(), 'Test');
  const store = new DynamoDbStore(stack, 'OrderState', { store: STORE, tablePrefix: 'orion-dev-' });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  store.grant(role, access);
  return Template.fromStack(stack);
}

describe('DynamoDbStore', () => {
  it('sets TTL and the stream only where declared, with PITR, encryption and on-demand billing on every table', () => {
    const template = synth('read-write');
    const common = {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    };
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'orion-dev-outbox',
      KeySchema: [
        { AttributeName: 'orderId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const orders = Object.values(template.findResources('AWS::DynamoDB::Table')).find(
      (t) => t.Properties.TableName === 'orion-dev-orders',
    )!;
    expect(orders.Properties).toMatchObject(common);
    expect(orders.Properties.TimeToLiveSpecification).toBeUndefined();
    expect(orders.Properties.StreamSpecification).toBeUndefined();
    expect(orders.DeletionPolicy).toBe('Retain');
  });

  it('grants reads only for read access', () => {
    const actions = (access: 'read' | 'read-write') =>
      Object.values(synth(access).findResources('AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) =>
          [s.Action].flat(),
        ),
      );
    expect(actions('read')).not.toContain('dynamodb:PutItem');
    expect(actions('read')).toContain('dynamodb:GetItem');
    expect(actions('read-write')).toContain('dynamodb:PutItem');
  });
});
