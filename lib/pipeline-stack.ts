/**
 * The stack of one pipeline, built from its definition and nothing else: its topics (the topics
 * custom resource applies `pipeline.topics`), one function per stage with one Kafka event source
 * mapping per source topic, one HTTP API per `pipeline.httpApis` (API Gateway HTTP API + its
 * function), one function per `pipeline.streamStages` fed by a DynamoDB Streams mapping on its
 * table, its stores (a `cassandra` store on Keyspaces, a `dynamodb` store as DynamoDB tables)
 * granted to the functions that declare them, its replay function (`pipeline.replay`), every
 * function's alarms to an encrypted SNS topic, and a dashboard. The
 * network and the MSK cluster are the environment's: the stack creates them when it is the
 * first of the app, or receives them (`shared`) from that stack.
 *
 * Names come from the definition's one owner (`functionNameOf`, `resourceInfixOf`): a pipeline
 * with infix `''` keeps the historical names (`Orion-<env>`, `orion-<env>-<stage>`), any other
 * gets `Orion-<env>-<name>` and `orion-<env>-<name>-<stage>`.
 */
import * as path from 'node:path';
import {
  CfnOutput,
  CrossStackReferences,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  ReferenceStrength,
  Stack,
  type StackProps,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  assertFitsOnePollerGroup,
  type CassandraStoreSpec,
  type EnvironmentBindings,
  functionNameOf,
  keyspaceNameOf,
  type PipelineDefinition,
  resourceInfixOf,
  type StoreSpec,
  type StoreUse,
  storeOf,
} from '../shared/pipeline/index.ts';
import type { OrionConfig } from './config/orion-config.ts';
import { DynamoDbStore } from './constructs/dynamodb-store.ts';
import { HotStorage, KEYSPACES_PORT } from './constructs/hot-storage.ts';
import { HttpApiAlarms } from './constructs/http-api-alarms.ts';
import { HttpApiFunction } from './constructs/http-api-function.ts';
import { KafkaTopics } from './constructs/kafka-topics.ts';
import type { OrionKafkaCluster } from './constructs/orion-kafka-cluster.ts';
import type { OrionNetwork } from './constructs/orion-network.ts';
import { createOrionPlatform, type OrionPlatform } from './constructs/orion-platform.ts';
import { PipelineDashboard } from './constructs/pipeline-dashboard.ts';
import { ReplayFunction } from './constructs/replay-function.ts';
import { StageAlarms } from './constructs/stage-alarms.ts';
import { StageFunction } from './constructs/stage-function.ts';
import { StreamStageAlarms } from './constructs/stream-stage-alarms.ts';
import { StreamStageFunction } from './constructs/stream-stage-function.ts';

/** Properties of {@link PipelineStack}. */
export interface PipelineStackProps extends StackProps {
  /** The pipeline this stack deploys. */
  readonly pipeline: PipelineDefinition;
  /**
   * The network and cluster of another pipeline stack of the app, to share them.
   * @default none: this stack creates them (and other stacks may share its `platform`)
   */
  readonly shared?: OrionPlatform;
  readonly config: OrionConfig;
  /** Repository root (`package-lock.json`, esbuild working directory, `functions/`). */
  readonly projectRoot: string;
  /**
   * Folder holding one folder per function (`<dir>/<function>/handler.ts`), for the pipeline's
   * functions and the framework's (`topics-provisioner`) alike. Tests point it at stub handlers.
   * @default the pipeline's `functionsRoot` for its functions, `<projectRoot>/functions` for the framework's
   */
  readonly functionsDir?: string;
}

/** One pipeline on AWS. */
export class PipelineStack extends Stack {
  readonly pipeline: PipelineDefinition;
  /** The network and cluster, created here or shared from another stack. */
  readonly platform: OrionPlatform;
  /** True when this stack created {@link platform} (false when shared). */
  readonly ownsPlatform: boolean;
  readonly network: OrionNetwork;
  readonly cluster: OrionKafkaCluster;
  readonly topics: KafkaTopics;
  /** By stage name, in pipeline order. */
  readonly stageFunctions: ReadonlyMap<string, StageFunction>;
  /** By HTTP API name, in definition order. */
  readonly httpApis: ReadonlyMap<string, HttpApiFunction>;
  /** By stream stage name, in definition order. */
  readonly streamStages: ReadonlyMap<string, StreamStageFunction>;
  /** The Keyspaces keyspace of the pipeline's Cassandra store, if it has one. */
  readonly hotStorage?: HotStorage;
  /** By store name. */
  readonly dynamoDbStores: ReadonlyMap<string, DynamoDbStore>;
  readonly alarmTopic: sns.Topic;
  /** The on-demand replay function, when the pipeline declares `replay`. */
  readonly replay?: ReplayFunction;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { pipeline, config } = props;
    const { envName } = config;
    this.pipeline = pipeline;
    const functionsRoot =
      props.functionsDir ?? pipeline.functionsRoot ?? path.join(props.projectRoot, 'functions');
    const frameworkFunctions = props.functionsDir ?? path.join(props.projectRoot, 'functions');
    const entryOf = (root: string, dir: string) => path.join(root, dir, 'handler.ts');
    // `orion-<env>` or `orion-<env>-<name>`: the poller group, the alarm topic, the dashboard.
    const namePrefix = functionNameOf(pipeline, '', envName).replace(/-$/, '');
    const logRetention = retentionDays(config.logRetentionDays);

    this.ownsPlatform = props.shared === undefined;
    // Strong references (Export/ImportValue): CloudFormation refuses to remove the network or the
    // cluster from the owning stack while a pipeline stack still runs on them.
    if (!this.ownsPlatform) CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    this.platform = props.shared ?? createOrionPlatform(this, config);
    this.network = this.platform.network;
    this.cluster = this.platform.cluster;
    this.topics = new KafkaTopics(this, 'Topics', {
      pipeline,
      cluster: this.cluster,
      network: this.network,
      envName,
      projectRoot: props.projectRoot,
      entry: entryOf(frameworkFunctions, 'topics-provisioner'),
      deleteTopicsOnDestroy: config.deleteTopicsOnDestroy,
    });

    const cassandraStores = (pipeline.stores ?? []).filter(
      (s): s is CassandraStoreSpec => s.kind === 'cassandra',
    );
    if (cassandraStores.length > 1) {
      throw new Error(
        `Pipeline "${pipeline.name}" declares ${cassandraStores.length} Cassandra stores; a pipeline stack deploys one keyspace`,
      );
    }
    const [cassandraStore] = cassandraStores;
    if (cassandraStore) {
      this.hotStorage = new HotStorage(this, storeConstructId(cassandraStore), {
        keyspaceName: keyspaceNameOf(pipeline, config.keyspaceName),
        tables: cassandraStore.tables,
        defaultTtlSeconds: config.storageTtlDays ? Math.round(config.storageTtlDays * 86_400) : undefined,
        capacity: config.keyspacesCapacity,
      });
    }
    const tablePrefix = functionNameOf(pipeline, '', envName);
    const dynamoDbStores = new Map<string, DynamoDbStore>();
    for (const store of pipeline.stores ?? []) {
      if (store.kind !== 'dynamodb') continue;
      dynamoDbStores.set(
        store.name,
        new DynamoDbStore(this, storeConstructId(store), { store, tablePrefix }),
      );
    }
    this.dynamoDbStores = dynamoDbStores;

    const bindings: Omit<EnvironmentBindings, 'envName'> = {
      kafka: { brokers: this.cluster.bootstrapBrokers, auth: 'msk-iam' },
      ...(this.hotStorage
        ? {
            cassandra: {
              target: 'keyspaces',
              keyspace: this.hotStorage.keyspaceName,
              endpoint: this.hotStorage.endpoint,
            },
          }
        : {}),
      dynamodb: {
        tablePrefixes: Object.fromEntries([...dynamoDbStores.keys()].map((name) => [name, tablePrefix])),
      },
    };
    // All mappings of the pipeline share one poller group: EPU capacity is billed per group.
    assertFitsOnePollerGroup(pipeline.stages);
    // What every pipeline function construct is built from, but its spec and handler.
    const functionProps = {
      pipeline,
      network: this.network,
      envName,
      projectRoot: props.projectRoot,
      bindings,
      logRetention,
    };
    const functions = new Map<string, StageFunction>();
    for (const stage of pipeline.stages) {
      const stageFunction = new StageFunction(this, `Stage-${stage.name}`, {
        ...functionProps,
        stage,
        cluster: this.cluster,
        entry: entryOf(functionsRoot, stage.functionDir),
        pollerGroupName: namePrefix,
      });
      // Mappings need their topics (and the on-failure topic) to exist.
      for (const { resource } of stageFunction.mappings) resource.node.addDependency(this.topics.resource);
      this.grantStores(stageFunction.function, stage.stores);
      functions.set(stage.name, stageFunction);
    }
    this.stageFunctions = functions;

    const httpApis = new Map<string, HttpApiFunction>();
    for (const api of pipeline.httpApis ?? []) {
      const httpApi = new HttpApiFunction(this, `HttpApi-${api.name}`, {
        ...functionProps,
        api,
        entry: entryOf(functionsRoot, api.functionDir),
      });
      this.grantStores(httpApi.function, api.stores);
      httpApis.set(api.name, httpApi);
    }
    this.httpApis = httpApis;

    const streamStages = new Map<string, StreamStageFunction>();
    for (const stage of pipeline.streamStages ?? []) {
      const source = storeOf(pipeline, stage.source.store);
      const sourceStore = this.storeConstruct(source);
      if (!(sourceStore instanceof DynamoDbStore)) {
        throw new Error(
          `Stream stage "${stage.name}" reads store "${source.name}", which is not a DynamoDB store`,
        );
      }
      const streamStage = new StreamStageFunction(this, `StreamStage-${stage.name}`, {
        ...functionProps,
        stage,
        sourceStore,
        cluster: this.cluster,
        entry: entryOf(functionsRoot, stage.functionDir),
      });
      // The function produces to its topics from its first batch: they must exist.
      streamStage.mapping.node.addDependency(this.topics.resource);
      this.grantStores(streamStage.function, stage.stores);
      streamStages.set(stage.name, streamStage);
    }
    this.streamStages = streamStages;

    if (pipeline.replay) {
      this.replay = new ReplayFunction(this, 'Replay', {
        ...functionProps,
        cluster: this.cluster,
        entry: entryOf(functionsRoot, pipeline.replay.functionDir),
      });
      this.replay.node.addDependency(this.topics.resource);
    }

    this.alarmTopic = this.createAlarmTopic(namePrefix, config.alarmEmail);
    for (const stageFunction of functions.values()) {
      new StageAlarms(this, `Alarms-${stageFunction.stage.name}`, {
        stageFunction,
        clusterName: this.cluster.arnParts.clusterName,
        topic: this.alarmTopic,
        envName,
      });
    }
    for (const httpApi of httpApis.values()) {
      new HttpApiAlarms(this, `Alarms-${httpApi.spec.name}`, {
        api: httpApi,
        topic: this.alarmTopic,
        envName,
      });
    }
    for (const streamStage of streamStages.values()) {
      new StreamStageAlarms(this, `Alarms-${streamStage.stage.name}`, {
        stage: streamStage,
        topic: this.alarmTopic,
        envName,
      });
    }
    new PipelineDashboard(this, 'Dashboard', {
      dashboardName: namePrefix,
      stages: [...functions.values()],
      httpApis: [...httpApis.values()],
      streamStages: [...streamStages.values()],
    });

    if (this.ownsPlatform) {
      new CfnOutput(this, 'ClusterArn', { value: this.cluster.clusterArn });
      new CfnOutput(this, 'BootstrapBrokers', { value: this.cluster.bootstrapBrokers });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    if (this.hotStorage) {
      new CfnOutput(this, 'KeyspacesEndpoint', { value: `${this.hotStorage.endpoint}:${KEYSPACES_PORT}` });
    }
    new CfnOutput(this, 'DlqTopic', { value: pipeline.deadLetterTopics.join(',') });
    for (const httpApi of httpApis.values()) {
      new CfnOutput(this, `HttpApiUrl-${httpApi.spec.name}`, {
        description: `URL of the ${httpApi.spec.name} HTTP API (${httpApi.spec.routes.map((r) => `${r.method} ${r.path}`).join(', ')})`,
        value: httpApi.url,
      });
    }
  }

  /** Grants `grantee` the stores a function declares, each with its declared access. */
  private grantStores(grantee: iam.IGrantable, uses: readonly StoreUse[] | undefined): void {
    for (const use of uses ?? []) {
      this.storeConstruct(storeOf(this.pipeline, use.store)).grant(grantee, use.access);
    }
  }

  /** The construct of one of the pipeline's stores. */
  private storeConstruct(store: StoreSpec): HotStorage | DynamoDbStore {
    const construct = store.kind === 'cassandra' ? this.hotStorage : this.dynamoDbStores.get(store.name);
    if (!construct)
      throw new Error(`Store "${store.name}" of pipeline "${this.pipeline.name}" is not deployed`);
    return construct;
  }

  /** SNS topic `<prefix>-alarms`: KMS-encrypted (CloudWatch may use the key), TLS-only publishing. */
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

/**
 * The stack id of a pipeline: `Orion-<env>` for a pipeline with infix `''`, else
 * `Orion-<env>-<infix without its trailing dash>`.
 * @example pipelineStackId(toyPipeline, 'dev') // 'Orion-dev-toy'
 */
export function pipelineStackId(pipeline: PipelineDefinition, envName: string): string {
  const infix = resourceInfixOf(pipeline).replace(/-$/, '');
  return `Orion-${envName}${infix ? `-${infix}` : ''}`;
}

/**
 * The construct id of a store: its `constructId`, else its name in PascalCase.
 * @example storeConstructId({ name: 'order-state', … }) // 'OrderState'
 */
export function storeConstructId(store: StoreSpec): string {
  return (
    store.constructId ??
    store.name
      .split(/[^a-zA-Z0-9]+/)
      .filter(Boolean)
      .map((word) => word[0]!.toUpperCase() + word.slice(1))
      .join('')
  );
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
