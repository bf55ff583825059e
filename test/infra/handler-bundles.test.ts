/**
 * Every stage handler, bundled as `cdk synth` bundles it (one ES module, every dependency inlined,
 * nothing else beside it), loads in a bare Node process: a module that reads a repository file at
 * import time (the CDR hot-storage schema did) would crash every cold start in AWS, where the
 * bundle is all there is.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { nodejsBundling } from '../../lib/constructs/bundling.ts';
import { STAGES } from '../../shared/cdr/pipeline.ts';
import { PROJECT_ROOT } from './support/synth-orion.ts';

const run = promisify(execFile);
const outDir = mkdtempSync(path.join(tmpdir(), 'orion-bundles-'));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('stage handler bundles', () => {
  it.each(STAGES.map((s) => s.functionDir))(
    'functions/%s loads from its bundle alone',
    async (dir) => {
      const outfile = path.join(outDir, dir, 'index.mjs');
      await build({
        entryPoints: [path.join(PROJECT_ROOT, 'functions', dir, 'handler.ts')],
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
