/**
 * Cold-start measurements (launch → healthy) kept in `.orion/cold-starts.json`, so that
 * `orion stack resolve` and the docs can report what this machine actually does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_STACK_HOME } from './paths.ts';

/** One measurement. */
export interface ColdStart {
  /** `kafka`, `cassandra`, `dynamodb`, or `stack` (all three started together). */
  readonly what: string;
  readonly ms: number;
  /** Kafka brokers (for `kafka` and `stack`). */
  readonly brokers?: number;
  readonly at: string;
}

const FILE = join(DEFAULT_STACK_HOME, 'cold-starts.json');
const KEEP = 50;

/** All recorded measurements, oldest first. */
export function readColdStarts(file: string = FILE): ColdStart[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ColdStart[];
  } catch {
    return [];
  }
}

/** Appends measurements (keeps the last 50). */
export function recordColdStarts(entries: readonly ColdStart[], file: string = FILE): void {
  if (entries.length === 0) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify([...readColdStarts(file), ...entries].slice(-KEEP), null, 2)}\n`);
}

/**
 * The latest measurement of each kind, one broker unless said otherwise.
 *
 * @example
 * latestColdStarts().get('kafka')?.ms // 10900
 */
export function latestColdStarts(file: string = FILE): Map<string, ColdStart> {
  const latest = new Map<string, ColdStart>();
  for (const c of readColdStarts(file))
    latest.set(c.brokers && c.brokers > 1 ? `${c.what} (${c.brokers} brokers)` : c.what, c);
  return latest;
}
