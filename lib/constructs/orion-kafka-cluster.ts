/**
 * The Kafka cluster of ORION: a new MSK Serverless or MSK Provisioned cluster (IAM auth, TLS in
 * transit, encryption at rest) in the ORION VPC, or an existing cluster imported by ARN. Either
 * way it exposes what the rest of the stack needs: the cluster ARN, the SASL/IAM bootstrap
 * brokers, the security group the brokers admit, and MSK IAM resource ARNs for topics and groups.
 */
import {
  custom_resources as cr,
  aws_ec2 as ec2,
  type aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_msk as msk,
  RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { MskMode, MskProvisionedConfig } from '../config/orion-config.ts';
import {
  type ConsumeAccess,
  consumeStatements,
  type EventSourceMappingAccess,
  eventSourceMappingStatements,
  type ProduceOptions,
  produceStatements,
  type TopicAdminOptions,
  topicAdminStatements,
} from '../kafka/msk-grants.ts';
import { type MskClusterArnParts, mskClusterArnParts, mskResourceArn } from '../kafka/msk-iam-arns.ts';
import type { OrionNetwork } from './orion-network.ts';

/** Kafka version of a provisioned cluster (MSK supports 3.9.x, KRaft). */
export const MSK_KAFKA_VERSION = '3.9.x';

/** Port of the brokers' SASL/IAM listener (TLS), MSK Provisioned and Serverless alike. */
export const MSK_IAM_PORT = 9098;

/** Properties of {@link OrionKafkaCluster}. */
export interface OrionKafkaClusterProps {
  /** Name of a created cluster. */
  readonly clusterName: string;
  /** Create a serverless or provisioned cluster, or import one. */
  readonly mode: MskMode;
  readonly network: OrionNetwork;
  /** Sizing when `mode` is `provisioned`. */
  readonly provisioned?: MskProvisionedConfig;
  /** The existing cluster when `mode` is `import`. */
  readonly imported?: {
    readonly clusterArn: string;
    readonly bootstrapBrokers: string;
    readonly securityGroupId: string;
    readonly serverless: boolean;
    readonly brokerCount: number;
  };
}

/** An MSK cluster with IAM authentication, created or imported. */
export class OrionKafkaCluster extends Construct {
  readonly clusterArn: string;
  /** SASL/IAM bootstrap brokers (`host:9098,…`). */
  readonly bootstrapBrokers: string;
  /** Security group attached to the brokers (and to the event source mappings' pollers). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** True for MSK Serverless, where only some topic configs may be set. */
  readonly serverless: boolean;
  /** Broker count the topic catalog is fitted to (`resolveTopics`); Serverless behaves as 3. */
  readonly brokerCount: number;
  readonly arnParts: MskClusterArnParts;
  private readonly grantsByPrincipal = new Map<iam.IPrincipal, Set<string>>();

  constructor(scope: Construct, id: string, props: OrionKafkaClusterProps) {
    super(scope, id);
    const { network } = props;
    if (props.mode === 'import') {
      const imported = props.imported;
      if (!imported) throw new Error('OrionKafkaCluster: mode "import" needs the imported cluster');
      this.securityGroup = ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'SecurityGroup',
        imported.securityGroupId,
      );
      this.clusterArn = imported.clusterArn;
      this.bootstrapBrokers = imported.bootstrapBrokers;
      this.serverless = imported.serverless;
      this.brokerCount = imported.brokerCount;
    } else {
      const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: network.vpc,
        description: `MSK ${props.clusterName}: SASL/IAM listener for ORION functions and event pollers`,
        allowAllOutbound: true,
      });
      // Event source mapping pollers run with the cluster's own security group.
      securityGroup.addIngressRule(
        securityGroup,
        ec2.Port.tcp(MSK_IAM_PORT),
        'Event pollers to brokers (SASL/IAM)',
      );
      this.securityGroup = securityGroup;
      const subnetIds = network.vpc.selectSubnets(network.subnets).subnetIds;
      if (props.mode === 'serverless') {
        const cluster = new msk.CfnServerlessCluster(this, 'Serverless', {
          clusterName: props.clusterName,
          clientAuthentication: { sasl: { iam: { enabled: true } } },
          vpcConfigs: [{ subnetIds, securityGroups: [securityGroup.securityGroupId] }],
        });
        this.clusterArn = cluster.attrArn;
        this.serverless = true;
        this.brokerCount = 3;
      } else {
        const sizing = props.provisioned ?? {
          instanceType: 'kafka.m7g.large',
          brokerCount: 3,
          volumeSizeGiB: 100,
        };
        this.clusterArn = this.createProvisioned(props.clusterName, sizing, subnetIds);
        this.serverless = false;
        this.brokerCount = sizing.brokerCount;
      }
      this.bootstrapBrokers = this.lookUpBootstrapBrokers();
    }
    this.securityGroup.addIngressRule(
      network.functionsSecurityGroup,
      ec2.Port.tcp(MSK_IAM_PORT),
      'ORION functions to brokers (SASL/IAM)',
    );
    this.arnParts = mskClusterArnParts(this, this.clusterArn);
  }

  /**
   * IAM resource ARN of a topic of this cluster.
   * @example cluster.topicArn('orders.validated')
   */
  topicArn(topic: string): string {
    return mskResourceArn(this.arnParts, 'topic', topic);
  }

  /**
   * IAM resource ARN of a consumer group of this cluster.
   * @example cluster.groupArn('orion-enrich.orders.validated')
   */
  groupArn(group: string): string {
    return mskResourceArn(this.arnParts, 'group', group);
  }

  /**
   * Lets the execution role of `grantee` run MSK event source mappings on this cluster with IAM
   * auth: the MSK control-plane reads and VPC/ENI calls the Lambda guide lists for MSK mappings,
   * `Connect`, reading exactly `sourceTopics` with exactly `consumerGroups`, and writing the
   * `kafka://` on-failure topic (the mapping writes it with the function's role). The statements
   * come from `eventSourceMappingStatements` (`lib/kafka/msk-grants.ts`), which cites the pages.
   * @example cluster.grantEventSourceMapping(fn, { sourceTopics: ['orders.validated'], consumerGroups: ['orion-enrich.orders.validated'], onFailureTopic: 'orders.dlq' })
   */
  grantEventSourceMapping(grantee: iam.IGrantable, access: EventSourceMappingAccess): void {
    this.addStatements(grantee, 'event source mapping', eventSourceMappingStatements(this, access));
  }

  /**
   * Lets `grantee` produce to exactly `topics` (idempotent producer by default).
   * @example cluster.grantProduce(fn, ['orders.enriched', 'orders.rejected'])
   */
  grantProduce(grantee: iam.IGrantable, topics: readonly string[], options: ProduceOptions = {}): void {
    this.addStatements(grantee, 'produce', produceStatements(this, topics, options));
  }

  /**
   * Lets `grantee` consume `topics` with `groups` (a group may end with `*`), outside an event
   * source mapping.
   * @example cluster.grantConsume(fn, { topics: ['orders.dlq'], groups: ['orion-replay-reader.*'], deleteGroups: true })
   */
  grantConsume(grantee: iam.IGrantable, access: ConsumeAccess): void {
    this.addStatements(grantee, 'consume', consumeStatements(this, access));
  }

  /**
   * Lets `grantee` create `topics`, add partitions and change their configs (and delete them when
   * `deleteTopics` is set).
   * @example cluster.grantTopicAdmin(fn, ['orders.raw'], { deleteTopics: false })
   */
  grantTopicAdmin(grantee: iam.IGrantable, topics: readonly string[], options: TopicAdminOptions = {}): void {
    this.addStatements(grantee, 'topic admin', topicAdminStatements(this, topics, options));
  }

  /**
   * Adds the statements of one grant. Each grant kind has fixed statement ids, and IAM wants the
   * ids of one policy unique: a second grant of the same kind to the same principal is refused
   * here rather than at deploy time (pass every topic in one call).
   */
  private addStatements(grantee: iam.IGrantable, kind: string, statements: iam.PolicyStatement[]): void {
    const principal = grantee.grantPrincipal;
    const granted = this.grantsByPrincipal.get(principal) ?? new Set<string>();
    if (granted.has(kind)) {
      throw new Error(
        `OrionKafkaCluster: "${kind}" was already granted to this principal; grant all its topics at once`,
      );
    }
    granted.add(kind);
    this.grantsByPrincipal.set(principal, granted);
    for (const statement of statements) principal.addToPrincipalPolicy(statement);
  }

  private createProvisioned(clusterName: string, sizing: MskProvisionedConfig, subnetIds: string[]): string {
    const key = new kms.Key(this, 'AtRestKey', {
      description: `MSK ${clusterName} encryption at rest`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Topics come only from the pipeline definition: never auto-created by a typo'd producer.
    const configuration = new msk.CfnConfiguration(this, 'Configuration', {
      name: `${clusterName}-config`,
      kafkaVersionsList: [MSK_KAFKA_VERSION],
      serverProperties: [
        'auto.create.topics.enable=false',
        `default.replication.factor=${Math.min(3, sizing.brokerCount)}`,
        `min.insync.replicas=${Math.max(1, Math.min(2, sizing.brokerCount - 1))}`,
        'unclean.leader.election.enable=false',
        'delete.topic.enable=true',
      ].join('\n'),
    });
    const cluster = new msk.CfnCluster(this, 'Provisioned', {
      clusterName,
      kafkaVersion: MSK_KAFKA_VERSION,
      numberOfBrokerNodes: sizing.brokerCount,
      brokerNodeGroupInfo: {
        instanceType: sizing.instanceType,
        clientSubnets: subnetIds,
        securityGroups: [this.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: sizing.volumeSizeGiB } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: {
        encryptionAtRest: { dataVolumeKmsKeyId: key.keyArn },
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      configurationInfo: { arn: configuration.attrArn, revision: configuration.attrLatestRevisionRevision },
      enhancedMonitoring: 'DEFAULT',
      loggingInfo: {
        brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } },
      },
    });
    return cluster.attrArn;
  }

  /** `kafka:GetBootstrapBrokers` at deploy time: CloudFormation exposes no broker list. */
  private lookUpBootstrapBrokers(): string {
    const call: cr.AwsSdkCall = {
      service: 'Kafka',
      action: 'GetBootstrapBrokers',
      parameters: { ClusterArn: this.clusterArn },
      // Stable across updates: the brokers are re-read whenever the cluster ARN changes.
      physicalResourceId: cr.PhysicalResourceId.of(`bootstrap-brokers:${this.node.addr}`),
      outputPaths: ['BootstrapBrokerStringSaslIam'],
    };
    const lookup = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.clusterArn] }),
      installLatestAwsSdk: false,
    });
    return lookup.getResponseField('BootstrapBrokerStringSaslIam');
  }
}
