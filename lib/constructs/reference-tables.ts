/**
 * The DynamoDB reference-data tables of the enrichment stage, one per entry of
 * `REFERENCE_TABLES` (`shared/storage/reference-tables.ts`): on-demand, point-in-time recovery,
 * encrypted at rest with the AWS managed key. Physical names are `<prefix><suffix>`, the same
 * rule `npx orion reference load` and the enrichment runtime use.
 */
import { aws_dynamodb as dynamodb, type aws_iam as iam, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  REFERENCE_TABLES,
  type ReferenceKind,
  referenceTableName,
} from '../../shared/cdr/reference-data/reference-tables.ts';

/** Properties of {@link ReferenceTables}. */
export interface ReferenceTablesProps {
  /** Physical-name prefix, e.g. `orion-dev-` (becomes `REFERENCE_TABLE_PREFIX` of the functions). */
  readonly tablePrefix: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The reference-data tables. */
export class ReferenceTables extends Construct {
  readonly tablePrefix: string;
  readonly tables: ReadonlyMap<ReferenceKind, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: ReferenceTablesProps) {
    super(scope, id);
    this.tablePrefix = props.tablePrefix;
    const tables = new Map<ReferenceKind, dynamodb.Table>();
    for (const spec of Object.values(REFERENCE_TABLES)) {
      tables.set(
        spec.kind,
        new dynamodb.Table(this, `Table-${spec.kind}`, {
          tableName: referenceTableName(spec.kind, props.tablePrefix),
          partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: dynamodb.TableEncryption.AWS_MANAGED,
          deletionProtection: false,
          removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        }),
      );
    }
    this.tables = tables;
  }

  /** Read-only access (GetItem, BatchGetItem, Query …) to every reference table. */
  grantRead(grantee: iam.IGrantable): void {
    for (const table of this.tables.values()) table.grantReadData(grantee);
  }
}
