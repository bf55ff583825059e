/**
 * The ORION stack: network, MSK cluster, Kafka topics (custom resource), one function per stage
 * with its Kafka event source mappings, Keyspaces hot storage, DynamoDB reference tables, alarms
 * to an encrypted SNS topic, and a dashboard. Everything is derived from the pipeline definition
 * (`shared/pipeline`) and the CQL schema source; nothing here restates a topic, a batch size or a
 * threshold.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  CfnOutput,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  Stack,
  type StackProps,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { cdrTableDefinitions } from '../shared/cdr/storage/cdr-schema.ts';
import { STAGES, type StageSpec, TOPIC, topicSpec } from '../shared/pipeline/index.ts';
import type { OrionConfig } from './config/orion-config.ts';
import { HotStorage, KEYSPACES_PORT } from './constructs/hot-storage.ts';
import { KafkaTopics } from './constructs/kafka-topics.ts';
import { OrionKafkaCluster } from './constructs/orion-kafka-cluster.ts';
import { OrionNetwork } from './constructs/orion-network.ts';
import { PipelineDashboard } from './constructs/pipeline-dashboard.ts';
import { ReferenceTables } from './constructs/reference-tables.ts';
import { ReplayFunction } from './constructs/replay-function.ts';
import { StageAlarms } from './constructs/stage-alarms.ts';
import { StageFunction } from './constructs/stage-function.ts';
import { assertFitsOnePollerGroup } from './kafka/kafka-event-source-mapping.ts';

/** Properties of {@link OrionStack}. */
export interface OrionStackProps extends StackProps {
  readonly config: OrionConfig;
  /** Repository root (`package-lock.json`, esbuild working directory). */
  readonly projectRoot: string;
  /**
   * Folder holding one folder per function (`<dir>/handler.ts`). Tests may point it at stub
   * handlers; `cdk synth` always uses the real ones.
   * @default `<projectRoot>/functions`
   */
  readonly functionsDir?: string;
}

/** The whole ORION deployment. */
export class OrionStack extends Stack {
  readonly network: OrionNetwork;
  readonly cluster: OrionKafkaCluster;
  readonly topics: KafkaTopics;
  readonly stageFunctions: ReadonlyMap<string, StageFunction>;
  readonly hotStorage: HotStorage;
  readonly referenceTables: ReferenceTables;
  readonly alarmTopic: sns.Topic;
  /** The on-demand DLQ replay function, when `functions/replay/handler.ts` exists. */
  readonly replay?: ReplayFunction;

  constructor(scope: Construct, id: string, props: OrionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const functionsDir = props.functionsDir ?? path.join(props.projectRoot, 'functions');
    const entryOf = (dir: string) => path.join(functionsDir, dir, 'handler.ts');
    const prefix = `orion-${config.envName}`;

    this.network = new OrionNetwork(this, 'Network', {
      availabilityZones: config.availabilityZones,
      existing: config.mskImport,
    });
    this.cluster = new OrionKafkaCluster(this, 'Kafka', {
      clusterName: prefix,
      mode: config.msk,
      network: this.network,
      provisioned: config.mskProvisioned,
      imported: config.mskImport,
    });
    this.topics = new KafkaTopics(this, 'Topics', {
      cluster: this.cluster,
      network: this.network,
      envName: config.envName,
      projectRoot: props.projectRoot,
      entry: entryOf('topics-provisioner'),
      deleteTopicsOnDestroy: config.deleteTopicsOnDestroy,
    });
    this.hotStorage = new HotStorage(this, 'HotStorage', {
      keyspaceName: config.keyspaceName,
      tables: cdrTableDefinitions(),
      defaultTtlSeconds: config.storageTtlDays ? Math.round(config.storageTtlDays * 86_400) : undefined,
    });
    this.referenceTables = new ReferenceTables(this, 'ReferenceTables', { tablePrefix: `${prefix}-` });

    const kafkaEnvironment = { KAFKA_BROKERS: this.cluster.bootstrapBrokers, KAFKA_AUTH: 'msk-iam' };
    const stageEnvironment: Partial<Record<StageSpec['name'], Record<string, string>>> = {
      enrichment: { REFERENCE_TABLE_PREFIX: this.referenceTables.tablePrefix },
      storage: {
        CASSANDRA_TARGET: 'keyspaces',
        CASSANDRA_KEYSPACE: this.hotStorage.keyspaceName,
        KEYSPACES_ENDPOINT: this.hotStorage.endpoint,
      },
    };
    // All mappings share one poller group: EPU capacity is billed for the group, not per mapping.
    assertFitsOnePollerGroup(STAGES);
    const functions = new Map<string, StageFunction>();
    for (const stage of STAGES) {
      const stageFunction = new StageFunction(this, `Stage-${stage.name}`, {
        stage,
        cluster: this.cluster,
        network: this.network,
        envName: config.envName,
        projectRoot: props.projectRoot,
        entry: entryOf(stage.functionDir),
        logRetention: retentionDays(config.logRetentionDays),
        pollerGroupName: prefix,
        environment: { ...kafkaEnvironment, ...stageEnvironment[stage.name] },
        // Storage is the only stage with a downstream capacity to protect (Keyspaces writes):
        // cap it at one concurrent batch per partition of its source topics.
        reservedConcurrentExecutions:
          stage.name === 'storage'
            ? stage.sourceTopics.reduce((n, t) => n + topicSpec(t).partitions, 0)
            : undefined,
      });
      // Mappings need their topics (and the on-failure topic) to exist.
      for (const { resource } of stageFunction.mappings) resource.node.addDependency(this.topics.resource);
      functions.set(stage.name, stageFunction);
    }
    this.stageFunctions = functions;
    this.hotStorage.grantReadWrite(functions.get('storage')!.function);
    this.referenceTables.grantRead(functions.get('enrichment')!.function);

    // Extension point: the replay function is declared as soon as its handler exists.
    const replayEntry = entryOf('replay');
    if (existsSync(replayEntry)) {
      this.replay = new ReplayFunction(this, 'Replay', {
        cluster: this.cluster,
        network: this.network,
        envName: config.envName,
        projectRoot: props.projectRoot,
        entry: replayEntry,
        environment: kafkaEnvironment,
        logRetention: retentionDays(config.logRetentionDays),
      });
      this.replay.node.addDependency(this.topics.resource);
    }

    this.alarmTopic = this.createAlarmTopic(prefix, config.alarmEmail);
    for (const stageFunction of functions.values()) {
      new StageAlarms(this, `Alarms-${stageFunction.stage.name}`, {
        stage: stageFunction.stage,
        stageFunction,
        clusterName: this.cluster.arnParts.clusterName,
        topic: this.alarmTopic,
        namePrefix: prefix,
      });
    }
    new PipelineDashboard(this, 'Dashboard', { dashboardName: prefix, stages: [...functions.values()] });

    new CfnOutput(this, 'ClusterArn', { value: this.cluster.clusterArn });
    new CfnOutput(this, 'BootstrapBrokers', { value: this.cluster.bootstrapBrokers });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'KeyspacesEndpoint', { value: `${this.hotStorage.endpoint}:${KEYSPACES_PORT}` });
    new CfnOutput(this, 'DlqTopic', { value: TOPIC.dlq });
  }

  /** SNS topic for alarms: KMS-encrypted (CloudWatch may use the key), TLS-only publishing. */
  private createAlarmTopic(prefix: string, email: string | undefined): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `${prefix} alarm topic encryption`,
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      displayName: `ORION ${prefix} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (email) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }
}

function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  const match = allowed.find((v) => v === days);
  if (match === undefined) {
    throw new Error(
      `orion:logRetentionDays ${days} is not a CloudWatch retention; use one of ${allowed.join(', ')}`,
    );
  }
  return match as logs.RetentionDays;
}
