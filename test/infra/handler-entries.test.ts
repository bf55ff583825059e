/**
 * `npx cdk synth` bundles the real handlers: every stage (and the replay function) of every hosted
 * pipeline must have `<functions root>/<dir>/handler.ts` exporting `handler`, and so must the
 * framework's topics provisioner under `functions/` (the infra assertion tests synthesize against
 * stubs, so this is where a missing entry shows up). The toy fixture pipeline is checked too.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipelineDefinition } from '../../shared/pipeline/index.ts';
import { PIPELINES } from '../../shared/pipelines.ts';
import { TOY_PIPELINE } from '../fixtures/toy-pipeline/pipeline.ts';
import { PROJECT_ROOT } from './support/synth-orion.ts';

const FRAMEWORK_FUNCTIONS = path.join(PROJECT_ROOT, 'functions');

/** The handler files a pipeline stack bundles for `pipeline`. */
function entriesOf(pipeline: PipelineDefinition): string[] {
  const root = pipeline.functionsRoot ?? FRAMEWORK_FUNCTIONS;
  const dirs = [
    ...pipeline.stages.map((s) => s.functionDir),
    ...(pipeline.replay ? [pipeline.replay.functionDir] : []),
  ];
  return dirs.map((dir) => path.join(root, dir, 'handler.ts'));
}

const entries = [
  ...[...PIPELINES, TOY_PIPELINE].flatMap(entriesOf),
  path.join(FRAMEWORK_FUNCTIONS, 'topics-provisioner', 'handler.ts'),
].map((entry) => path.relative(PROJECT_ROOT, entry));

describe('function entries bundled by cdk synth', () => {
  it.each(entries)('%s exists and exports handler', (entry) => {
    const file = path.join(PROJECT_ROOT, entry);
    expect(existsSync(file), `${file} is missing`).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/export (const|async function|function) handler\b/);
  });
});
