/**
 * Every stage and replay handler of every hosted pipeline, bundled as `cdk synth` bundles it (one
 * ES module, every dependency inlined, nothing else beside it), loads in a bare Node process: a
 * module that reads a repository file at import time (the CDR hot-storage schema did) would crash
 * every cold start in AWS, where the bundle is all there is. The commerce replay handler is
 * checked too, before its pipeline is registered in `PIPELINES`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { nodejsBundling } from '../../lib/constructs/bundling.ts';
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import type { PipelineDefinition } from '../../shared/pipeline/index.ts';
import { PIPELINES } from '../../shared/pipelines.ts';
import { PROJECT_ROOT } from './support/synth-orion.ts';

const run = promisify(execFile);
const outDir = mkdtempSync(path.join(tmpdir(), 'orion-bundles-'));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The handler files of a pipeline's functions, relative to the repository root. */
function handlersOf(pipeline: PipelineDefinition, which: 'stages' | 'replay'): string[] {
  const root = pipeline.functionsRoot ?? path.join(PROJECT_ROOT, 'functions');
  const dirs =
    which === 'stages'
      ? pipeline.stages.map((s) => s.functionDir)
      : pipeline.replay
        ? [pipeline.replay.functionDir]
        : [];
  return dirs.map((dir) => path.relative(PROJECT_ROOT, path.join(root, dir, 'handler.ts')));
}

const HANDLERS = [
  ...new Set([
    ...PIPELINES.flatMap((p) => [...handlersOf(p, 'stages'), ...handlersOf(p, 'replay')]),
    ...handlersOf(COMMERCE_PIPELINE, 'replay'),
  ]),
];

describe('handler bundles', () => {
  it.each(HANDLERS)(
    '%s loads from its bundle alone',
    async (entry) => {
      const outfile = path.join(outDir, path.dirname(entry), 'index.mjs');
      await build({
        entryPoints: [path.join(PROJECT_ROOT, entry)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        mainFields: ['module', 'main'],
        banner: { js: nodejsBundling().banner ?? '' },
        outfile,
        logLevel: 'silent',
      });
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(outfile)}); console.log(typeof m.handler);`,
        ],
        {
          cwd: path.dirname(outfile),
          // What a Lambda environment has at init, minus credentials: nothing connects at import.
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', KAFKA_BROKERS: '127.0.0.1:1' },
          timeout: 30_000,
        },
      );
      expect(stdout.trim()).toBe('function');
    },
    60_000,
  );
});
