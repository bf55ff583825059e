/**
 * Where and how a benchmark writes its figures: one pretty-printed JSON file per run,
 * `test/bench/results/<bench>-<ISO time with ':' as '-'>.json` (git-ignored), starting with the
 * run's environment (time, Node version, CPU count and model) so figures are read in context.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the benchmarks' JSON files. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** The machine a run measured. */
export interface BenchEnvironment {
  /** ISO time of the run. */
  readonly at: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpu: string | undefined;
}

/**
 * The environment of a run starting now.
 * @example benchEnvironment().cpus // 2
 */
export function benchEnvironment(): BenchEnvironment {
  return { at: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model };
}

/**
 * Writes `result` (which starts with its {@link BenchEnvironment}) and returns the file's path.
 * @example writeBenchResult('commerce', { ...benchEnvironment(), rows }) // '…/test/bench/results/commerce-2026-11-23T10-00-00.000Z.json'
 */
export function writeBenchResult<T extends BenchEnvironment>(bench: string, result: T): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${bench}-${result.at.replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
