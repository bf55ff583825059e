/**
 * The Kafka topics of a pipeline (`pipeline.topics`) as a CloudFormation custom resource (CDK
 * Provider framework). Its onEvent function runs in the cluster's VPC with MSK IAM auth and applies the topic
 * catalog with the same code as `npx orion topics apply`: create missing topics, increase
 * partitions, apply config changes. It never deletes on update and never removes partitions: a
 * rollback to a catalog with fewer partitions succeeds and reports what it kept, a genuine
 * decrease fails the deployment (rules in `functions/topics-provisioner/handler.ts`). It keeps one
 * physical id for life (an update can never turn into replace + delete), and leaves the topics in
 * place when the stack is deleted unless `deleteTopicsOnDestroy` is set.
 */
import {
  CustomResource,
  custom_resources as cr,
  Duration,
  aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ENV,
  functionNameOf,
  type PipelineDefinition,
  type ResolvedTopic,
  resolveTopics,
  serviceNameOf,
} from '../../shared/pipeline/index.ts';
import { orionNodejsFunction } from './orion-function.ts';
import type { OrionKafkaCluster } from './orion-kafka-cluster.ts';
import type { OrionNetwork } from './orion-network.ts';

/** CloudFormation type of the topics resource. */
export const TOPICS_RESOURCE_TYPE = 'Custom::OrionKafkaTopics';

/**
 * Properties of the topics custom resource as the onEvent handler receives them. CloudFormation
 * turns every scalar into a string, so structured values travel as JSON strings.
 */
export interface TopicsResourceProperties {
  /** SASL/IAM bootstrap brokers. */
  readonly BootstrapBrokers: string;
  /** JSON of `ResolvedTopic[]` (the catalog fitted to the cluster). */
  readonly Topics: string;
  /** `'true'` on MSK Serverless, where only some topic configs can be set. */
  readonly Serverless: 'true' | 'false';
  /** `'true'` to delete the catalog's topics when the resource is deleted. */
  readonly DeleteOnDestroy: 'true' | 'false';
}

/** Properties of {@link KafkaTopics}. */
export interface KafkaTopicsProps {
  /** The pipeline whose topic catalog is applied. */
  readonly pipeline: PipelineDefinition;
  readonly cluster: OrionKafkaCluster;
  readonly network: OrionNetwork;
  readonly envName: string;
  readonly projectRoot: string;
  /** The onEvent handler (`functions/topics-provisioner/handler.ts`, the framework's). */
  readonly entry: string;
  /**
   * Delete the topics with the stack. When false the resource also carries
   * `DeletionPolicy: Retain`, so CloudFormation never even asks.
   * @default false
   */
  readonly deleteTopicsOnDestroy?: boolean;
  /** @default the pipeline's catalog fitted to the cluster: `resolveTopics(cluster.brokerCount, pipeline.topics)` */
  readonly topics?: readonly ResolvedTopic[];
}

/** The pipeline's Kafka topics, applied by a custom resource. */
export class KafkaTopics extends Construct {
  readonly resource: CustomResource;
  readonly onEventFunction: nodejs.NodejsFunction;
  readonly topics: readonly ResolvedTopic[];

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    const { pipeline, cluster, network } = props;
    const deleteOnDestroy = props.deleteTopicsOnDestroy ?? false;
    this.topics = props.topics ?? resolveTopics(cluster.brokerCount, pipeline.topics);
    const name = 'topics-provisioner';
    this.onEventFunction = orionNodejsFunction(this, 'OnEvent', {
      functionName: functionNameOf(pipeline, name, props.envName),
      description: 'Applies the ORION topic catalog to the MSK cluster (never deletes on update)',
      projectRoot: props.projectRoot,
      entry: props.entry,
      network,
      memorySize: 512,
      timeout: Duration.minutes(5),
      environment: { [ENV.serviceName]: serviceNameOf(pipeline, name), [ENV.logLevel]: 'INFO' },
    }).fn;
    cluster.grantTopicAdmin(
      this.onEventFunction,
      this.topics.map((t) => t.name),
      { deleteTopics: deleteOnDestroy },
    );
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    const properties: TopicsResourceProperties = {
      BootstrapBrokers: cluster.bootstrapBrokers,
      Topics: JSON.stringify(this.topics),
      Serverless: cluster.serverless ? 'true' : 'false',
      DeleteOnDestroy: deleteOnDestroy ? 'true' : 'false',
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: TOPICS_RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: deleteOnDestroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
