/**
 * The two other ways of getting the cluster: a provisioned MSK cluster (Kafka 3.9.x, IAM, TLS,
 * encryption at rest) and an imported one (no cluster, no VPC, no lookup). Both synthesize
 * offline and pass cdk-nag.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrionConfigError } from '../../lib/config/orion-config.ts';
import { MSK_KAFKA_VERSION } from '../../lib/constructs/orion-kafka-cluster.ts';
import { STAGES, TOPICS } from '../../shared/cdr/pipeline.ts';
import { allEventSourceMappings, resolveTopics } from '../../shared/pipeline/index.ts';
import { IMPORT_CONTEXT, type SynthesizedOrion, synthOrion } from './support/synth-orion.ts';

describe('orion:msk=provisioned', () => {
  let synth: SynthesizedOrion;
  beforeAll(() => {
    // A region gives the VPC 3 AZs (<region>a,b,c), one per default broker.
    synth = synthOrion({ 'orion:msk': 'provisioned', 'orion:region': 'eu-west-3' });
  }, 180_000);

  it('puts one broker in each AZ: 3 brokers over the 3 subnets of eu-west-3a, b and c', () => {
    const [cluster] = Object.values(synth.template.findResources('AWS::MSK::Cluster'));
    expect(cluster?.Properties.NumberOfBrokerNodes).toBe(3);
    expect(cluster?.Properties.BrokerNodeGroupInfo.ClientSubnets).toHaveLength(3);
    const subnets = Object.values(synth.template.findResources('AWS::EC2::Subnet'));
    expect(subnets.map((s) => s.Properties.AvailabilityZone).sort()).toEqual([
      'eu-west-3a',
      'eu-west-3b',
      'eu-west-3c',
    ]);
  });

  it('refuses a broker count that the AZs do not divide (MSK spreads brokers evenly), naming the fix', () => {
    // Environment-agnostic: 2 AZs (Fn::GetAZs), so 3 brokers cannot be spread evenly.
    expect(() => synthOrion({ 'orion:msk': 'provisioned', 'orion:nag': false })).toThrowError(
      OrionConfigError,
    );
    expect(() => synthOrion({ 'orion:msk': 'provisioned', 'orion:nag': false })).toThrowError(
      /brokerCount 3 is not a multiple of the AZ count.*2 AZs.*even brokerCount, or pin orion:region/,
    );
  });

  it('creates a Kafka 3.9.x cluster with IAM auth only, TLS everywhere, a KMS key at rest and broker logs', () => {
    const { template } = synth;
    expect(MSK_KAFKA_VERSION).toBe('3.9.x');
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    template.hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: 'orion-dev',
      KafkaVersion: '3.9.x',
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.m7g.large' }),
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: {
        EncryptionAtRest: { DataVolumeKMSKeyId: Match.anyValue() },
        EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
      },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: Match.anyValue() } } },
    });
    template.hasResourceProperties('AWS::MSK::Configuration', {
      KafkaVersionsList: ['3.9.x'],
      ServerProperties: Match.stringLikeRegexp('auto.create.topics.enable=false'),
    });
  });

  it('fits the topic catalog to the broker count and keeps every config (min ISR included)', () => {
    const [resource] = Object.values(synth.template.findResources('Custom::OrionKafkaTopics'));
    expect(resource?.Properties.Serverless).toBe('false');
    expect(JSON.parse(resource?.Properties.Topics)).toEqual(resolveTopics(3, TOPICS));
  });

  it('is cdk-nag clean', () => {
    expect(synth.findings).toEqual([]);
  });
});

describe('orion:msk=import', () => {
  let synth: SynthesizedOrion;
  const imported = IMPORT_CONTEXT['orion:mskImport'];
  beforeAll(() => {
    synth = synthOrion(IMPORT_CONTEXT);
  }, 180_000);

  it('creates no cluster and no VPC, and uses the imported subnets and security group', () => {
    const { template } = synth;
    template.resourceCountIs('AWS::MSK::Cluster', 0);
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('Custom::AWS', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'orion-dev-storage',
      VpcConfig: { SubnetIds: imported.privateSubnetIds },
      Environment: { Variables: Match.objectLike({ KAFKA_BROKERS: imported.bootstrapBrokers }) },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: imported.securityGroupId,
      FromPort: 9098,
    });
  });

  it('maps every topic of the imported cluster and scopes IAM to its literal topic ARNs', () => {
    const { template } = synth;
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(allEventSourceMappings(STAGES).length);
    for (const m of mappings) expect(m.Properties.EventSourceArn).toBe(imported.clusterArn);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(
      'arn:aws:kafka:eu-west-3:123456789012:topic/prod-kafka/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7/cdr.enriched',
    );
    expect(policies).toContain(
      'arn:aws:kafka:eu-west-3:123456789012:group/prod-kafka/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7/orion-storage-hot.cdr.enriched',
    );
  });

  it('watches the imported cluster name in the MSK time-lag alarms', () => {
    // Plain metric or metric math (MetricStat inside Metrics): the dimension is there either way.
    const timeLag = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'))
      .map((alarm) => JSON.stringify(alarm.Properties))
      .filter((json) => json.includes('"EstimatedMaxTimeLag"'));
    expect(timeLag.length).toBeGreaterThan(0);
    for (const json of timeLag) expect(json).toContain('{"Name":"Cluster Name","Value":"prod-kafka"}');
  });

  it('is cdk-nag clean', () => {
    expect(synth.findings).toEqual([]);
  });
});
