/**
 * Synthesizes a pipeline stack for infra tests (the CDR pipeline's `Orion-<env>` by default): the
 * real stack and constructs, with esbuild bundling skipped (`aws:cdk:bundling-stacks: []`) and,
 * for the CDR pipeline, stub handlers from `test/infra/fixtures`, so a synthesis takes seconds.
 * `npx cdk synth` bundles the real handlers.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Aspects } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readOrionConfig } from '../../../lib/config/orion-config.ts';
import { applyNagSuppressions } from '../../../lib/nag-suppressions.ts';
import { PipelineStack, pipelineStackId } from '../../../lib/pipeline-stack.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/index.ts';
import { DEFAULT_PIPELINE } from '../../../shared/pipelines.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const STUB_FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'test/infra/fixtures/functions');

/** A cdk-nag finding left unsuppressed. */
export interface NagFinding {
  readonly path: string;
  readonly level: 'error' | 'warning';
  readonly message: string;
}

/** The synthesized stack, its template, and what cdk-nag reported. */
export interface SynthesizedOrion {
  readonly stack: PipelineStack;
  readonly template: Template;
  readonly findings: readonly NagFinding[];
}

/** Context of an imported cluster, with well-formed ids. */
export const IMPORT_CONTEXT = {
  'orion:msk': 'import',
  'orion:account': '123456789012',
  'orion:region': 'eu-west-3',
  'orion:mskImport': {
    clusterArn:
      'arn:aws:kafka:eu-west-3:123456789012:cluster/prod-kafka/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7',
    bootstrapBrokers:
      'b-1.prod.kafka.eu-west-3.amazonaws.com:9098,b-2.prod.kafka.eu-west-3.amazonaws.com:9098',
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    securityGroupId: 'sg-0123456789abcdef0',
  },
};

/** Options of {@link synthOrion}. */
export interface SynthOptions {
  /** @default the default pipeline (CDR) */
  readonly pipeline?: PipelineDefinition;
  /**
   * Folder of every handler. @default the stubs of `test/infra/fixtures/functions` for the
   * default pipeline; for another pipeline, its own `functionsRoot` (and `functions/` for the
   * framework's), since bundling is skipped anyway
   */
  readonly functionsDir?: string;
}

/**
 * Synthesizes the stack with `context` (on top of the defaults), cdk-nag AwsSolutions included
 * unless `orion:nag` is false.
 * @example const { template, findings } = synthOrion({ 'orion:msk': 'provisioned' });
 */
export function synthOrion(
  context: Record<string, unknown> = {},
  options: SynthOptions = {},
): SynthesizedOrion {
  const pipeline = options.pipeline ?? DEFAULT_PIPELINE;
  // The feature flags and defaults of cdk.json, as `cdk synth` applies them.
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
  const config = readOrionConfig(app.node);
  const stack = new PipelineStack(app, pipelineStackId(pipeline, config.envName), {
    pipeline,
    config,
    projectRoot: PROJECT_ROOT,
    functionsDir: options.functionsDir ?? (pipeline === DEFAULT_PIPELINE ? STUB_FUNCTIONS_DIR : undefined),
    env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
  });
  applyNagSuppressions(stack);
  // `orion:nag: false` skips cdk-nag, as in bin/app.ts, for tests that only look at properties.
  if (context['orion:nag'] !== false) Aspects.of(app).add(new AwsSolutionsChecks());
  const assembly = app.synth();
  const findings: NagFinding[] = [];
  for (const [p, entries] of Object.entries(assembly.getStackArtifact(stack.artifactId).metadata)) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:error' || entry.type === 'aws:cdk:warning') {
        findings.push({
          path: p,
          level: entry.type === 'aws:cdk:error' ? 'error' : 'warning',
          message: String(entry.data),
        });
      }
    }
  }
  return {
    stack,
    template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template),
    findings,
  };
}
