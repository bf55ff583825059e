/**
 * The IAM statements of every MSK access ORION grants, built in ONE place and used through the
 * grant methods of `OrionKafkaCluster` (`grantEventSourceMapping`, `grantProduce`,
 * `grantConsume`, `grantTopicAdmin`). No construct writes a `kafka:`, `kafka-cluster:` or
 * ENI statement of its own.
 *
 * What an MSK event source mapping needs in the function's execution role, from the Lambda
 * developer guide, "Configuring Lambda permissions for Amazon MSK event source mappings"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html), "Required
 * permissions" (the content of the AWSLambdaMSKExecutionRole managed policy):
 * - MSK cluster: `kafka:DescribeCluster`, `kafka:DescribeClusterV2`, `kafka:GetBootstrapBrokers`;
 *   "We recommend using kafka:DescribeClusterV2 instead of kafka:DescribeCluster. The v2
 *   permission works with both provisioned and serverless Amazon MSK clusters. You only need one
 *   of these permissions in your policy.";
 * - VPC: `ec2:CreateNetworkInterface`, `ec2:DescribeNetworkInterfaces`, `ec2:DescribeVpcs`,
 *   `ec2:DeleteNetworkInterface`, `ec2:DescribeSubnets`, `ec2:DescribeSecurityGroups`;
 * - CloudWatch Logs: `logs:CreateLogGroup`, `logs:CreateLogStream`, `logs:PutLogEvents` (every
 *   ORION function already has them from AWSLambdaBasicExecutionRole);
 * - with IAM authentication ("Optional permissions"): `kafka-cluster:Connect`, `AlterGroup`,
 *   `DescribeGroup`, `DescribeTopic`, `ReadData`;
 * - a Kafka on-failure destination: `kafka-cluster:WriteData` (Lambda guide, "Capturing discarded
 *   batches for Amazon MSK and self-managed Apache Kafka event sources",
 *   https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html).
 *
 * Resources. The Kafka actions are scoped to the cluster, topic and group ARNs. The EC2 ones
 * cannot all be: the Lambda guide ("Giving Lambda functions access to resources in an Amazon VPC",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#vpc-permissions) says
 * `ec2:DescribeNetworkInterfaces` "only works if it's allowed on all resources ("Resource": "*")",
 * and the EC2 User Guide ("Structure of an IAM policy for Amazon EC2",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-policy-structure.html) says "the Amazon
 * EC2 Describe* API actions do not support resource-level permissions" and "If an API action does
 * not support individual ARNs, you must use a wildcard (*)", so the four Describe calls get `*`; the ENI create/delete calls get the account's and region's EC2 resources
 * (`arn:<partition>:ec2:<region>:<account>:*\/*`), the form the same Lambda page gives for
 * `ec2:DeleteNetworkInterface`, because the pollers' subnets and security groups are chosen by
 * Lambda from the cluster's configuration, not by this stack.
 */
import { aws_iam as iam } from 'aws-cdk-lib';
import { type MskClusterArnParts, mskResourceArn } from './msk-iam-arns.ts';

/** The MSK control-plane actions an MSK event source mapping needs (`kafka:DescribeClusterV2` chosen over v1). */
export const ESM_MSK_ACTIONS = ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'] as const;

/** The EC2 Describe actions an MSK event source mapping needs; they take no resource ARN. */
export const ESM_EC2_DESCRIBE_ACTIONS = [
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
] as const;

/** The EC2 ENI actions an MSK event source mapping needs, on the account's EC2 resources. */
export const ESM_EC2_ENI_ACTIONS = ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'] as const;

/** Every action the Lambda guide lists for an MSK mapping with IAM auth, logs aside. */
export const ESM_REQUIRED_ACTIONS: readonly string[] = [
  ...ESM_MSK_ACTIONS,
  ...ESM_EC2_DESCRIBE_ACTIONS,
  ...ESM_EC2_ENI_ACTIONS,
  'kafka-cluster:Connect',
  'kafka-cluster:DescribeTopic',
  'kafka-cluster:ReadData',
  'kafka-cluster:AlterGroup',
  'kafka-cluster:DescribeGroup',
];

/** The MSK cluster a grant is about: its ARN and the parts topic/group ARNs are built from. */
export interface MskGrantTarget {
  readonly clusterArn: string;
  readonly arnParts: MskClusterArnParts;
}

/** What one Kafka event source mapping (or several of one function) reads and writes. */
export interface EventSourceMappingAccess {
  /** Topics the mappings read. */
  readonly sourceTopics: readonly string[];
  /** Consumer groups of the mappings (`AmazonManagedKafkaEventSourceConfig.ConsumerGroupId`). */
  readonly consumerGroups: readonly string[];
  /** The `kafka://` on-failure destination topic, written by the mapping with the function's role. @default none */
  readonly onFailureTopic?: string;
}

/**
 * The statements of the execution role of a function behind MSK event source mappings (IAM auth).
 *
 * @example
 * eventSourceMappingStatements(cluster, {
 *   sourceTopics: ['orders.validated'], consumerGroups: ['orion-enrich.orders.validated'], onFailureTopic: 'orders.dlq',
 * });
 */
export function eventSourceMappingStatements(
  cluster: MskGrantTarget,
  access: EventSourceMappingAccess,
): iam.PolicyStatement[] {
  const { partition, region, account } = cluster.arnParts;
  const statements = [
    new iam.PolicyStatement({
      sid: 'EsmMskControlPlane',
      actions: [...ESM_MSK_ACTIONS],
      resources: [cluster.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'EsmVpcDescribe',
      actions: [...ESM_EC2_DESCRIBE_ACTIONS],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'EsmVpcNetworkInterfaces',
      actions: [...ESM_EC2_ENI_ACTIONS],
      resources: [`arn:${partition}:ec2:${region}:${account}:*/*`],
    }),
    new iam.PolicyStatement({
      sid: 'EsmConnect',
      actions: ['kafka-cluster:Connect'],
      resources: [cluster.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'ReadSourceTopics',
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: unique(access.sourceTopics).map((t) => mskResourceArn(cluster.arnParts, 'topic', t)),
    }),
    new iam.PolicyStatement({
      sid: 'OwnConsumerGroups',
      actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      resources: unique(access.consumerGroups).map((g) => mskResourceArn(cluster.arnParts, 'group', g)),
    }),
  ];
  if (access.onFailureTopic) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteOnFailureTopic',
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [mskResourceArn(cluster.arnParts, 'topic', access.onFailureTopic)],
      }),
    );
  }
  return statements;
}

/** Options of {@link produceStatements}. */
export interface ProduceOptions {
  /** The producer is idempotent (`kafka-cluster:WriteDataIdempotently`). @default true */
  readonly idempotent?: boolean;
  /** The producer reads the cluster's dynamic configuration. @default true */
  readonly describeClusterConfiguration?: boolean;
}

/**
 * A producer writing `topics`.
 * @example produceStatements(cluster, ['orders.validated', 'orders.rejected'])
 */
export function produceStatements(
  cluster: MskGrantTarget,
  topics: readonly string[],
  options: ProduceOptions = {},
): iam.PolicyStatement[] {
  const clusterActions = [
    'kafka-cluster:Connect',
    ...(options.describeClusterConfiguration === false
      ? []
      : ['kafka-cluster:DescribeClusterDynamicConfiguration']),
    ...(options.idempotent === false ? [] : ['kafka-cluster:WriteDataIdempotently']),
  ];
  return [
    new iam.PolicyStatement({
      sid: 'ProducerConnect',
      actions: clusterActions,
      resources: [cluster.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'WriteTopics',
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resources: unique(topics).map((t) => mskResourceArn(cluster.arnParts, 'topic', t)),
    }),
  ];
}

/** What a consumer (not an event source mapping) reads. */
export interface ConsumeAccess {
  readonly topics: readonly string[];
  /** Group names; a name may end with `*` for a prefix of transient groups. */
  readonly groups: readonly string[];
  /** Also `kafka-cluster:DeleteGroup` on those groups. @default false */
  readonly deleteGroups?: boolean;
}

/**
 * A consumer reading `topics` with `groups`.
 * @example consumeStatements(cluster, { topics: ['orders.dlq'], groups: ['orion-replay-reader.*'], deleteGroups: true })
 */
export function consumeStatements(cluster: MskGrantTarget, access: ConsumeAccess): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ConsumerConnect',
      actions: ['kafka-cluster:Connect'],
      resources: [cluster.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'ReadTopics',
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: unique(access.topics).map((t) => mskResourceArn(cluster.arnParts, 'topic', t)),
    }),
    new iam.PolicyStatement({
      sid: 'ConsumerGroups',
      actions: [
        'kafka-cluster:AlterGroup',
        'kafka-cluster:DescribeGroup',
        ...(access.deleteGroups ? ['kafka-cluster:DeleteGroup'] : []),
      ],
      resources: unique(access.groups).map((g) => mskResourceArn(cluster.arnParts, 'group', g)),
    }),
  ];
}

/** Options of {@link topicAdminStatements}. */
export interface TopicAdminOptions {
  /** Also `kafka-cluster:DeleteTopic`. @default false */
  readonly deleteTopics?: boolean;
}

/**
 * A topic administrator (create, add partitions, change configs) of exactly `topics`.
 * @example topicAdminStatements(cluster, ['orders.raw', 'orders.dlq'], { deleteTopics: false })
 */
export function topicAdminStatements(
  cluster: MskGrantTarget,
  topics: readonly string[],
  options: TopicAdminOptions = {},
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ConnectToCluster',
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      resources: [cluster.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'ManageCatalogTopics',
      actions: [
        'kafka-cluster:CreateTopic',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:AlterTopic',
        'kafka-cluster:DescribeTopicDynamicConfiguration',
        'kafka-cluster:AlterTopicDynamicConfiguration',
        ...(options.deleteTopics ? ['kafka-cluster:DeleteTopic'] : []),
      ],
      resources: unique(topics).map((t) => mskResourceArn(cluster.arnParts, 'topic', t)),
    }),
  ];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
