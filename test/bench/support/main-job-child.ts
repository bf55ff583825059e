/**
 * One main job of a given tree in a child process ({@link ./main-job-driver.ts} under `tsx`, cwd =
 * the tree), against the running local stack: the child reuses this checkout's stack home
 * (`ORION_HOME`), so a baseline worktree finds the same broker, Cassandra and DynamoDB Local and
 * meters the same JVMs. Its output goes to a log file; its report comes back parsed.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STACK_HOME, REPO_ROOT } from '../../../localstack/embedded/paths.ts';
import type { DriverRun } from './main-job-driver.ts';

const DRIVER = fileURLToPath(new URL('./main-job-driver.ts', import.meta.url));

/** Options of {@link runMainJobChild}. */
export interface MainJobChildOptions extends DriverRun {
  /** Root of the tree whose main job runs. */
  readonly root: string;
  /** stdout and stderr of the child (progress, errors). */
  readonly logFile: string;
  /** Where the child writes its report. */
  readonly reportFile: string;
  /** Kill the child after this long. @default 8 minutes */
  readonly timeoutMs?: number;
}

/**
 * Runs the main job of `root` in a child process and returns its report as parsed JSON.
 * @example const report = await runMainJobChild({ root: '/tmp/orion-bench-baseline/<sha>', count: 20_000, rate: 1_000, seed: 1, logFile, reportFile });
 */
export function runMainJobChild(options: MainJobChildOptions): Promise<unknown> {
  const { root, logFile, reportFile, timeoutMs = 8 * 60_000 } = options;
  const run: DriverRun = { count: options.count, rate: options.rate, seed: options.seed };
  const out = openSync(logFile, 'w');
  const child = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [DRIVER, root, JSON.stringify(run), reportFile],
    {
      cwd: root,
      stdio: ['ignore', out, out],
      env: { ...process.env, ORION_HOME: DEFAULT_STACK_HOME, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    },
  );
  const stop = () => child.kill('SIGTERM');
  process.on('exit', stop);
  const timer = setTimeout(stop, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', stop);
      if (code === 0) resolve(JSON.parse(readFileSync(reportFile, 'utf8')));
      else reject(new Error(`main job of ${root} ended with ${signal ?? `code ${code}`}; see ${logFile}`));
    });
  });
}
