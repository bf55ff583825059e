/**
 * CDK assertions on the default synthesis (the CDR pipeline's stack `Orion-dev`, MSK Serverless):
 * every resource type of the stack and the properties that matter (encryption, auth, retention,
 * concurrency, mappings, IAM, alarms), each derived from the pipeline definition.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CDR_PIPELINE, STAGES, STORE, stageSpec, TOPIC, topicSpec } from '../../shared/cdr/pipeline.ts';
import { REFERENCE_TABLES } from '../../shared/cdr/reference-data/reference-tables.ts';
import { cdrTableDefinitions } from '../../shared/cdr/storage/cdr-schema.ts';
import {
  eventSourceMappingsOf,
  METRIC,
  METRICS_NAMESPACE,
  stageEnvironment,
} from '../../shared/pipeline/index.ts';
import { type SynthesizedOrion, synthOrion } from './support/synth-orion.ts';
import {
  arnSuffixes,
  functionNamed,
  type Resource,
  resourcesOf,
  statementsOf as statementsIn,
} from './support/template-queries.ts';

let synth: SynthesizedOrion;
let template: Template;

const resources = (type: string) => resourcesOf(template, type);
/** The stage function resource whose FunctionName is `orion-dev-<stage>`. */
const stageFunction = (stage: string) => functionNamed(template, `orion-dev-${stage}`);
const statementsOf = (fn: Resource) =>
  statementsIn(template, fn) as unknown as Array<Record<string, unknown>>;

beforeAll(() => {
  synth = synthOrion();
  template = synth.template;
}, 180_000);

describe('MSK cluster (serverless, default)', () => {
  it('creates an MSK Serverless cluster with IAM auth in the private subnets', () => {
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
    template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClusterName: 'orion-dev',
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [{ SubnetIds: Match.anyValue(), SecurityGroups: [Match.anyValue()] }],
    });
    template.resourceCountIs('AWS::MSK::Cluster', 0);
  });

  it('reads the SASL/IAM bootstrap brokers with kafka:GetBootstrapBrokers at deploy time', () => {
    const [lookup] = Object.values(resources('Custom::AWS'));
    for (const event of ['Create', 'Update']) {
      const call = JSON.stringify(lookup!.Properties[event]);
      expect(call).toContain('\\"action\\":\\"GetBootstrapBrokers\\"');
      expect(call).toContain('BootstrapBrokerStringSaslIam');
    }
  });

  it('admits the SASL/IAM port (9098) from the functions and from the pollers (self)', () => {
    const ingress = Object.values(resources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) => r.Properties.FromPort === 9098 && r.Properties.ToPort === 9098,
    );
    expect(ingress).toHaveLength(2);
  });
});

describe('network', () => {
  it('has a VPC with private isolated subnets only, no NAT, and rejected-traffic flow logs', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    for (const subnet of Object.values(resources('AWS::EC2::Subnet'))) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('has the endpoints the mappings and functions need: Lambda, STS, Keyspaces (interface), DynamoDB (gateway)', () => {
    const names = Object.values(resources('AWS::EC2::VPCEndpoint')).map((e) =>
      JSON.stringify(e.Properties.ServiceName),
    );
    for (const service of ['.lambda', '.sts', '.cassandra', '.dynamodb']) {
      expect(names.some((n) => n.includes(service))).toBe(true);
    }
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  });
});

describe('topics custom resource', () => {
  it('is one Custom::OrionKafkaTopics resource, retained on delete and on replacement by default', () => {
    template.resourceCountIs('Custom::OrionKafkaTopics', 1);
    template.hasResource('Custom::OrionKafkaTopics', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { Serverless: 'true', DeleteOnDestroy: 'false', BootstrapBrokers: Match.anyValue() },
    });
  });

  it('runs its onEvent function in the VPC, arm64, Node.js 24, with topic-scoped IAM and no DeleteTopic', () => {
    const [, fn] = Object.entries(resources('AWS::Lambda::Function')).find(
      ([, r]) => r.Properties.FunctionName === 'orion-dev-topics-provisioner',
    )!;
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.VpcConfig).toBeDefined();
    const statements = statementsOf(fn);
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions).toEqual(
      expect.arrayContaining(['kafka-cluster:CreateTopic', 'kafka-cluster:AlterTopicDynamicConfiguration']),
    );
    expect(actions).not.toContain('kafka-cluster:DeleteTopic');
    const manage = statements.find((s) => s.Sid === 'ManageCatalogTopics')!;
    expect(arnSuffixes(manage.Resource).sort()).toEqual(
      resolveNames()
        .map((n) => `/${n}`)
        .sort(),
    );
  });

  it('asks for DeleteTopic and drops the Retain policy only when orion:deleteTopicsOnDestroy is set', () => {
    const destroyable = synthOrion({ 'orion:deleteTopicsOnDestroy': true, 'orion:nag': false }).template;
    const [resource] = Object.values(destroyable.findResources('Custom::OrionKafkaTopics')) as Resource[];
    expect(resource?.DeletionPolicy).toBe('Delete');
    expect(resource?.Properties.DeleteOnDestroy).toBe('true');
    expect(JSON.stringify(destroyable.findResources('AWS::IAM::Policy'))).toContain(
      'kafka-cluster:DeleteTopic',
    );
  }, 120_000);
});

function resolveNames(): string[] {
  const [resource] = Object.values(resources('Custom::OrionKafkaTopics'));
  return (JSON.parse(resource!.Properties.Topics as string) as Array<{ name: string }>).map((t) => t.name);
}

describe('stage functions', () => {
  it.each(STAGES.map((s) => s.name))(
    '%s: NodejsFunction arm64, Node.js 24, in the VPC, Powertools env, log group',
    (name) => {
      const stage = stageSpec(name);
      const [, fn] = stageFunction(name);
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect((fn.Properties.VpcConfig as { SubnetIds: unknown[] }).SubnetIds.length).toBeGreaterThan(0);
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `orion-${stage.name}`,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: 'INFO',
        KAFKA_AUTH: 'msk-iam',
      });
      expect(env.KAFKA_BROKERS).toBeDefined();
      const logGroupRef = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources('AWS::Logs::LogGroup')[logGroupRef]?.Properties).toMatchObject({
        LogGroupName: `/aws/lambda/orion-dev-${stage.name}`,
        RetentionInDays: 30,
      });
    },
  );

  it.each(STAGES.map((s) => s.name))(
    '%s gets exactly the environment contract stageEnvironment builds',
    (name) => {
      const env = (stageFunction(name)[1].Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const expected = stageEnvironment(CDR_PIPELINE, stageSpec(name), {
        kafka: { brokers: '<brokers>', auth: 'msk-iam' },
        envName: 'dev',
        cassandra: { target: 'keyspaces', keyspace: 'orion_dev', endpoint: '<endpoint>' },
        dynamodb: { tablePrefixes: { [STORE.reference]: 'orion-dev-' } },
      });
      expect(Object.keys(env).sort()).toEqual(['NODE_OPTIONS', ...Object.keys(expected)].sort());
      for (const [key, value] of Object.entries(expected)) {
        if (!value.startsWith('<')) expect(env[key], key).toBe(value);
      }
    },
  );

  it('reserves concurrency for storage only, one per partition of its source topic', () => {
    const [, storage] = stageFunction('storage');
    const partitions = stageSpec('storage').sourceTopics.reduce((n, t) => n + topicSpec(t).partitions, 0);
    expect(storage.Properties.ReservedConcurrentExecutions).toBe(partitions);
    for (const name of ['validation', 'normalization', 'enrichment']) {
      expect(stageFunction(name)[1].Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('points the storage function at Keyspaces and the enrichment function at the reference tables', () => {
    const storageEnv = (
      stageFunction('storage')[1].Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(storageEnv).toMatchObject({ CASSANDRA_TARGET: 'keyspaces', CASSANDRA_KEYSPACE: 'orion_dev' });
    expect(JSON.stringify(storageEnv.KEYSPACES_ENDPOINT)).toContain('cassandra.');
    const enrichmentEnv = (
      stageFunction('enrichment')[1].Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(enrichmentEnv.REFERENCE_TABLE_PREFIX).toBe('orion-dev-');
  });
});

describe('least privilege', () => {
  it.each(STAGES.map((s) => s.name))(
    '%s reads only its source topics and groups, writes only its outputs',
    (name) => {
      const stage = stageSpec(name);
      const statements = statementsOf(stageFunction(name)[1]);
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
      expect(arnSuffixes(bySid('ReadSourceTopics').Resource).sort()).toEqual(
        stage.sourceTopics.map((t) => `/${t}`).sort(),
      );
      expect(bySid('ReadSourceTopics').Action).toEqual([
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:ReadData',
      ]);
      expect(arnSuffixes(bySid('OwnConsumerGroups').Resource).sort()).toEqual(
        eventSourceMappingsOf(stage)
          .map((m) => `/${m.consumerGroupId}`)
          .sort(),
      );
      // The runtime's producer writes the outputs and cdr.rejected; the mapping writes cdr.dlq.
      const writes = [...stage.outputTopics, TOPIC.rejected];
      expect(arnSuffixes(bySid('WriteTopics').Resource).sort()).toEqual(writes.map((t) => `/${t}`).sort());
      expect(arnSuffixes(bySid('WriteOnFailureTopic').Resource)).toEqual([`/${TOPIC.dlq}`]);
      expect(bySid('WriteOnFailureTopic').Action).toEqual([
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:WriteData',
      ]);
      // No statement grants a Kafka data action on a wildcard resource.
      for (const s of statements) {
        const actions = [s.Action].flat() as string[];
        if (
          actions.some(
            (a) => a.startsWith('kafka-cluster:') || a.startsWith('cassandra:') || a.startsWith('dynamodb:'),
          )
        ) {
          expect(JSON.stringify(s.Resource)).not.toBe('"*"');
        }
      }
      const all = statements.flatMap((s) => [s.Action].flat() as string[]);
      expect(all).not.toContain('kafka-cluster:*');
      expect(all.some((a) => a.startsWith('cassandra:'))).toBe(name === 'storage');
      expect(all.some((a) => a.startsWith('dynamodb:'))).toBe(name === 'enrichment');
      expect(all.some((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toBe(false);
    },
  );

  it('gives the storage function Select/Modify on exactly the hot-storage tables', () => {
    const statement = statementsOf(stageFunction('storage')[1]).find((s) => s.Sid === 'HotStorageTables')!;
    expect(statement.Action).toEqual(['cassandra:Select', 'cassandra:Modify']);
    const tables = JSON.stringify(statement.Resource);
    for (const table of cdrTableDefinitions())
      expect(tables).toContain(`/keyspace/orion_dev/table/${table.name}`);
    expect((statement.Resource as unknown[]).length).toBe(cdrTableDefinitions().length);
    const peers = statementsOf(stageFunction('storage')[1]).find(
      (s) => s.Sid === 'KeyspacesVpcEndpointPeers',
    )!;
    expect(peers.Action).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints']);
  });
});

describe('hot storage (Keyspaces)', () => {
  it('creates the keyspace and one table per CQL table: on-demand, PITR, TTL, encrypted, retained', () => {
    template.resourceCountIs('AWS::Cassandra::Keyspace', 1);
    template.hasResourceProperties('AWS::Cassandra::Keyspace', {
      KeyspaceName: 'orion_dev',
      ReplicationSpecification: { ReplicationStrategy: 'SINGLE_REGION' },
    });
    const tables = cdrTableDefinitions();
    template.resourceCountIs('AWS::Cassandra::Table', tables.length);
    for (const table of tables) {
      template.hasResource('AWS::Cassandra::Table', {
        DeletionPolicy: 'Retain',
        Properties: {
          KeyspaceName: 'orion_dev',
          TableName: table.name,
          BillingMode: { Mode: 'ON_DEMAND' },
          PointInTimeRecoveryEnabled: true,
          DefaultTimeToLive: table.defaultTtlSeconds,
          EncryptionSpecification: { EncryptionType: 'AWS_OWNED_KMS_KEY' },
          PartitionKeyColumns: table.partitionKey.map((c) => ({ ColumnName: c.name, ColumnType: c.type })),
          ClusteringKeyColumns: table.clusteringKey.length
            ? table.clusteringKey.map((c) => ({
                Column: { ColumnName: c.name, ColumnType: c.type },
                OrderBy: c.order,
              }))
            : Match.absent(),
        },
      });
    }
  });

  it('overrides the TTL from orion:storageTtlDays', () => {
    const custom = synthOrion({ 'orion:storageTtlDays': 30, 'orion:nag': false }).template;
    for (const table of Object.values(custom.findResources('AWS::Cassandra::Table')) as Resource[]) {
      expect(table.Properties.DefaultTimeToLive).toBe(30 * 86_400);
    }
  }, 120_000);
});

describe('stores keep their logical ids', () => {
  it('the hot storage under HotStorage, the reference tables under ReferenceTables (their constructId)', () => {
    const ids = (type: string) => Object.keys(resources(type));
    expect(ids('AWS::Cassandra::Keyspace')).toEqual([
      expect.stringMatching(/^HotStorageKeyspace[0-9A-F]{8}$/),
    ]);
    for (const id of ids('AWS::DynamoDB::Table').filter((i) => !i.startsWith('Replay'))) {
      expect(id).toMatch(/^ReferenceTablesTable(cells|subscribers)[0-9A-F]{8}$/);
    }
  });
});

describe('reference tables (DynamoDB)', () => {
  it('creates every reference table on demand with PITR and encryption', () => {
    for (const spec of Object.values(REFERENCE_TABLES)) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `orion-dev-${spec.suffix}`,
        KeySchema: [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });
});

describe('alarms and dashboard', () => {
  it('has an encrypted, TLS-only SNS topic that every alarm notifies', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'orion-dev-alarms',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
    for (const alarm of Object.values(resources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      // Missing data is decided per alarm: only "not polling" counts silence as an incident.
      expect(alarm.Properties.TreatMissingData).toBe(
        String(alarm.Properties.AlarmName).includes('-not-polling-') ? 'breaching' : 'notBreaching',
      );
    }
  });

  it('alarms per mapping on offset lag, polling, time lag and DLQ deliveries, with the metrics AWS documents', () => {
    for (const stage of STAGES) {
      for (const mapping of eventSourceMappingsOf(stage)) {
        const uuid = Match.objectLike({ Ref: Match.anyValue() });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `orion-dev-${stage.name}-offset-lag-${mapping.topic}`,
          MetricName: 'SumOffsetLag',
          Namespace: 'AWS/Lambda',
          Statistic: 'Maximum',
          Period: 60,
          Threshold: stage.alarms.maxOffsetLag,
          EvaluationPeriods: stage.alarms.offsetLagForMinutes,
          DatapointsToAlarm: stage.alarms.offsetLagForMinutes,
          ComparisonOperator: 'GreaterThanThreshold',
          Dimensions: [{ Name: 'EventSourceMappingUUID', Value: uuid }],
          TreatMissingData: 'notBreaching',
        });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `orion-dev-${stage.name}-not-polling-${mapping.topic}`,
          MetricName: 'PolledEventCount',
          Namespace: 'AWS/Lambda',
          Statistic: 'SampleCount',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          Dimensions: [{ Name: 'EventSourceMappingUUID', Value: uuid }],
          TreatMissingData: 'breaching',
        });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `orion-dev-${stage.name}-time-lag-${mapping.topic}`,
          Threshold: stage.alarms.maxTimeLagSeconds,
          TreatMissingData: 'notBreaching',
          Metrics: Match.arrayWith([
            Match.objectLike({ Expression: 'MAX([FILL(byCluster, 0), FILL(byGroup, 0)])' }),
            Match.objectLike({
              Id: 'byCluster',
              MetricStat: Match.objectLike({
                Stat: 'Maximum',
                Metric: Match.objectLike({
                  MetricName: 'EstimatedMaxTimeLag',
                  Namespace: 'AWS/Kafka',
                  Dimensions: Match.arrayWith([
                    Match.objectLike({ Name: 'Cluster Name' }),
                    { Name: 'Consumer Group', Value: mapping.consumerGroupId },
                    { Name: 'Topic', Value: mapping.topic },
                  ]),
                }),
              }),
            }),
            Match.objectLike({
              Id: 'byGroup',
              MetricStat: Match.objectLike({
                Metric: Match.objectLike({
                  MetricName: 'EstimatedMaxTimeLag',
                  Dimensions: [
                    { Name: 'Consumer Group', Value: mapping.consumerGroupId },
                    { Name: 'Topic', Value: mapping.topic },
                  ],
                }),
              }),
            }),
          ]),
        });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `orion-dev-${stage.name}-dlq-${mapping.topic}`,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          Metrics: Match.arrayWith([
            Match.objectLike({ Expression: 'FILL(delivered, 0) + FILL(dropped, 0)' }),
            Match.objectLike({
              MetricStat: Match.objectLike({
                Stat: 'Sum',
                Metric: Match.objectLike({
                  MetricName: 'OnFailureDestinationDeliveredEventCount',
                  Namespace: 'AWS/Lambda',
                  Dimensions: [{ Name: 'EventSourceMappingUUID', Value: uuid }],
                }),
              }),
            }),
            Match.objectLike({
              MetricStat: Match.objectLike({
                Metric: Match.objectLike({ MetricName: 'DroppedEventCount', Namespace: 'AWS/Lambda' }),
              }),
            }),
          ]),
        });
      }
    }
  });

  it('only uses metric names AWS lists for Kafka event source mappings, enabled by the mapping MetricsConfig', () => {
    // Lambda guide, monitoring-metrics-types.html#event-source-mapping-metrics: the metrics marked
    // "Yes" for "Amazon MSK and self-managed Apache Kafka", by metric group.
    const documented: Record<string, string> = {
      PolledEventCount: 'EventCount',
      OnFailureDestinationDeliveredEventCount: 'EventCount',
      DroppedEventCount: 'EventCount',
      SumOffsetLag: 'KafkaMetrics',
    };
    const names = new Set<string>();
    for (const alarm of Object.values(resources('AWS::CloudWatch::Alarm'))) {
      const metrics = [
        alarm.Properties,
        ...(
          (alarm.Properties.Metrics as Array<{ MetricStat?: { Metric: Record<string, unknown> } }>) ?? []
        ).map((m) => m.MetricStat?.Metric ?? {}),
      ] as Array<Record<string, unknown>>;
      for (const m of metrics) {
        const dims = (m.Dimensions as Array<{ Name: string }>) ?? [];
        if (dims.some((d) => d.Name === 'EventSourceMappingUUID')) names.add(String(m.MetricName));
      }
    }
    expect([...names].sort()).toEqual(Object.keys(documented).sort());
    for (const esm of Object.values(resources('AWS::Lambda::EventSourceMapping'))) {
      expect((esm.Properties.MetricsConfig as { Metrics: string[] }).Metrics).toEqual(
        expect.arrayContaining([...new Set(Object.values(documented))]),
      );
    }
  });

  it('alarms per stage on error rate (metric math) and on the P99 pipeline age', () => {
    for (const stage of STAGES) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `orion-dev-${stage.name}-error-rate`,
        Threshold: stage.alarms.maxErrorRate,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: Match.stringLikeRegexp('errors / invocations') }),
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: 'Errors', Namespace: 'AWS/Lambda' }),
            }),
          }),
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: METRIC.recordsFailed, Namespace: METRICS_NAMESPACE }),
            }),
          }),
        ]),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `orion-dev-${stage.name}-pipeline-age-p99`,
        MetricName: METRIC.pipelineAgeMs,
        Namespace: METRICS_NAMESPACE,
        ExtendedStatistic: 'p99',
        Threshold: stage.alarms.maxPipelineAgeP99Ms,
        Dimensions: [
          { Name: 'service', Value: `orion-${stage.name}` },
          { Name: 'stage', Value: stage.name },
        ],
      });
    }
    const mappings = STAGES.flatMap(eventSourceMappingsOf).length;
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4 * mappings + 2 * STAGES.length);
  });

  it('has one dashboard with throughput, lag, errors and DLQ for every stage', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(
      Object.values(resources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
    );
    for (const stage of STAGES) {
      for (const title of [
        'records per minute',
        'consumer lag',
        'error rate',
        `records to ${TOPIC.dlq}`,
        'pipeline age',
      ]) {
        expect(body).toContain(`${stage.name}: ${title}`);
      }
    }
  });
});

describe('replay function (extension point)', () => {
  it('is declared with its job table, one concurrent run, and reader-group-scoped IAM when its handler exists', () => {
    const [, replay] = Object.entries(resources('AWS::Lambda::Function')).find(
      ([, r]) => r.Properties.FunctionName === 'orion-dev-replay',
    )!;
    expect(replay.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(replay.Properties.Timeout).toBe(900);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'orion-dev-replay-jobs',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const groups = statementsOf(replay).find((s) => s.Sid === 'ConsumerGroups')!;
    expect(arnSuffixes(groups.Resource)).toEqual(['/orion-replay-reader.*']);
    expect(groups.Action).toEqual([
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeGroup',
      'kafka-cluster:DeleteGroup',
    ]);
    // No event source mapping invokes it.
    for (const esm of Object.values(resources('AWS::Lambda::EventSourceMapping'))) {
      expect(JSON.stringify(esm.Properties.FunctionName)).not.toContain('Replay');
    }
  });
});

describe('cdk-nag', () => {
  it('reports no unsuppressed AwsSolutions error or warning', () => {
    expect(synth.findings).toEqual([]);
  });
});
