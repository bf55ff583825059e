/**
 * The commerce pipeline's stack, synthesized from `COMMERCE_PIPELINE` with the unchanged `lib/`
 * (stub handlers, bundling skipped): the seeds' topics (KiVendTout "Topics créés" and
 * "Configuration commune": 6/3/3/2 partitions, RF 3, LZ4, 7 days, 1 MB), one mapping per source
 * topic with its own group and per-domain DLQ (PubSubKafka ADR-003), the activity function's
 * reserved concurrency, least-privilege grants down to topic and group ARNs (PubSubKafka
 * "Configuration ACLs": a consumer reads its topic, writes its DLQ and uses its own group), the
 * fraud window table (TTL, PITR, encryption), the Keyspaces table of `schema.cql`, the alarms
 * with the PubSubKafka thresholds (lag > 1,000, DLQ > 0 per minute, P99 > 5 s) and cdk-nag.
 *
 * Expected values are written out here, not derived from the definition, so that a change of
 * the definition that drifts from the seeds fails this test. Alone the stack creates its own
 * platform; beside the CDR stack (as `bin/app.ts` will build it once the pipeline is in
 * `PIPELINES`) it shares that stack's network and cluster and clashes with none of its names.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrionApp, sharedNameConflicts } from '../../lib/config/orion-app.ts';
import type { PipelineStack } from '../../lib/pipeline-stack.ts';
import { keyspacesTableSpec } from '../../lib/storage/keyspaces-table-spec.ts';
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import { activityTableDefinitions } from '../../shared/commerce/storage/activity-schema.ts';
import { type ResolvedTopic, resolveTopics } from '../../shared/pipeline/index.ts';
import { DEFAULT_PIPELINE } from '../../shared/pipelines.ts';
import {
  PROJECT_ROOT,
  STUB_FUNCTIONS_DIR,
  type SynthesizedOrion,
  synthOrion,
} from './support/synth-orion.ts';
import {
  functionNamed,
  type RenderedStatement,
  type Resource,
  renderedMskArn,
  renderedStatements,
  renderValue,
  resourcesOf,
  statementsOf,
  tableReadWrite,
} from './support/template-queries.ts';

const DAY_MS = 86_400_000;
const MIB = 1_048_576;

/** Partitions and settings per topic, from the seeds (see the file comment). */
/** Dead-letter topics take MSK Serverless' largest message, 8 MiB (an on-failure record is larger than its record). */
const DLQ_MAX = 8 * MIB;
const TOPICS: ReadonlyArray<
  [name: string, partitions: number, days: number, compression: string, maxMessageBytes: number]
> = [
  ['raw-events', 6, 7, 'lz4', MIB],
  ['commerce.validated', 6, 7, 'lz4', MIB],
  ['user-events', 6, 7, 'lz4', MIB],
  ['payments', 3, 7, 'lz4', MIB],
  ['orders', 3, 7, 'lz4', MIB],
  ['fraud-alerts', 2, 7, 'lz4', MIB],
  ['commerce.rejected', 3, 30, 'snappy', MIB],
  ['users-dlq', 3, 30, 'snappy', DLQ_MAX],
  ['payments-dlq', 3, 30, 'snappy', DLQ_MAX],
  ['orders-dlq', 3, 30, 'snappy', DLQ_MAX],
];
const CATALOG = TOPICS.map(([name]) => name);

/** What each stage reads, with which group, where its mapping sends failures, what it produces. */
const STAGES = {
  validation: {
    reads: 'raw-events',
    group: 'orion-commerce-validation.raw-events',
    onFailure: 'users-dlq',
    produces: ['commerce.validated', 'commerce.rejected'],
    pollers: [1, 6],
  },
  routing: {
    reads: 'commerce.validated',
    group: 'orion-commerce-routing.commerce.validated',
    onFailure: 'users-dlq',
    produces: ['user-events', 'payments', 'orders', 'commerce.rejected'],
    pollers: [1, 6],
  },
  fraud: {
    reads: 'payments',
    group: 'orion-commerce-fraud.payments',
    onFailure: 'payments-dlq',
    produces: ['fraud-alerts', 'commerce.rejected'],
    pollers: [1, 3],
  },
  activity: {
    reads: 'user-events',
    group: 'orion-commerce-activity.user-events',
    onFailure: 'users-dlq',
    produces: ['commerce.rejected'],
    pollers: [1, 6],
  },
  'order-consumer': {
    reads: 'orders',
    group: 'orion-commerce-orders.orders',
    onFailure: 'orders-dlq',
    produces: ['commerce.rejected'],
    pollers: [1, 3],
  },
} as const;
type StageName = keyof typeof STAGES;
const STAGE_NAMES = Object.keys(STAGES) as StageName[];

const fnName = (name: string) => `orion-dev-commerce-${name}`;
const mskArn = renderedMskArn;
const keyspacesArn = (resource: string) =>
  `arn:<AWS::Partition>:cassandra:<AWS::Region>:<AWS::AccountId>:${resource}`;

/** The statements every function behind an MSK mapping has, for `stage`. */
function mappingAndProducerStatements(cluster: string, stage: StageName): RenderedStatement[] {
  const s = STAGES[stage];
  return [
    {
      Sid: 'EsmMskControlPlane',
      Action: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      Resource: [cluster],
    },
    {
      Sid: 'EsmVpcDescribe',
      Action: [
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeVpcs',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
      ],
      Resource: ['*'],
    },
    {
      Sid: 'EsmVpcNetworkInterfaces',
      Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
      Resource: ['arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:*/*'],
    },
    { Sid: 'EsmConnect', Action: ['kafka-cluster:Connect'], Resource: [cluster] },
    {
      Sid: 'ReadSourceTopics',
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      Resource: [mskArn('topic', s.reads)],
    },
    {
      Sid: 'OwnConsumerGroups',
      Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      Resource: [mskArn('group', s.group)],
    },
    {
      Sid: 'WriteOnFailureTopic',
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      Resource: [mskArn('topic', s.onFailure)],
    },
    {
      Sid: 'ProducerConnect',
      Action: [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeClusterDynamicConfiguration',
        'kafka-cluster:WriteDataIdempotently',
      ],
      Resource: [cluster],
    },
    {
      Sid: 'WriteTopics',
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      Resource: s.produces.map((t) => mskArn('topic', t)),
    },
  ];
}

/** Every topic name an IAM resource of the template points at. */
function topicsNamedByIam(template: Template): Set<string> {
  const names = new Set<string>();
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const doc = policy.Properties.PolicyDocument as { Statement: Array<{ Resource: unknown }> };
    for (const s of doc.Statement) {
      for (const r of [s.Resource].flat().map(renderValue)) {
        const m = /:topic\/<clusterName>\/<clusterUuid>\/(.+)$/.exec(r);
        if (m) names.add(m[1]!);
      }
    }
  }
  return names;
}

describe('the commerce stack, alone', () => {
  let synth: SynthesizedOrion;
  let template: Template;
  let stack: PipelineStack;
  let cluster: string;
  beforeAll(() => {
    synth = synthOrion({}, { pipeline: COMMERCE_PIPELINE, functionsDir: STUB_FUNCTIONS_DIR });
    ({ template, stack } = synth);
    cluster = renderValue(stack.resolve(stack.cluster.clusterArn));
  }, 180_000);

  it('is Orion-dev-commerce, with its own network and serverless cluster', () => {
    expect(stack.stackName).toBe('Orion-dev-commerce');
    expect(stack.ownsPlatform).toBe(true);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
  });

  it('applies the ten topics with the seeds’ partitions, RF 3 / min ISR 2, retention, compression and 1 MiB (8 MiB for DLQs)', () => {
    const [resource] = Object.values(resourcesOf(template, 'Custom::OrionKafkaTopics'));
    const applied = JSON.parse(resource!.Properties.Topics as string) as ResolvedTopic[];
    expect(applied.map((t) => [t.name, t.partitions, t.replicationFactor, t.configs])).toEqual(
      TOPICS.map(([name, partitions, days, compression, maxMessageBytes]) => [
        name,
        partitions,
        3,
        {
          'retention.ms': String(days * DAY_MS),
          'cleanup.policy': 'delete',
          'compression.type': compression,
          'min.insync.replicas': '2',
          'max.message.bytes': String(maxMessageBytes),
        },
      ]),
    );
    // The resource carries exactly the catalog fitted to the (3-broker) cluster, nothing restated.
    expect(applied).toEqual(resolveTopics(3, COMMERCE_PIPELINE.topics));
    expect(resource!.DeletionPolicy).toBe('Retain');
  });

  it('has the four stage functions, the ORDER API, the replay function and the topics provisioner, named from the definition', () => {
    const names = Object.values(resourcesOf(template, 'AWS::Lambda::Function'))
      .map((f) => f.Properties.FunctionName)
      .filter((n): n is string => typeof n === 'string')
      .sort();
    expect(names).toEqual(
      [...STAGE_NAMES, 'orders-api', 'outbox-publisher', 'replay', 'topics-provisioner'].map(fnName).sort(),
    );
    for (const stage of COMMERCE_PIPELINE.stages) {
      const [, fn] = functionNamed(template, fnName(stage.name));
      expect(fn.Properties).toMatchObject({
        Description: stage.description,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 1024,
        Timeout: 60,
      });
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `orion-commerce-${stage.name}`,
        ORION_STAGE: stage.name,
        ORION_ENV: 'dev',
        KAFKA_AUTH: 'msk-iam',
      });
    }
  });

  it('caps activity at one concurrent batch per user-events partition (6); the other stages are uncapped', () => {
    const reserved = (name: string) =>
      functionNamed(template, fnName(name))[1].Properties.ReservedConcurrentExecutions;
    expect(reserved('activity')).toBe(6);
    for (const name of ['validation', 'routing', 'fraud']) expect(reserved(name)).toBeUndefined();
    expect(reserved('replay')).toBe(1);
  });

  it('has one mapping per source topic, with its group <prefix>.<topic>, its DLQ and the stage settings', () => {
    const all = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    const mappings = all.filter((m) => m.Properties.Topics !== undefined);
    expect(mappings).toHaveLength(STAGE_NAMES.length);
    // Plus the outbox publisher's DynamoDB Streams mapping on the order-outbox table's stream.
    const streams = all.filter((m) => m.Properties.Topics === undefined);
    expect(streams).toHaveLength(1);
    expect(streams[0]!.Properties).toMatchObject({
      BatchSize: 100,
      MaximumRetryAttempts: -1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
    });
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const [topicsId] = Object.keys(resourcesOf(template, 'Custom::OrionKafkaTopics'));
    for (const name of STAGE_NAMES) {
      const s = STAGES[name];
      const mapping = mappings.find((m) => (m.Properties.Topics as string[])[0] === s.reads);
      expect(mapping, `mapping of ${s.reads}`).toBeDefined();
      expect(mapping!.Properties).toMatchObject({
        Topics: [s.reads],
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: s.group },
        DestinationConfig: { OnFailure: { Destination: `kafka://${s.onFailure}` } },
        Enabled: true,
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 0,
        StartingPosition: 'TRIM_HORIZON',
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 3600,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
        ProvisionedPollerConfig: {
          MinimumPollers: s.pollers[0],
          MaximumPollers: s.pollers[1],
          PollerGroupName: 'orion-dev-commerce',
        },
      });
      const fnRef = (mapping!.Properties.FunctionName as { Ref: string }).Ref;
      expect(functions[fnRef]?.Properties.FunctionName).toBe(fnName(name));
      expect(mapping!.DependsOn).toContain(topicsId);
    }
  });

  it.each(STAGE_NAMES)('%s: exactly its MSK grants (topic and group ARNs) and its store', (name) => {
    const statements = renderedStatements(template, fnName(name));
    const expected = mappingAndProducerStatements(cluster, name);
    if (name === 'fraud') {
      const table = stack.dynamoDbStores.get('fraud-state')!.tables.get('fraud-windows')!;
      expected.push(...tableReadWrite(renderValue(stack.resolve(table.tableArn))));
    }
    if (name === 'order-consumer') {
      // The event store: events, state, event-id markers; read-write on exactly these three.
      const store = stack.dynamoDbStores.get('order-events')!;
      expect([...store.tables.keys()].sort()).toEqual(['order-event-ids', 'order-events', 'order-state']);
      for (const table of store.tables.values()) {
        expected.push(...tableReadWrite(renderValue(stack.resolve(table.tableArn))));
      }
    }
    if (name === 'activity') {
      expected.push(
        {
          Sid: 'HotStorageTables',
          Action: ['cassandra:Select', 'cassandra:Modify'],
          Resource: [keyspacesArn('/keyspace/orion_dev_commerce/table/activity_by_user_day')],
        },
        {
          Sid: 'KeyspacesVpcEndpointPeers',
          Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints'],
          Resource: ['*'],
        },
        {
          Sid: 'CassandraDriverSystemTables',
          Action: ['cassandra:Select'],
          Resource: [keyspacesArn('/keyspace/system*')],
        },
      );
    }
    expect(statements).toEqual(expected);
  });

  it('gives the replay function its job table, the catalog topics and only its own transient reader groups', () => {
    const jobTable = stack.replay!.jobTable;
    expect(renderedStatements(template, fnName('replay'))).toEqual([
      ...tableReadWrite(renderValue(stack.resolve(jobTable.tableArn))),
      { Sid: 'ConsumerConnect', Action: ['kafka-cluster:Connect'], Resource: [cluster] },
      {
        Sid: 'ReadTopics',
        Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        Resource: CATALOG.map((t) => mskArn('topic', t)),
      },
      {
        Sid: 'ConsumerGroups',
        Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup', 'kafka-cluster:DeleteGroup'],
        Resource: [mskArn('group', 'orion-replay-reader.*')],
      },
      {
        Sid: 'ProducerConnect',
        Action: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
        Resource: [cluster],
      },
      {
        Sid: 'WriteTopics',
        Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        Resource: CATALOG.map((t) => mskArn('topic', t)),
      },
    ]);
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'orion-dev-commerce-replay-jobs' });
    const [, fn] = functionNamed(template, fnName('replay'));
    expect(fn.Properties.Description).toBe(
      'On-demand replay of users-dlq / payments-dlq / orders-dlq / commerce.rejected to their source topics (resumable)',
    );
  });

  it('names no topic outside the commerce catalog in any IAM policy, and no wildcard topic', () => {
    expect([...topicsNamedByIam(template)].sort()).toEqual([...CATALOG].sort());
    const [, provisioner] = functionNamed(template, fnName('topics-provisioner'));
    const manage = statementsOf(template, provisioner).find((s) => s.Sid === 'ManageCatalogTopics')!;
    expect([manage.Resource].flat().map(renderValue)).toEqual(CATALOG.map((t) => mskArn('topic', t)));
    expect([manage.Action].flat()).not.toContain('kafka-cluster:DeleteTopic');
  });

  it('keeps the fraud window state in an on-demand table with TTL on expiresAt, PITR and encryption, retained', () => {
    const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')).filter(
      (t) => t.Properties.TableName === 'orion-dev-commerce-fraud-windows',
    );
    expect(tables).toHaveLength(1);
    const [table] = tables as [Resource];
    expect(table.Properties).toEqual({
      TableName: 'orion-dev-commerce-fraud-windows',
      AttributeDefinitions: [{ AttributeName: 'customerId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: false,
    });
    expect(table.DeletionPolicy).toBe('Retain');
    // The fraud function finds it by prefix + suffix, the rule of the local tools.
    const [, fraud] = functionNamed(template, fnName('fraud'));
    expect((fraud.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      FRAUD_STATE_TABLE_PREFIX: 'orion-dev-commerce-',
    });
  });

  it('creates the keyspace orion_dev_commerce and the activity table of schema.cql', () => {
    template.resourceCountIs('AWS::Cassandra::Keyspace', 1);
    template.hasResourceProperties('AWS::Cassandra::Keyspace', { KeyspaceName: 'orion_dev_commerce' });
    const tables = Object.values(resourcesOf(template, 'AWS::Cassandra::Table'));
    expect(tables).toHaveLength(1);
    const [table] = tables as [Resource];
    expect(table.Properties).toMatchObject({
      KeyspaceName: 'orion_dev_commerce',
      TableName: 'activity_by_user_day',
      PartitionKeyColumns: [
        { ColumnName: 'user_id', ColumnType: 'text' },
        { ColumnName: 'day', ColumnType: 'date' },
      ],
      ClusteringKeyColumns: [
        { Column: { ColumnName: 'event_time', ColumnType: 'timestamp' }, OrderBy: 'DESC' },
        { Column: { ColumnName: 'event_id', ColumnType: 'text' }, OrderBy: 'ASC' },
      ],
      DefaultTimeToLive: 90 * 86_400,
      BillingMode: { Mode: 'ON_DEMAND' },
      PointInTimeRecoveryEnabled: true,
      EncryptionSpecification: { EncryptionType: 'AWS_OWNED_KMS_KEY' },
    });
    // Every column of the CQL source, none restated.
    const spec = keyspacesTableSpec(activityTableDefinitions()[0]!, { keyspaceName: 'orion_dev_commerce' });
    expect(table.Properties.RegularColumns).toEqual(
      spec.regularColumns.map((c) => ({ ColumnName: c.columnName, ColumnType: c.columnType })),
    );
    expect((table.Properties.RegularColumns as unknown[]).length).toBe(7);
    expect(table.DeletionPolicy).toBe('Retain');
    const [, activity] = functionNamed(template, fnName('activity'));
    expect(
      (activity.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ).toMatchObject({
      CASSANDRA_TARGET: 'keyspaces',
      CASSANDRA_KEYSPACE: 'orion_dev_commerce',
    });
  });

  it('alarms with the PubSubKafka thresholds: lag > 1,000, DLQ ≥ 1 per minute per mapping, P99 > 5 s', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    // Four per mapping (one mapping per stage here), two per stage, two for the ORDER API, three
    // for the outbox publisher (iterator age, on-failure queue, errors).
    expect(alarms).toHaveLength(4 * 5 + 2 * 5 + 2 + 3);
    const byName = new Map(alarms.map((a) => [String(a.Properties.AlarmName), a.Properties]));
    for (const name of STAGE_NAMES) {
      const { reads } = STAGES[name];
      const prefix = fnName(name);
      expect(byName.get(`${prefix}-offset-lag-${reads}`)).toMatchObject({
        MetricName: 'SumOffsetLag',
        Statistic: 'Maximum',
        Period: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 1000,
      });
      const dlq = byName.get(`${prefix}-dlq-${reads}`)!;
      expect(dlq).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      const stats = (
        dlq.Metrics as Array<{
          MetricStat?: { Metric: { MetricName: string }; Period: number; Stat: string };
        }>
      ).flatMap((m) => (m.MetricStat ? [m.MetricStat] : []));
      expect(stats.map((m) => [m.Metric.MetricName, m.Period, m.Stat])).toEqual([
        ['OnFailureDestinationDeliveredEventCount', 60, 'Sum'],
        ['DroppedEventCount', 60, 'Sum'],
      ]);
      expect(byName.get(`${prefix}-pipeline-age-p99`)).toMatchObject({
        MetricName: 'PipelineAgeMs',
        ExtendedStatistic: 'p99',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 5000,
        Dimensions: [
          { Name: 'service', Value: `orion-commerce-${name}` },
          { Name: 'stage', Value: name },
        ],
      });
      for (const kind of [`not-polling-${reads}`, `time-lag-${reads}`, 'error-rate']) {
        expect(byName.has(`${prefix}-${kind}`), `${prefix}-${kind}`).toBe(true);
      }
    }
    // The ORDER API: the seed's P99 > 5 s on its latency, and any 5xx.
    expect(byName.get(`${fnName('orders-api')}-latency-p99`)).toMatchObject({ Threshold: 5000 });
    expect(byName.has(`${fnName('orders-api')}-5xx`)).toBe(true);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'orion-dev-commerce-alarms' });
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toHaveLength(1);
    }
  });

  it('has the dashboard orion-dev-commerce with a row per stage and its DLQ', () => {
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toBe('orion-dev-commerce');
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const name of STAGE_NAMES) {
      expect(body).toContain(`## ${name}`);
      expect(body).toContain(`${name}: records to ${STAGES[name].onFailure}`);
      expect(body).toContain(`${name}: pipeline age (ms)`);
    }
  });

  it('is cdk-nag clean', () => {
    expect(synth.findings).toEqual([]);
  });
});

describe('the commerce stack beside the CDR stack', () => {
  let cdr: Template;
  let commerce: Template;
  let stacks: readonly PipelineStack[];
  let findings: string[];
  beforeAll(() => {
    const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const app = createOrionApp({
      context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
      pipelines: [DEFAULT_PIPELINE, COMMERCE_PIPELINE],
      functionsDir: STUB_FUNCTIONS_DIR,
    });
    stacks = app.stacks;
    const assembly = app.app.synth();
    [cdr, commerce] = stacks.map((s) =>
      Template.fromJSON(assembly.getStackArtifact(s.artifactId).template),
    ) as [Template, Template];
    findings = stacks.flatMap((s) =>
      Object.entries(assembly.getStackArtifact(s.artifactId).metadata).flatMap(([p, entries]) =>
        entries
          .filter((e) => e.type === 'aws:cdk:error' || e.type === 'aws:cdk:warning')
          .map((e) => `${p}: ${e.data}`),
      ),
    );
  }, 240_000);

  it('runs on the CDR stack’s network and cluster, through its exports', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(['Orion-dev', 'Orion-dev-commerce']);
    expect(stacks[1]!.ownsPlatform).toBe(false);
    commerce.resourceCountIs('AWS::EC2::VPC', 0);
    commerce.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    for (const mapping of Object.values(resourcesOf(commerce, 'AWS::Lambda::EventSourceMapping'))) {
      // Kafka mappings read the shared cluster (imported); the stream mapping its own table.
      if (mapping.Properties.Topics === undefined) continue;
      expect(JSON.stringify(mapping.Properties.EventSourceArn)).toContain('Fn::ImportValue');
    }
  });

  it('shares no topic, consumer group, keyspace, table, function, alarm or dashboard name with it', () => {
    expect(sharedNameConflicts(stacks)).toEqual([]);
    const keyspaces = [cdr, commerce].map((t) =>
      Object.values(resourcesOf(t, 'AWS::Cassandra::Keyspace')).map((k) => k.Properties.KeyspaceName),
    );
    expect(keyspaces).toEqual([['orion_dev'], ['orion_dev_commerce']]);
    expect([...topicsNamedByIam(commerce)].sort()).toEqual([...CATALOG].sort());
  });

  it('is cdk-nag clean in both stacks', () => {
    expect(findings).toEqual([]);
  });
});
