/**
 * A DynamoDB store of a pipeline (`kind: 'dynamodb'` in its definition): one table per entry of
 * `store.tables`, with its partition key, optional sort key, TTL attribute and stream, on-demand,
 * with point-in-time recovery and encryption at rest (AWS managed key). Physical names are
 * `<prefix><suffix>` (`dynamoDbTableNameOf`), the rule the functions and the local tools use;
 * the prefix reaches the functions through the store's `tablePrefixVariable`.
 */
import { aws_dynamodb as dynamodb, type aws_iam as iam, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  type DynamoDbKeyAttribute,
  type DynamoDbStoreSpec,
  type DynamoDbTableSpec,
  dynamoDbTableNameOf,
  type StoreUse,
  type StreamViewType,
} from '../../shared/pipeline/index.ts';

/** Properties of {@link DynamoDbStore}. */
export interface DynamoDbStoreProps {
  readonly store: DynamoDbStoreSpec;
  /** Physical-name prefix, e.g. `orion-dev-` (the functions get it in `store.tablePrefixVariable`). */
  readonly tablePrefix: string;
  /** @default RemovalPolicy.RETAIN (a store's data is not recreated by a redeploy) */
  readonly removalPolicy?: RemovalPolicy;
}

/** The tables of a DynamoDB store. */
export class DynamoDbStore extends Construct {
  readonly store: DynamoDbStoreSpec;
  readonly tablePrefix: string;
  /** By table suffix. */
  readonly tables: ReadonlyMap<string, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: DynamoDbStoreProps) {
    super(scope, id);
    this.store = props.store;
    this.tablePrefix = props.tablePrefix;
    const tables = new Map<string, dynamodb.Table>();
    for (const spec of props.store.tables) {
      tables.set(
        spec.suffix,
        createDynamoDbTable(this, `Table-${spec.suffix}`, {
          spec,
          tableName: dynamoDbTableNameOf(spec, props.tablePrefix),
          removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
          deletionProtection: false,
        }),
      );
    }
    this.tables = tables;
  }

  /** Read-only access (GetItem, BatchGetItem, Query, Scan …) to every table of the store. */
  grantRead(grantee: iam.IGrantable): void {
    for (const table of this.tables.values()) table.grantReadData(grantee);
  }

  /** Read and write access to every table of the store. */
  grantReadWrite(grantee: iam.IGrantable): void {
    for (const table of this.tables.values()) table.grantReadWriteData(grantee);
  }

  /**
   * The table of `suffix`; throws when the store has none.
   * @example store.table('outbox').tableStreamArn
   */
  table(suffix: string): dynamodb.Table {
    const table = this.tables.get(suffix);
    if (!table) throw new Error(`DynamoDB store "${this.store.name}" has no table "${suffix}"`);
    return table;
  }

  /**
   * What a DynamoDB Streams event source mapping needs to read the stream of one table, with the
   * function's role: `DescribeStream`, `GetShardIterator`, `GetRecords` and `ListStreams` on that
   * stream's ARN only, the statement the DynamoDB guide gives ("IAM policy to allow an AWS Lambda
   * function to access DynamoDB stream records",
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html),
   * the actions of the AWSLambdaDynamoDBExecutionRole managed policy. Not `Table.grantStreamRead`,
   * which adds `ListStreams` on `*`.
   * @example store.grantStreamRead(fn, 'outbox')
   */
  grantStreamRead(grantee: iam.IGrantable, suffix: string): void {
    const table = this.table(suffix);
    if (!table.tableStreamArn) {
      throw new Error(`Table "${suffix}" of DynamoDB store "${this.store.name}" declares no stream`);
    }
    table.grantStream(
      grantee,
      'dynamodb:DescribeStream',
      'dynamodb:GetShardIterator',
      'dynamodb:GetRecords',
      'dynamodb:ListStreams',
    );
  }

  /**
   * The access a stage declares in its `stores`.
   * @example store.grant(fn, 'read')
   */
  grant(grantee: iam.IGrantable, access: StoreUse['access']): void {
    if (access === 'read') this.grantRead(grantee);
    else this.grantReadWrite(grantee);
  }
}

/** Options of {@link createDynamoDbTable}. */
export interface DynamoDbTableOptions {
  readonly spec: DynamoDbTableSpec;
  readonly tableName: string;
  readonly removalPolicy: RemovalPolicy;
  /** `DeletionProtectionEnabled`. @default unset (disabled) */
  readonly deletionProtection?: boolean;
}

/**
 * One table from its spec: on-demand, point-in-time recovery, AWS managed encryption, the spec's
 * keys, TTL attribute and stream. Every ORION DynamoDB table is built here.
 * @example createDynamoDbTable(this, 'JobTable', { spec: REPLAY_JOB_TABLE, tableName, removalPolicy: RemovalPolicy.DESTROY })
 */
export function createDynamoDbTable(
  scope: Construct,
  id: string,
  options: DynamoDbTableOptions,
): dynamodb.Table {
  const { spec } = options;
  return new dynamodb.Table(scope, id, {
    tableName: options.tableName,
    partitionKey: attribute(spec.partitionKey),
    ...(spec.sortKey ? { sortKey: attribute(spec.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    // `TimeToLiveSpecification { AttributeName, Enabled: true }`: DynamoDB deletes an item once the
    // attribute's epoch seconds are past. Renaming the attribute of a deployed table takes two
    // deploys: "you must first disable TTL and then enable TTL with the new attribute name"
    // (CloudFormation, "AWS::DynamoDB::Table TimeToLiveSpecification").
    ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
    ...(spec.stream ? { stream: STREAM_VIEW_TYPES[spec.stream] } : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    ...(options.deletionProtection !== undefined ? { deletionProtection: options.deletionProtection } : {}),
    removalPolicy: options.removalPolicy,
  });
}

const STREAM_VIEW_TYPES: Record<StreamViewType, dynamodb.StreamViewType> = {
  KEYS_ONLY: dynamodb.StreamViewType.KEYS_ONLY,
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
  OLD_IMAGE: dynamodb.StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};

const ATTRIBUTE_TYPES: Record<DynamoDbKeyAttribute['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

function attribute(key: DynamoDbKeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}
