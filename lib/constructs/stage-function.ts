/**
 * One pipeline stage on AWS, entirely from its definition: a NodejsFunction (esbuild, arm64,
 * Node.js 24) in the cluster's VPC named `functionNameOf(pipeline, stage)`, its environment from
 * the one contract builder (`stageEnvironment`), its reserved concurrency from
 * `stage.reservedConcurrency`, one Kafka event source mapping per source topic with the settings
 * of `eventSourceMappingSettings`, and the least-privilege MSK IAM permissions of exactly those
 * topics and consumer groups.
 */
import {
  Duration,
  aws_lambda as lambda,
  type aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  type EventSourceMappingSpec,
  eventSourceMappingSettings,
  eventSourceMappingsOf,
  type PipelineDefinition,
  type StageSpec,
  sourcePartitionsOf,
  stageEnvironment,
  writeTopicsOf,
} from '../../shared/pipeline/index.ts';
import { kafkaEventSourceMappingProps } from '../kafka/kafka-event-source-mapping.ts';
import { type PipelineFunctionProps, pipelineNodejsFunction } from './orion-function.ts';
import type { OrionKafkaCluster } from './orion-kafka-cluster.ts';

/** Properties of {@link StageFunction}. */
export interface StageFunctionProps extends PipelineFunctionProps {
  readonly stage: StageSpec;
  readonly cluster: OrionKafkaCluster;
  /** @default 60 seconds */
  readonly timeout?: Duration;
  /** Provisioned poller group shared by the pipeline's mappings (EPU capacity). @default none */
  readonly pollerGroupName?: string;
}

/** A stage function and its Kafka event source mappings. */
export class StageFunction extends Construct {
  readonly pipeline: PipelineDefinition;
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
    const { pipeline, stage, cluster } = props;
    this.pipeline = pipeline;
    this.stage = stage;
    const { fn, logGroup, functionName } = pipelineNodejsFunction(this, props, {
      name: stage.name,
      description: stage.description,
      defaultTimeout: Duration.seconds(60),
      reservedConcurrentExecutions: reservedConcurrencyOf(pipeline, stage),
      environment: (bindings) => stageEnvironment(pipeline, stage, bindings),
    });
    this.function = fn;
    this.logGroup = logGroup;
    this.grantKafka(stage, cluster);
    this.mappings = eventSourceMappingsOf(stage).map((spec) => {
      const settings = eventSourceMappingSettings(stage, spec, { functionName });
      const resource = new lambda.CfnEventSourceMapping(
        this,
        `Mapping-${spec.topic}`,
        kafkaEventSourceMappingProps(settings, {
          eventSourceArn: cluster.clusterArn,
          functionName: this.function.functionName,
          pollerGroupName: props.pollerGroupName,
        }),
      );
      // The mapping validates its role's permissions when it is created.
      resource.node.addDependency(this.function.role!);
      return { spec, resource };
    });
  }

  /**
   * MSK IAM, through the cluster's grants, covering exactly `writeTopicsOf(stage)`: the event
   * source mappings get the control plane, ENIs, the source topics, their own consumer groups
   * and the on-failure topic (the mapping writes it with this role); the runtime's idempotent
   * producer gets the rest, the output topics and the reject topic.
   */
  private grantKafka(stage: StageSpec, cluster: OrionKafkaCluster): void {
    cluster.grantEventSourceMapping(this.function, {
      sourceTopics: stage.sourceTopics,
      consumerGroups: eventSourceMappingsOf(stage).map((m) => m.consumerGroupId),
      onFailureTopic: stage.onFailureTopic,
    });
    const producedByRuntime = writeTopicsOf(stage).filter(
      (t) => t !== stage.onFailureTopic || t === stage.rejectTopic || stage.outputTopics.includes(t),
    );
    cluster.grantProduce(this.function, producedByRuntime);
  }
}

/**
 * The reserved concurrency of a stage's function: `'source-partitions'` is one concurrent batch
 * per partition of its source topics (a Kafka mapping runs at most that many); none by default,
 * since the partition count already bounds a Kafka consumer.
 * @example reservedConcurrencyOf(pipeline, { …, reservedConcurrency: 'source-partitions' }) // 30
 */
export function reservedConcurrencyOf(pipeline: PipelineDefinition, stage: StageSpec): number | undefined {
  const reserved = stage.reservedConcurrency;
  return reserved === 'source-partitions' ? sourcePartitionsOf(pipeline, stage) : reserved;
}
