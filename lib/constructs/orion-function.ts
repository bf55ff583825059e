/**
 * The NodejsFunction wiring every ORION function shares: esbuild bundling of a handler under the
 * repository root, Node.js 24 on arm64, a JSON-logging log group of its own (`/aws/lambda/<name>`,
 * destroyed with the stack), the cluster VPC's function subnets and security group, source maps
 * (`NODE_OPTIONS`) and, on request, X-Ray active tracing. Every other variable comes from the caller, which builds it with the
 * pipeline's environment contract (`shared/pipeline/environment.ts`).
 */
import * as path from 'node:path';
import {
  type Duration,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_lambda_nodejs as nodejs,
  RemovalPolicy,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionNameOf } from '../../shared/pipeline/definition.ts';
import type { EnvironmentBindings } from '../../shared/pipeline/environment.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { nodejsBundling } from './bundling.ts';
import type { OrionNetwork } from './orion-network.ts';

/**
 * The Lambda runtime of every ORION function: Node.js 24 (`nodejs24.x`), the current Node.js
 * runtime; `nodejs22.x` is deprecated on 2027-04-30 (Lambda developer guide, "Lambda runtimes",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). The esbuild target of
 * `nodejsBundling` follows it.
 */
export const ORION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * What every pipeline function construct (Kafka stage, HTTP API, stream stage) is built from:
 * the definition, where it runs, its handler and the resources behind its environment contract.
 */
export interface PipelineFunctionProps {
  readonly pipeline: PipelineDefinition;
  readonly network: OrionNetwork;
  /** Environment name, part of the function name (`orion-<env>-<infix><function>`). */
  readonly envName: string;
  /** Repository root (`package-lock.json`, esbuild working directory). */
  readonly projectRoot: string;
  /** The handler, `<functions root>/<functionDir>/handler.ts`. */
  readonly entry: string;
  /** The resources behind the function's environment contract (Kafka, its stores). */
  readonly bindings: Omit<EnvironmentBindings, 'envName'>;
  /** @default 1024 (MB; CPU scales with memory) */
  readonly memorySize?: number;
  /** @default each construct's (60 s for the mapping-fed functions, 10 s behind an HTTP API) */
  readonly timeout?: Duration;
  /** Retention of the function's logs (and an API's access logs). @default 30 days */
  readonly logRetention?: logs.RetentionDays;
}

/** Options of {@link orionNodejsFunction}. */
export interface OrionFunctionOptions {
  /** Physical function name; the log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  readonly description: string;
  /** Repository root (`package-lock.json`, esbuild working directory). */
  readonly projectRoot: string;
  /** The handler file (`<functions root>/<function dir>/handler.ts`). */
  readonly entry: string;
  readonly network: OrionNetwork;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly reservedConcurrentExecutions?: number;
  /** @default 30 days */
  readonly logRetention?: logs.RetentionDays;
  /** Variables added after `NODE_OPTIONS` (the environment contract of the function). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * X-Ray tracing (`TracingConfig.Mode`). `ACTIVE` samples requests and lets the function's
   * Powertools Tracer add subsegments; CDK then grants `xray:PutTraceSegments` and
   * `xray:PutTelemetryRecords`. X-Ray does not trace functions fed by an MSK event source mapping
   * ("Visualize Lambda function invocations using AWS X-Ray",
   * https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html), so Kafka stages leave it unset.
   * @default unset (no tracing)
   */
  readonly tracing?: lambda.Tracing;
}

/**
 * Creates, in `scope`, the log group `Logs` and the function `id` (so construct paths, hence
 * logical ids, are those of a hand-written pair).
 * @example
 * const { fn, logGroup } = orionNodejsFunction(this, 'Function', {
 *   functionName: 'orion-dev-replay', description: 'Replay', projectRoot, entry,
 *   network, memorySize: 1024, timeout: Duration.minutes(15),
 *   environment: functionEnvironment(pipeline, 'replay', bindings),
 * });
 */
export function orionNodejsFunction(
  scope: Construct,
  id: string,
  options: OrionFunctionOptions,
): { readonly fn: nodejs.NodejsFunction; readonly logGroup: logs.LogGroup } {
  const { functionName, network, projectRoot } = options;
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    logGroupName: `/aws/lambda/${functionName}`,
    retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new nodejs.NodejsFunction(scope, id, {
    functionName,
    description: options.description,
    entry: options.entry,
    handler: 'handler',
    projectRoot,
    depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
    runtime: ORION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: options.memorySize,
    timeout: options.timeout,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    vpc: network.vpc,
    vpcSubnets: network.subnets,
    securityGroups: [network.functionsSecurityGroup],
    bundling: nodejsBundling(),
    ...(options.tracing ? { tracing: options.tracing } : {}),
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      ...options.environment,
    },
  });
  return { fn, logGroup };
}

/** What a pipeline function construct adds to its {@link PipelineFunctionProps}. */
export interface PipelineFunctionOptions
  extends Pick<OrionFunctionOptions, 'description' | 'reservedConcurrentExecutions' | 'tracing'> {
  /** The stage's or API's name in the definition (the function is `functionNameOf(pipeline, name)`). */
  readonly name: string;
  /** The construct's timeout when `props.timeout` is unset. */
  readonly defaultTimeout: Duration;
  /** The function's environment contract, from the props' bindings and environment name. */
  readonly environment: (bindings: EnvironmentBindings) => Readonly<Record<string, string>>;
}

/**
 * The NodejsFunction of a pipeline function construct (Kafka stage, HTTP API, stream stage) from
 * its props: named `functionNameOf(pipeline, name, envName)`, 1024 MB unless `memorySize` says
 * otherwise, `timeout` or the construct's default; ids `Function` and `Logs` in `scope`, as
 * {@link orionNodejsFunction}.
 * @example
 * const { fn, functionName } = pipelineNodejsFunction(this, props, {
 *   name: stage.name, description: stage.description, defaultTimeout: Duration.seconds(60),
 *   environment: (bindings) => stageEnvironment(pipeline, stage, bindings),
 * });
 */
export function pipelineNodejsFunction(
  scope: Construct,
  props: PipelineFunctionProps,
  options: PipelineFunctionOptions,
): { readonly fn: nodejs.NodejsFunction; readonly logGroup: logs.LogGroup; readonly functionName: string } {
  const functionName = functionNameOf(props.pipeline, options.name, props.envName);
  const { fn, logGroup } = orionNodejsFunction(scope, 'Function', {
    functionName,
    description: options.description,
    projectRoot: props.projectRoot,
    entry: props.entry,
    network: props.network,
    memorySize: props.memorySize ?? 1024,
    timeout: props.timeout ?? options.defaultTimeout,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
    logRetention: props.logRetention,
    ...(options.tracing ? { tracing: options.tracing } : {}),
    environment: options.environment({ ...props.bindings, envName: props.envName }),
  });
  return { fn, logGroup, functionName };
}
