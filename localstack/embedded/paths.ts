/** Where the embedded stack keeps its files: everything under the git-ignored `.orion/` folder. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentName } from './types.ts';

/** Repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Default home of the embedded stack. `ORION_HOME` moves it. */
export const DEFAULT_STACK_HOME = process.env.ORION_HOME ?? join(REPO_ROOT, '.orion');

/** The Maven project that resolves a component's runtime classpath. */
export function pomOf(component: ComponentName): string {
  return join(REPO_ROOT, 'localstack', 'embedded', 'maven', component, 'pom.xml');
}

/** Files and folders of one stack home. */
export interface StackPaths {
  readonly home: string;
  readonly stateFile: string;
  readonly runDir: string;
  readonly logDir: string;
  readonly classpathDir: string;
  /** Data folder of a component (or of one node of it). */
  dataDir(name: string): string;
  /** Config folder of a component (or of one node of it). */
  confDir(name: string): string;
  logFile(name: string): string;
  pidFile(name: string): string;
}

/**
 * The layout of a stack home.
 *
 * @example
 * stackPaths('/repo/.orion').logFile('kafka-1') // '/repo/.orion/logs/kafka-1.log'
 */
export function stackPaths(home: string = DEFAULT_STACK_HOME): StackPaths {
  return {
    home,
    stateFile: join(home, 'state.json'),
    runDir: join(home, 'run'),
    logDir: join(home, 'logs'),
    classpathDir: join(home, 'classpath'),
    dataDir: (name) => join(home, 'data', name),
    confDir: (name) => join(home, 'conf', name),
    logFile: (name) => join(home, 'logs', `${name}.log`),
    pidFile: (name) => join(home, 'run', `${name}.pid`),
  };
}
