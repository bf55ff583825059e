/**
 * The on-demand replay function of a pipeline (`pipeline.replay`): invoked with a JSON request,
 * it reads a range of one of the pipeline's replay source topics (its dead-letter and reject
 * topics) through a transient reader group of its own (`orion-replay-reader.<uuid>`),
 * republishes records to the topics they came from, and checkpoints per partition in its
 * DynamoDB job table. It has no event source: nothing invokes it but an operator
 * (`aws lambda invoke`).
 */
import {
  Duration,
  type aws_dynamodb as dynamodb,
  type aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  type EnvironmentBindings,
  functionEnvironment,
  functionNameOf,
  type PipelineDefinition,
  REPLAY_JOB_TABLE,
  REPLAY_READER_GROUP_PREFIX,
  replaySourceTopicsOf,
} from '../../shared/pipeline/index.ts';
import { createDynamoDbTable } from './dynamodb-store.ts';
import { orionNodejsFunction } from './orion-function.ts';
import type { OrionKafkaCluster } from './orion-kafka-cluster.ts';
import type { OrionNetwork } from './orion-network.ts';

/** Name of the replay function within its pipeline (`orion-<env>-<infix>replay`). */
export const REPLAY_FUNCTION_NAME = 'replay';

/** Properties of {@link ReplayFunction}. */
export interface ReplayFunctionProps {
  /** A pipeline with a `replay` spec. */
  readonly pipeline: PipelineDefinition;
  readonly cluster: OrionKafkaCluster;
  readonly network: OrionNetwork;
  readonly envName: string;
  readonly projectRoot: string;
  /** The handler, `<functions root>/<replay.functionDir>/handler.ts`. */
  readonly entry: string;
  /** The Kafka connection of the environment contract. */
  readonly bindings: Pick<EnvironmentBindings, 'kafka' | 'logLevel'>;
  /** @default 30 days */
  readonly logRetention?: logs.RetentionDays;
}

/** The replay function and its job table. */
export class ReplayFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly jobTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ReplayFunctionProps) {
    super(scope, id);
    const { pipeline, cluster, network, envName } = props;
    this.jobTable = createDynamoDbTable(this, 'JobTable', {
      spec: REPLAY_JOB_TABLE,
      tableName: functionNameOf(pipeline, REPLAY_JOB_TABLE.suffix, envName),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = orionNodejsFunction(this, 'Function', {
      functionName: functionNameOf(pipeline, REPLAY_FUNCTION_NAME, envName),
      description: `On-demand replay of ${replaySourceTopicsOf(pipeline).join(' / ')} to their source topics (resumable)`,
      projectRoot: props.projectRoot,
      entry: props.entry,
      network,
      memorySize: 1024,
      timeout: Duration.minutes(15),
      // One replay at a time per environment: replays are operator actions, not traffic.
      reservedConcurrentExecutions: 1,
      logRetention: props.logRetention,
      environment: {
        ...functionEnvironment(pipeline, REPLAY_FUNCTION_NAME, { ...props.bindings, envName }),
        [REPLAY_JOB_TABLE.tableNameVariable]: this.jobTable.tableName,
      },
    }).fn;
    this.jobTable.grantReadWriteData(this.function);
    // Reads dead letters and scans targets for already published replay ids through transient
    // reader groups; republishes to any catalog topic (a record goes back where it came from, or
    // to a requested target).
    const catalog = pipeline.topics.map((t) => t.name);
    cluster.grantConsume(this.function, {
      topics: catalog,
      groups: [`${REPLAY_READER_GROUP_PREFIX}*`],
      deleteGroups: true,
    });
    cluster.grantProduce(this.function, catalog, { describeClusterConfiguration: false });
  }
}
