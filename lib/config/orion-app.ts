/**
 * Builds the ORION CDK app the way `bin/app.ts` (and so `npx cdk synth` / `npx cdk deploy`) does:
 * the configuration read from context, the one stack `Orion-<env>`, its tags, the cdk-nag
 * suppressions and checks. The infra test of the documented deploy commands
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
import { applyNagSuppressions } from '../nag-suppressions.ts';
import { OrionStack } from '../orion-stack.ts';
import { type OrionConfig, readOrionConfig } from './orion-config.ts';

/** The repository root (`bin/`, `lib/`, `functions/`, `package-lock.json`). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Options of {@link createOrionApp}. */
export interface OrionAppOptions {
  /** Context on top of what the CDK CLI passes (tests give `cdk.json`'s and `-c` values here). */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly directory. @default the CLI's (`CDK_OUTDIR`) or a temporary one */
  readonly outdir?: string;
  /** Folder of the function handlers (`<dir>/<function>/handler.ts`). @default `functions/` */
  readonly functionsDir?: string;
  /** Directory `file:<path>` context values are relative to. @default process.cwd() */
  readonly baseDir?: string;
}

/** The app, its one stack and the configuration it was built from. */
export interface OrionApp {
  readonly app: App;
  readonly stack: OrionStack;
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
  const stack = new OrionStack(app, `Orion-${config.envName}`, {
    config,
    projectRoot: PROJECT_ROOT,
    functionsDir: options.functionsDir,
    description: `ORION real-time CDR pipeline (${config.envName})`,
    env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
  });
  Tags.of(stack).add('project', 'orion');
  Tags.of(stack).add('environment', config.envName);
  applyNagSuppressions(stack);
  const nag = app.node.tryGetContext('orion:nag');
  if (nag !== false && nag !== 'false') Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack, config };
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
