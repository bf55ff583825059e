/**
 * Every deploy command of docs/DEPLOY.md synthesizes as written there: the commands are read
 * from the doc (`support/deploy-doc.ts`), their `-c` pairs become the app's context on top of
 * `cdk.json`'s, and the app is built by `createOrionApp`, exactly as `bin/app.ts` builds it, in
 * process, offline, with no AWS variable in the environment. Only the handlers differ: stubs from
 * `fixtures/`, with bundling skipped, so each synthesis takes seconds (`.ci/run` also runs the
 * same commands through the CDK CLI, real bundles, and cfn-lints the templates).
 *
 * Each synthesis must make no context lookup (`manifest.missing`, which the CLI would resolve
 * with credentials) and carry no error annotation (what makes `cdk synth` fail), cdk-nag included.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrionApp, PROJECT_ROOT } from '../../lib/config/orion-app.ts';
import { ORION_CONTEXT_KEYS, OrionConfigError } from '../../lib/config/orion-config.ts';
import { DeployDocError, type DocCommand, PLACEHOLDERS, parseDeployDoc } from './support/deploy-doc.ts';
import { STUB_FUNCTIONS_DIR } from './support/synth-orion.ts';

const DOC = readFileSync(path.join(PROJECT_ROOT, 'docs/DEPLOY.md'), 'utf8');
const doc = parseDeployDoc(DOC);
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;
const synthesizable = doc.commands.filter((c) => c.verb !== 'bootstrap');

let workDir: string;
const savedEnv = { ...process.env };
beforeAll(() => {
  // No credentials, no instance metadata: a lookup or an SDK call would fail, not succeed.
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // The doc's files, where a user would write them: the directory `cdk` runs in.
  workDir = mkdtempSync(path.join(tmpdir(), 'orion-deploy-doc-'));
  for (const [name, content] of Object.entries(doc.files)) writeFileSync(path.join(workDir, name), content);
});
afterAll(() => {
  process.env = savedEnv;
  rmSync(workDir, { recursive: true, force: true });
});

/** Synthesizes a documented command as `cdk synth` would, with stub handlers. */
function synthesize(command: Pick<DocCommand, 'context'>): { assembly: CloudAssembly; stackName: string } {
  const outdir = mkdtempSync(path.join(workDir, 'cdk.out-'));
  const { app, stack } = createOrionApp({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...command.context },
    functionsDir: STUB_FUNCTIONS_DIR,
    baseDir: workDir,
    outdir,
  });
  return { assembly: app.synth(), stackName: stack.stackName };
}

describe('docs/DEPLOY.md', () => {
  it('documents the default synth, the prod deploy, MSK Provisioned and an imported cluster', () => {
    const kind = (c: DocCommand) => `${c.verb} ${c.context['orion:msk'] ?? 'serverless'}`;
    const kinds = synthesizable.map(kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'synth serverless',
        'deploy serverless',
        'deploy provisioned',
        'deploy import',
      ]),
    );
    expect(synthesizable.some((c) => c.context['orion:mskImport']?.startsWith('file:'))).toBe(true);
  });

  it('lists exactly the context keys ORION reads in its "Context keys" table', () => {
    expect([...doc.contextKeys].sort()).toEqual([...ORION_CONTEXT_KEYS].sort());
  });

  describe.each(synthesizable.map((c) => [`line ${c.line}: ${c.text}`, c] as const))('%s', (_, command) => {
    let assembly: CloudAssembly;
    let stackName: string;
    beforeAll(() => {
      ({ assembly, stackName } = synthesize(command));
    }, 120_000);

    it('synthesizes offline: no context lookup, no error annotation (cdk-nag included)', () => {
      expect(assembly.manifest.missing ?? []).toEqual([]);
      const artifact = assembly.getStackByName(stackName);
      const errors = Object.entries(artifact.metadata).flatMap(([p, entries]) =>
        entries.filter((e) => e.type === 'aws:cdk:error').map((e) => `${p}: ${String(e.data)}`),
      );
      expect(errors).toEqual([]);
    });

    it('is pinned to the account and region it names, and environment-agnostic otherwise', () => {
      const { environment } = assembly.getStackByName(stackName);
      expect(environment.account).toBe(command.context['orion:account'] ?? 'unknown-account');
      expect(environment.region).toBe(command.context['orion:region'] ?? 'unknown-region');
    });

    it('spreads MSK Provisioned brokers evenly over 2 or 3 AZs (a multiple of the subnet count)', () => {
      const template = assembly.getStackByName(stackName).template as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      };
      for (const r of Object.values(template.Resources).filter((x) => x.Type === 'AWS::MSK::Cluster')) {
        const subnets = (r.Properties.BrokerNodeGroupInfo as { ClientSubnets: unknown[] }).ClientSubnets
          .length;
        expect([2, 3]).toContain(subnets);
        expect((r.Properties.NumberOfBrokerNodes as number) % subnets).toBe(0);
      }
    });
  });
});

describe('the doc parser fails loudly on what it cannot run', () => {
  const block = (...lines: string[]) =>
    `### Context keys\n\n| \`orion:env\` |\n\n\`\`\`bash\n${lines.join('\n')}\n\`\`\`\n`;

  it.each([
    ['an unknown cdk command', 'npx cdk deplyo -c orion:env=prod', /unknown cdk command "deplyo"/],
    ['an unknown context key', 'npx cdk deploy -c orion:mks=import', /unknown context key "orion:mks"/],
    ['a context value without key=value', 'npx cdk deploy -c orion:env', /not key=value/],
    ['an unknown option', 'npx cdk deploy --hotswap', /unknown cdk option "--hotswap"/],
    ['a stray argument', 'npx cdk deploy -c orion:env=prod oops', /unexpected argument "oops"/],
    ['an unknown placeholder', 'npx cdk deploy -c orion:account=<acount>', /unknown placeholder <acount>/],
    ['an elided value', 'npx cdk deploy -c \'orion:mskImport={"vpcId":"vpc-…"}\'', /elided value/],
    [
      'a file with no content in the doc',
      'npx cdk deploy -c orion:mskImport=file:nope.json',
      /file:nope.json/,
    ],
    ['cdk not at the start', 'npm ci && npx cdk deploy', /cdk must start the command/],
    [
      'a multi-line -c value (what the CDK CLI cuts at the first newline)',
      'npx cdk deploy -c orion:msk=import -c \'orion:mskImport={\n  "clusterArn": "arn" }\'',
      /unterminated quote/,
    ],
  ])('%s', (_, command, message) => {
    expect(() => parseDeployDoc(block(command))).toThrowError(DeployDocError);
    expect(() => parseDeployDoc(block(command))).toThrowError(message);
  });

  it('joins backslash continuations and fills the placeholders', () => {
    const parsed = parseDeployDoc(
      block(
        'npx cdk deploy -c orion:env=prod \\',
        '  -c orion:account=<account> -c \'orion:mskProvisioned={"brokerCount":3}\'',
      ),
    );
    expect(parsed.commands).toHaveLength(1);
    expect(parsed.commands[0]?.context).toEqual({
      'orion:env': 'prod',
      'orion:account': PLACEHOLDERS['<account>'],
      'orion:mskProvisioned': '{"brokerCount":3}',
    });
  });

  it('and a value cut at its first newline, as the CDK CLI passes it, fails synthesis naming the key', () => {
    const cut = { 'orion:msk': 'import', 'orion:mskImport': '{' };
    expect(() => synthesize({ context: cut })).toThrowError(OrionConfigError);
    expect(() => synthesize({ context: cut })).toThrowError(/"orion:mskImport".*first line/);
  });
});
