/**
 * Runs one main job of the tree at `<root>` (the current repository or a baseline worktree) and
 * writes its report as JSON, so that `bench:pipeline` measures every commit the same way: each
 * run in a fresh process (`tsx`, cwd = `<root>`), the tree's own `runMainJob` over its own
 * `MAIN_JOB_DEFAULTS`, with only count, rate and seed set by the bench.
 *
 *   tsx test/bench/support/main-job-driver.ts <root> '{"count":20000,"rate":1000,"seed":1}' <report.json>
 *
 * The main job's progress lines go to stderr. Only Node built-ins are imported here, so the
 * driver works against any commit that has `localstack/main-job/main-job.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the bench sets on a run; everything else is the tree's own defaults. */
export interface DriverRun {
  readonly count: number;
  readonly rate: number;
  readonly seed: number;
}

/** The main job's module as this driver uses it (any commit's). */
interface MainJobModule {
  readonly MAIN_JOB_DEFAULTS?: Record<string, unknown>;
  readonly runMainJob: (options: Record<string, unknown>) => Promise<unknown>;
}

async function main(): Promise<void> {
  const [root, runJson, outFile] = process.argv.slice(2);
  if (!root || !runJson || !outFile)
    throw new Error('usage: main-job-driver.ts <root> <run JSON> <report file>');
  const run = JSON.parse(runJson) as DriverRun;
  const mod = (await import(
    pathToFileURL(join(root, 'localstack', 'main-job', 'main-job.ts')).href
  )) as MainJobModule;
  const report = await mod.runMainJob({
    ...(mod.MAIN_JOB_DEFAULTS ?? {}),
    count: run.count,
    rate: run.rate,
    seed: run.seed,
    log: (line: string) => process.stderr.write(`${line}\n`),
  });
  writeFileSync(outFile, JSON.stringify(report));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
