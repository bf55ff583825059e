/** The stack's state file (`<home>/state.json`): which components it started, with pids and timings. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ComponentName, ComponentState, StackState } from './types.ts';

/** Reads the state file; an absent or unreadable file is an empty state. */
export function readState(file: string): StackState {
  if (!existsSync(file)) return { components: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StackState;
    return { components: parsed.components ?? {} };
  } catch {
    return { components: {} };
  }
}

/** Writes the state file atomically. */
export function writeState(file: string, state: StackState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * Records (or, with `undefined`, forgets) one component in the state file.
 *
 * @example
 * updateComponentState('/repo/.orion/state.json', 'dynamodb', undefined)
 */
export function updateComponentState(
  file: string,
  component: ComponentName,
  value: ComponentState | undefined,
): void {
  const state = readState(file);
  if (value) state.components[component] = value;
  else delete state.components[component];
  writeState(file, state);
}
