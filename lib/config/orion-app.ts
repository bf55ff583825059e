/**
 * Builds the ORION CDK app the way `bin/app.ts` (and so `npx cdk synth` / `npx cdk deploy`) does:
 * the configuration read from context, one stack per hosted pipeline (`PIPELINES`; the first,
 * `Orion-<env>` for the default pipeline, creates the network and the MSK cluster, every other one
 * shares them), their tags, the cdk-nag suppressions and checks, after refusing pipelines that
 * would share a Kafka topic, a consumer group or a physical resource name (`sharedNameConflicts`).
 * The infra test of the documented deploy commands (`test/infra/deploy-variants.test.ts`) calls it
 * too, so the two cannot differ.
 *
 * Offline and deterministic: no context lookup, no AWS call. A stack pinned to an account and a
 * region would make the CDK ask for the region's AZs (`Stack.availabilityZones`, read by
 * `ec2.Vpc` to check the AZs it is given), a lookup that needs credentials. ORION already knows
 * the AZs it uses (`orion:availabilityZones`, or `<region>a,b,c`), so it puts them in the
 * context under the lookup's own key (`availability-zones:account=<account>:region=<region>`,
 * as `cdk.context.json` would hold them) before the stack exists, and the lookup never happens
 * (CDK guide, "Context values and the AWS CDK",
 * https://docs.aws.amazon.com/cdk/v2/guide/context.html).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  App,
  type AppProps,
  Aspects,
  aws_cassandra as cassandra,
  aws_cloudwatch as cloudwatch,
  aws_dynamodb as dynamodb,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_sns as sns,
  aws_sqs as sqs,
  Tags,
  Token,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PipelineDefinition } from '../../shared/pipeline/index.ts';
import { PIPELINES } from '../../shared/pipelines.ts';
import { applyNagSuppressions } from '../nag-suppressions.ts';
import { PipelineStack, pipelineStackId } from '../pipeline-stack.ts';
import { type OrionConfig, readOrionConfig } from './orion-config.ts';

/** The repository root (`bin/`, `lib/`, `functions/`, `package-lock.json`). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Options of {@link createOrionApp}. */
export interface OrionAppOptions {
  /** Context on top of what the CDK CLI passes (tests give `cdk.json`'s and `-c` values here). */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly directory. @default the CLI's (`CDK_OUTDIR`) or a temporary one */
  readonly outdir?: string;
  /**
   * Folder of every function handler (`<dir>/<function>/handler.ts`), for stub handlers in tests.
   * @default each pipeline's `functionsRoot`, and `functions/` for the framework's functions
   */
  readonly functionsDir?: string;
  /** The pipelines to deploy, one stack each; the first owns the network and cluster. @default `PIPELINES` */
  readonly pipelines?: readonly PipelineDefinition[];
  /** Directory `file:<path>` context values are relative to. @default process.cwd() */
  readonly baseDir?: string;
}

/** The app, its stacks and the configuration it was built from. */
export interface OrionApp {
  readonly app: App;
  /** The first pipeline's stack (the default pipeline: `Orion-<env>`), which owns the platform. */
  readonly stack: PipelineStack;
  /** Every pipeline stack, in `pipelines` order. */
  readonly stacks: readonly PipelineStack[];
  readonly config: OrionConfig;
}

/**
 * The ORION app, ready to `synth()`.
 * @example createOrionApp().app.synth(); // bin/app.ts
 */
export function createOrionApp(options: OrionAppOptions = {}): OrionApp {
  const appProps: AppProps = { context: options.context, outdir: options.outdir };
  const app = new App(appProps);
  const config = readOrionConfig(app.node, { baseDir: options.baseDir });
  for (const [key, value] of Object.entries(availabilityZoneContext(config))) app.node.setContext(key, value);
  const pipelines = options.pipelines ?? PIPELINES;
  if (pipelines.length === 0) throw new Error('createOrionApp: no pipeline to deploy');
  const stacks: PipelineStack[] = [];
  for (const pipeline of pipelines) {
    const stack = new PipelineStack(app, pipelineStackId(pipeline, config.envName), {
      pipeline,
      shared: stacks[0]?.platform,
      config,
      projectRoot: PROJECT_ROOT,
      functionsDir: options.functionsDir,
      description: `${pipeline.title} (${config.envName})`,
      env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
    });
    Tags.of(stack).add('project', 'orion');
    Tags.of(stack).add('environment', config.envName);
    applyNagSuppressions(stack);
    stacks.push(stack);
  }
  const conflicts = sharedNameConflicts(stacks);
  if (conflicts.length > 0) {
    throw new Error(`The pipelines cannot share one environment:\n  - ${conflicts.join('\n  - ')}`);
  }
  const nag = app.node.tryGetContext('orion:nag');
  if (nag !== false && nag !== 'false') Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack: stacks[0]!, stacks, config };
}

/**
 * The context entry that answers the CDK's AZ lookup of a stack pinned to an account and a
 * region, with the AZs ORION uses; empty when the stack is environment-agnostic (no lookup then).
 * @example availabilityZoneContext(config) // { 'availability-zones:account=123456789012:region=eu-west-3': ['eu-west-3a', …] }
 */
export function availabilityZoneContext(config: OrionConfig): Record<string, string[]> {
  const azs = config.mskImport?.availabilityZones ?? config.availabilityZones;
  if (!config.account || !config.region || !azs) return {};
  return { [`availability-zones:account=${config.account}:region=${config.region}`]: [...azs] };
}

/**
 * What two pipeline stacks of one app must not share, one line per clash: they run on one MSK
 * cluster, so a Kafka topic or consumer group of two pipelines would be one topic (applied and,
 * with `orion:deleteTopicsOnDestroy`, deleted by both stacks) or one group (AWS wants a consumer
 * group id unique per event source mapping); and they live in one account and region, where a
 * function, table, keyspace, log group, alarm, SNS topic, SQS queue or dashboard name is unique. Names are
 * read from the constructs themselves (CDK tokens skipped), never recomputed.
 * @example sharedNameConflicts([cdrStack, ordersStack]) // ['Kafka topic "orders" is in Orion-dev and Orion-dev-orders']
 */
export function sharedNameConflicts(stacks: readonly PipelineStack[]): string[] {
  const owners = new Map<string, string[]>();
  for (const stack of stacks) {
    for (const key of new Set(namesOf(stack))) owners.set(key, [...(owners.get(key) ?? []), stack.stackName]);
  }
  return [...owners]
    .filter(([, inStacks]) => inStacks.length > 1)
    .map(([key, inStacks]) => `${key} is in ${inStacks.join(' and ')}`);
}

/** `<kind> "<name>"` of every name a pipeline stack claims on its cluster and in its account. */
function namesOf(stack: PipelineStack): string[] {
  const names = [
    ...stack.topics.topics.map((t) => `Kafka topic "${t.name}"`),
    ...[...stack.stageFunctions.values()].flatMap((f) =>
      f.mappings.map((m) => `consumer group "${m.spec.consumerGroupId}"`),
    ),
  ];
  const literal = (kind: string, name: string | undefined) => {
    if (name !== undefined && !Token.isUnresolved(name)) names.push(`${kind} "${name}"`);
  };
  for (const c of stack.node.findAll()) {
    if (c instanceof lambda.CfnFunction) literal('function', c.functionName);
    else if (c instanceof dynamodb.CfnTable) literal('DynamoDB table', c.tableName);
    else if (c instanceof cassandra.CfnKeyspace) literal('keyspace', c.keyspaceName);
    else if (c instanceof logs.CfnLogGroup) literal('log group', c.logGroupName);
    else if (c instanceof cloudwatch.CfnAlarm) literal('alarm', c.alarmName);
    else if (c instanceof cloudwatch.CfnDashboard) literal('dashboard', c.dashboardName);
    else if (c instanceof sns.CfnTopic) literal('SNS topic', c.topicName);
    else if (c instanceof sqs.CfnQueue) literal('SQS queue', c.queueName);
  }
  return names;
}
