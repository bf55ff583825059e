/**
 * One pipeline stage on AWS: a NodejsFunction (esbuild, arm64, Node.js 24) in the cluster's VPC,
 * one Kafka event source mapping per source topic (from `eventSourceMappingsOf`), and the
 * least-privilege MSK IAM permissions of exactly those topics and consumer groups.
 */
import {
  Duration,
  aws_lambda as lambda,
  type aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/observability/metrics.ts';
import {
  type EventSourceMappingSpec,
  eventSourceMappingsOf,
  type StageSpec,
} from '../../shared/pipeline/index.ts';
import { kafkaEventSourceMappingProps } from '../kafka/kafka-event-source-mapping.ts';
import { stageServiceName } from '../monitoring/stage-metrics.ts';
import { orionNodejsFunction } from './orion-function.ts';
import type { OrionKafkaCluster } from './orion-kafka-cluster.ts';
import type { OrionNetwork } from './orion-network.ts';

/** Properties of {@link StageFunction}. */
export interface StageFunctionProps {
  readonly stage: StageSpec;
  readonly cluster: OrionKafkaCluster;
  readonly network: OrionNetwork;
  /** Environment name, part of the function name (`orion-<env>-<stage>`). */
  readonly envName: string;
  /** Repository root (`package-lock.json`, esbuild working directory). */
  readonly projectRoot: string;
  /** The stage handler. @default `<projectRoot>/functions/<stage.functionDir>/handler.ts` */
  readonly entry?: string;
  /** Extra environment variables (storage endpoints, table names …). @default none */
  readonly environment?: Record<string, string>;
  /** @default 1024 (MB; CPU scales with memory) */
  readonly memorySize?: number;
  /** @default 60 seconds */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency. A Kafka mapping runs at most one concurrent batch per partition, so
   * the partition count already bounds concurrency; reserve only where a downstream limit
   * (Keyspaces write capacity) must be protected.
   * @default none
   */
  readonly reservedConcurrentExecutions?: number;
  /** @default 30 days */
  readonly logRetention?: logs.RetentionDays;
  /** Provisioned poller group shared by the pipeline's mappings (EPU capacity). @default none */
  readonly pollerGroupName?: string;
  /** @default 'INFO' */
  readonly logLevel?: string;
}

/** A stage function and its Kafka event source mappings. */
export class StageFunction extends Construct {
  readonly stage: StageSpec;
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** One per source topic, in `eventSourceMappingsOf(stage)` order. */
  readonly mappings: ReadonlyArray<{
    readonly spec: EventSourceMappingSpec;
    readonly resource: lambda.CfnEventSourceMapping;
  }>;

  constructor(scope: Construct, id: string, props: StageFunctionProps) {
    super(scope, id);
    const { stage, cluster, network } = props;
    this.stage = stage;
    const { fn, logGroup } = orionNodejsFunction(this, 'Function', {
      functionName: `orion-${props.envName}-${stage.name}`,
      description: stage.description,
      projectRoot: props.projectRoot,
      entry: props.entry,
      functionDir: stage.functionDir,
      network,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logRetention: props.logRetention,
      serviceName: stageServiceName(stage),
      environment: {
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        ORION_ENV: props.envName,
        ORION_STAGE: stage.name,
        ...props.environment,
      },
    });
    this.function = fn;
    this.logGroup = logGroup;
    this.grantKafka(stage, cluster);
    this.mappings = eventSourceMappingsOf(stage).map((spec) => {
      const resource = new lambda.CfnEventSourceMapping(
        this,
        `Mapping-${spec.topic}`,
        kafkaEventSourceMappingProps(stage, spec, cluster.clusterArn, this.function.functionName, {
          pollerGroupName: props.pollerGroupName,
        }),
      );
      // The mapping validates its role's permissions when it is created.
      resource.node.addDependency(this.function.role!);
      return { spec, resource };
    });
  }

  /**
   * MSK IAM, through the cluster's grants: what the stage's event source mappings need (control
   * plane, ENIs, its source topics and own consumer groups, the on-failure topic the mapping
   * writes with this role), and the runtime's idempotent producer writing the output topic and
   * `cdr.rejected`.
   */
  private grantKafka(stage: StageSpec, cluster: OrionKafkaCluster): void {
    cluster.grantEventSourceMapping(this.function, {
      sourceTopics: stage.sourceTopics,
      consumerGroups: eventSourceMappingsOf(stage).map((m) => m.consumerGroupId),
      onFailureTopic: stage.onFailureTopic,
    });
    cluster.grantProduce(this.function, [...stage.outputTopics, stage.rejectTopic]);
  }
}
