/**
 * One stream stage of a pipeline (`pipeline.streamStages`), entirely from its definition: a
 * NodejsFunction (`orionNodejsFunction`: Node.js 24, arm64, in the cluster's VPC, since it
 * produces to MSK) named `functionNameOf(pipeline, stage.name)` with X-Ray active tracing and the
 * environment of `streamStageEnvironment`; a DynamoDB Streams event source mapping on the declared
 * table's stream with the settings of `streamStageMappingSettings`; and an on-failure SQS queue
 * receiving the metadata of every batch the mapping gives up (retries or record age exhausted).
 *
 * Its role gets exactly: reading that one stream (`DynamoDbStore.grantStreamRead`), sending to its
 * own queue, producing to its output topics (`OrionKafkaCluster.grantProduce`: an idempotent
 * producer, `kafka-cluster:WriteDataIdempotently` on the cluster), and the stores it declares
 * (granted by the pipeline stack, like a stage's).
 *
 * The queue: SSE-SQS encryption (no key policy for the mapping's role to need), TLS-only access,
 * and the longest retention SQS allows, 14 days ("Amazon SQS message quotas", `MessageRetentionPeriod`
 * 60 s–1,209,600 s, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html),
 * since the metadata is what an operator replays from and the stream itself keeps records 24 h.
 * An SQS destination needs `sqs:SendMessage` in the execution role ("Retain discarded records for
 * a DynamoDB event source in Lambda", https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 */
import {
  Duration,
  aws_lambda as lambda,
  type aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  type PipelineDefinition,
  type StreamStageSpec,
  streamStageEnvironment,
} from '../../shared/pipeline/index.ts';
import {
  type StreamMappingSettings,
  streamStageMappingSettings,
} from '../../shared/pipeline/stream-esm-settings.ts';
import { streamEventSourceMappingProps } from '../streams/stream-event-source-mapping.ts';
import type { DynamoDbStore } from './dynamodb-store.ts';
import { type PipelineFunctionProps, pipelineNodejsFunction } from './orion-function.ts';
import type { OrionKafkaCluster } from './orion-kafka-cluster.ts';

/** Retention of an on-failure queue: SQS's maximum. */
export const ON_FAILURE_QUEUE_RETENTION = Duration.days(14);

/** Properties of {@link StreamStageFunction}. */
export interface StreamStageFunctionProps extends PipelineFunctionProps {
  readonly stage: StreamStageSpec;
  /** The store holding the source table (`stage.source.store`). */
  readonly sourceStore: DynamoDbStore;
  readonly cluster: OrionKafkaCluster;
  /** @default 60 seconds */
  readonly timeout?: Duration;
}

/** A stream stage's function, its DynamoDB Streams mapping and its on-failure queue. */
export class StreamStageFunction extends Construct {
  readonly pipeline: PipelineDefinition;
  readonly stage: StreamStageSpec;
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly settings: StreamMappingSettings;
  readonly mapping: lambda.CfnEventSourceMapping;
  /** Receives the metadata of the batches the mapping discards. */
  readonly onFailureQueue: sqs.Queue;
  /** Its physical name, `<function name>-on-failure`. */
  readonly onFailureQueueName: string;

  constructor(scope: Construct, id: string, props: StreamStageFunctionProps) {
    super(scope, id);
    const { pipeline, stage, sourceStore } = props;
    this.pipeline = pipeline;
    this.stage = stage;
    // Validated before anything is created: a bad setting names the AWS property.
    this.settings = streamStageMappingSettings(stage);
    const { fn, logGroup, functionName } = pipelineNodejsFunction(this, props, {
      name: stage.name,
      description: stage.description,
      defaultTimeout: Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      environment: (bindings) => streamStageEnvironment(pipeline, stage, bindings),
    });
    this.function = fn;
    this.logGroup = logGroup;

    this.onFailureQueueName = `${functionName}-on-failure`;
    this.onFailureQueue = new sqs.Queue(this, 'OnFailureQueue', {
      queueName: this.onFailureQueueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: ON_FAILURE_QUEUE_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const table = sourceStore.table(stage.source.table);
    sourceStore.grantStreamRead(fn, stage.source.table);
    this.onFailureQueue.grantSendMessages(fn);
    if (stage.outputTopics.length > 0) props.cluster.grantProduce(fn, stage.outputTopics);

    this.mapping = new lambda.CfnEventSourceMapping(
      this,
      'Mapping',
      streamEventSourceMappingProps(this.settings, {
        functionName: fn.functionName,
        streamArn: table.tableStreamArn!,
        onFailureDestinationArn: this.onFailureQueue.queueArn,
      }),
    );
    // The mapping checks its role's permissions (stream read, queue send) when it is created.
    this.mapping.node.addDependency(fn.role!);
  }
}
