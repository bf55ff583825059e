/**
 * The on-demand DLQ replay function (`functions/replay`): invoked with a JSON request, it reads
 * a range of `cdr.dlq` or `cdr.rejected` through a transient reader group of its own
 * (`orion-replay-reader.<uuid>`), republishes records to the topics they came from, and
 * checkpoints per partition in its DynamoDB job table. It has no event source: nothing invokes
 * it but an operator (`aws lambda invoke`).
 */
import {
  Duration,
  aws_dynamodb as dynamodb,
  type aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TOPICS } from '../../shared/cdr/pipeline.ts';
import { REPLAY_JOB_TABLE } from '../../shared/replay/job-table.ts';
import { orionNodejsFunction } from './orion-function.ts';
import type { OrionKafkaCluster } from './orion-kafka-cluster.ts';
import type { OrionNetwork } from './orion-network.ts';

/** Prefix of the replay reader's transient consumer groups. */
export const REPLAY_READER_GROUP_PREFIX = 'orion-replay-reader.';

/** Properties of {@link ReplayFunction}. */
export interface ReplayFunctionProps {
  readonly cluster: OrionKafkaCluster;
  readonly network: OrionNetwork;
  readonly envName: string;
  readonly projectRoot: string;
  /** The handler. @default `<projectRoot>/functions/replay/handler.ts` */
  readonly entry?: string;
  /** Kafka connection variables (`KAFKA_BROKERS`, `KAFKA_AUTH`). */
  readonly environment: Record<string, string>;
  /** @default 30 days */
  readonly logRetention?: logs.RetentionDays;
}

/** The replay function and its job table. */
export class ReplayFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly jobTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ReplayFunctionProps) {
    super(scope, id);
    const { cluster, network } = props;
    this.jobTable = new dynamodb.Table(this, 'JobTable', {
      tableName: `orion-${props.envName}-replay-jobs`,
      partitionKey: { name: REPLAY_JOB_TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REPLAY_JOB_TABLE.sortKey.name, type: dynamodb.AttributeType.NUMBER },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: REPLAY_JOB_TABLE.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = orionNodejsFunction(this, 'Function', {
      functionName: `orion-${props.envName}-replay`,
      description: 'On-demand replay of cdr.dlq / cdr.rejected to their source topics (resumable)',
      projectRoot: props.projectRoot,
      entry: props.entry,
      functionDir: 'replay',
      network,
      memorySize: 1024,
      timeout: Duration.minutes(15),
      // One replay at a time per environment: replays are operator actions, not traffic.
      reservedConcurrentExecutions: 1,
      logRetention: props.logRetention,
      serviceName: 'orion-replay',
      environment: {
        LOG_LEVEL: 'INFO',
        ...props.environment,
        REPLAY_JOB_TABLE: this.jobTable.tableName,
      },
    }).fn;
    this.jobTable.grantReadWriteData(this.function);
    // Reads dead letters and scans targets for already published replay ids through transient
    // reader groups; republishes to any catalog topic (a record goes back where it came from, or
    // to a requested target).
    const catalog = TOPICS.map((t) => t.name);
    cluster.grantConsume(this.function, {
      topics: catalog,
      groups: [`${REPLAY_READER_GROUP_PREFIX}*`],
      deleteGroups: true,
    });
    cluster.grantProduce(this.function, catalog, { describeClusterConfiguration: false });
  }
}
