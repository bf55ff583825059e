/**
 * `npx cdk synth` bundles the real handlers: every stage of the pipeline definition and the
 * topics provisioner must have `functions/<dir>/handler.ts` exporting `handler` (the infra
 * assertion tests synthesize against stubs, so this is where a missing entry shows up).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../shared/pipeline/index.ts';
import { PROJECT_ROOT } from './support/synth-orion.ts';

const entries = [...STAGES.map((s) => s.functionDir), 'topics-provisioner'];

describe('function entries bundled by cdk synth', () => {
  it.each(entries)('functions/%s/handler.ts exists and exports handler', (dir) => {
    const entry = path.join(PROJECT_ROOT, 'functions', dir, 'handler.ts');
    expect(existsSync(entry), `${entry} is missing`).toBe(true);
    expect(readFileSync(entry, 'utf8')).toMatch(/export (const|async function|function) handler\b/);
  });
});
