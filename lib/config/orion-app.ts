/**
 * Builds the ORION CDK app the way `bin/app.ts` (and so `npx cdk synth` / `npx cdk deploy`) does:
 * the configuration read from context, one stack per hosted pipeline (`PIPELINES`; the first,
 * `Orion-<env>` for the default pipeline, creates the network and the MSK cluster, every other one
 * shares them), their tags, the cdk-nag suppressions and checks. The infra test of the documented deploy commands
 * (`test/infra/deploy-variants.test.ts`) calls it too, so the two cannot differ.
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
import { App, type AppProps, Aspects, Tags } from 'aws-cdk-lib';
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
