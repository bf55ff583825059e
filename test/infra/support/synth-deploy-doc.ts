/**
 * CI half of "every documented deploy command synthesizes": runs each `npx cdk synth`/`deploy`
 * command of docs/DEPLOY.md that sets context through the real CDK CLI, as `cdk synth --quiet`
 * with the doc's `-c` pairs, real handler bundles, no AWS variable in the environment, each into
 * its own `<outRoot>/<n>-<variant>/` so that `.ci/run` can cfn-lint every template. The command
 * without context is `npm run synth`, which CI runs and lints already.
 *
 * The doc's `file:<name>` values point at files the doc shows; they are written to
 * `<outRoot>/files/` and passed by absolute path (the in-process test checks the relative form).
 *
 * @example npx tsx test/infra/support/synth-deploy-doc.ts cdk.out/doc-variants
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../lib/config/orion-app.ts';
import { parseDeployDoc } from './deploy-doc.ts';

const outRoot = path.resolve(process.argv[2] ?? 'cdk.out/doc-variants');
const doc = parseDeployDoc(readFileSync(path.join(PROJECT_ROOT, 'docs/DEPLOY.md'), 'utf8'));
rmSync(outRoot, { recursive: true, force: true });
const filesDir = path.join(outRoot, 'files');
mkdirSync(filesDir, { recursive: true });
for (const [name, content] of Object.entries(doc.files)) writeFileSync(path.join(filesDir, name), content);

const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };
for (const key of Object.keys(env))
  if (key.startsWith('AWS_') && key !== 'AWS_EC2_METADATA_DISABLED') delete env[key];

const commands = doc.commands.filter((c) => c.verb !== 'bootstrap' && Object.keys(c.context).length > 0);
if (commands.length === 0) throw new Error('docs/DEPLOY.md documents no deploy command with context');
let failed = 0;
for (const [i, command] of commands.entries()) {
  const variant = `${i + 1}-${command.context['orion:msk'] ?? 'serverless'}-${command.context['orion:env'] ?? 'dev'}`;
  const contextArgs = Object.entries(command.context).flatMap(([key, value]) => [
    '-c',
    `${key}=${value.startsWith('file:') ? `file:${path.join(filesDir, value.slice('file:'.length))}` : value}`,
  ]);
  const args = ['synth', '--quiet', '--no-notices', '-o', path.join(outRoot, variant), ...contextArgs];
  console.log(`\n--- docs/DEPLOY.md line ${command.line} → ${variant}\n    ${command.text}`);
  const started = Date.now();
  const result = spawnSync(path.join(PROJECT_ROOT, 'node_modules/.bin/cdk'), args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: 'inherit',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (result.status === 0) {
    console.log(`    synthesized in ${seconds} s`);
  } else {
    failed += 1;
    console.error(`    FAILED (exit ${result.status ?? result.signal}) after ${seconds} s`);
  }
}
if (failed > 0) {
  console.error(`\n${failed} of ${commands.length} documented deploy commands failed to synthesize`);
  process.exit(1);
}
console.log(`\n${commands.length} documented deploy commands synthesized into ${outRoot}`);
