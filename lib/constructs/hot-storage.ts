/**
 * A Cassandra store of a pipeline (`kind: 'cassandra'` in its definition) on Amazon Keyspaces:
 * the keyspace and one `AWS::Cassandra::Table` per table of `store.tables` (parsed from the
 * pipeline's one CQL source), so that local Cassandra and Keyspaces always have the same tables.
 * Every table is on-demand by default (provisioned with auto scaling on request: `capacity`), has
 * point-in-time recovery, TTL with the schema's default, and encryption at rest.
 */
import {
  aws_cassandra as cassandra,
  aws_iam as iam,
  type aws_kms as kms,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { StoreUse, TableDefinition } from '../../shared/pipeline/index.ts';
import { type KeyspacesCapacity, keyspacesBillingProps, ON_DEMAND } from '../storage/keyspaces-capacity.ts';
import { keyspacesTableSpec } from '../storage/keyspaces-table-spec.ts';

/** Port of the Keyspaces CQL endpoint (TLS only). */
export const KEYSPACES_PORT = 9142;

/** Properties of {@link HotStorage}. */
export interface HotStorageProps {
  readonly keyspaceName: string;
  /** Table definitions parsed from the CQL schema source. */
  readonly tables: readonly TableDefinition[];
  /**
   * Default TTL of every table in seconds, overriding the schema's `default_time_to_live`.
   * @default each table's own default TTL
   */
  readonly defaultTtlSeconds?: number;
  /**
   * Customer managed key for encryption at rest.
   * @default the AWS owned key
   */
  readonly encryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN (stored records are not recreated by a redeploy) */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Capacity mode of every table: on-demand, or provisioned with auto scaling of reads and
   * writes (`keyspacesCapacityOf` reads it from a configuration value).
   * @default on-demand
   */
  readonly capacity?: KeyspacesCapacity;
}

/** The Keyspaces keyspace and tables of a Cassandra store. */
export class HotStorage extends Construct {
  readonly keyspaceName: string;
  readonly tables: ReadonlyMap<string, cassandra.CfnTable>;
  /** `cassandra.<region>.amazonaws.com`, reached over TLS on port 9142 with SigV4. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: HotStorageProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.keyspaceName = props.keyspaceName;
    this.endpoint = `cassandra.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    const keyspace = new cassandra.CfnKeyspace(this, 'Keyspace', {
      keyspaceName: props.keyspaceName,
      replicationSpecification: { replicationStrategy: 'SINGLE_REGION' },
    });
    keyspace.applyRemovalPolicy(removalPolicy);
    const billing = keyspacesBillingProps(props.capacity ?? ON_DEMAND);
    const tables = new Map<string, cassandra.CfnTable>();
    for (const table of props.tables) {
      const spec = keyspacesTableSpec(table, {
        keyspaceName: props.keyspaceName,
        ttlSeconds: props.defaultTtlSeconds,
      });
      const resource = new cassandra.CfnTable(this, `Table-${table.name}`, {
        ...spec,
        partitionKeyColumns: [...spec.partitionKeyColumns],
        clusteringKeyColumns:
          spec.clusteringKeyColumns.length > 0 ? [...spec.clusteringKeyColumns] : undefined,
        regularColumns: [...spec.regularColumns],
        ...billing,
        pointInTimeRecoveryEnabled: true,
        encryptionSpecification: props.encryptionKey
          ? { encryptionType: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyIdentifier: props.encryptionKey.keyArn }
          : { encryptionType: 'AWS_OWNED_KMS_KEY' },
      });
      resource.addResourceDependency(keyspace);
      resource.applyRemovalPolicy(removalPolicy);
      tables.set(table.name, resource);
    }
    this.tables = tables;
  }

  /**
   * Lets `grantee` read and write exactly the store's tables, plus the `system*` tables the
   * Cassandra driver reads to discover the endpoint (peers, schema).
   */
  grantReadWrite(grantee: iam.IGrantable): void {
    this.grant(grantee, 'read-write');
  }

  /** Lets `grantee` read exactly the store's tables (and the driver's `system*` tables). */
  grantRead(grantee: iam.IGrantable): void {
    this.grant(grantee, 'read');
  }

  /**
   * The access a stage declares in its `stores`: `cassandra:Select` (and `Modify` for
   * `read-write`) on the store's tables, and what the driver needs to find the endpoint.
   * @example hotStorage.grant(fn, 'read-write')
   */
  grant(grantee: iam.IGrantable, access: StoreUse['access']): void {
    const stack = Stack.of(this);
    const arn = (resource: string) =>
      `arn:${stack.partition}:cassandra:${stack.region}:${stack.account}:${resource}`;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'HotStorageTables',
        actions: access === 'read' ? ['cassandra:Select'] : ['cassandra:Select', 'cassandra:Modify'],
        resources: [...this.tables.keys()].map((t) => arn(`/keyspace/${this.keyspaceName}/table/${t}`)),
      }),
    );
    // Lets Keyspaces list the VPC endpoint's ENIs in system.peers, one per AZ: the driver then
    // balances connections over them (Keyspaces guide, "Populating system.peers … with interface
    // VPC endpoint information"). Describe calls take no resource ARN.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'KeyspacesVpcEndpointPeers',
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints'],
        resources: ['*'],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CassandraDriverSystemTables',
        actions: ['cassandra:Select'],
        resources: [arn('/keyspace/system*')],
      }),
    );
  }
}
