/**
 * The framework names no pipeline's concepts (issue "Pipelines as data"): the pipeline folders
 * (`shared/<pipeline>/`, their handlers, their definitions) are the only places a CDR term or a
 * commerce term may appear. This test is the grep that proves it, over the framework's source:
 * `shared/{pipeline,runtime,kafka,storage,replay,observability,util}`, `localstack/` and `lib/`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const FRAMEWORK_DIRS = [
  'shared/pipeline',
  'shared/runtime',
  'shared/kafka',
  'shared/storage',
  'shared/replay',
  'shared/observability',
  'shared/util',
  'localstack',
  'lib',
];
/** Words that belong to one pipeline's domain (whole words, case-insensitive). */
const PIPELINE_TERMS = /\b(cdrs?|imsi|msisdn|countr(y|ies)|country_code|commerce|fraud)\b|cdr[._-]/i;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mjs|js|cql)$/.test(name)) out.push(path);
  }
  return out;
}

describe('framework code', () => {
  it('names no concept of a particular pipeline', () => {
    const offenders: string[] = [];
    for (const dir of FRAMEWORK_DIRS) {
      for (const file of sourceFiles(join(ROOT, dir))) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (PIPELINE_TERMS.test(line)) offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders, offenders.slice(0, 40).join('\n')).toEqual([]);
  });

  it('scans real source (the list of framework files is not empty)', () => {
    const count = FRAMEWORK_DIRS.reduce((n, dir) => n + sourceFiles(join(ROOT, dir)).length, 0);
    expect(count).toBeGreaterThan(100);
  });
});
