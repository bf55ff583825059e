/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (see `cdk.json`). Reads the deployment
 * configuration from context (`lib/config/orion-config.ts` documents every key and default) and
 * synthesizes one stack, `Orion-<env>`. Offline and deterministic: no context lookup, no AWS call.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Aspects, Tags } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readOrionConfig } from '../lib/config/orion-config.ts';
import { applyNagSuppressions } from '../lib/nag-suppressions.ts';
import { OrionStack } from '../lib/orion-stack.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
const config = readOrionConfig(app.node);
const stack = new OrionStack(app, `Orion-${config.envName}`, {
  config,
  projectRoot,
  description: `ORION real-time CDR pipeline (${config.envName})`,
  env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
});
Tags.of(stack).add('project', 'orion');
Tags.of(stack).add('environment', config.envName);
applyNagSuppressions(stack);
if (app.node.tryGetContext('orion:nag') !== false && app.node.tryGetContext('orion:nag') !== 'false') {
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
}
app.synth();
