/**
 * The pipeline-specific options of `orion start` and `orion generate`: the pipeline's local-run
 * module declares them (`LocalRunModule.options`), so the module of the pipeline the command line
 * names is imported before commander parses it, and its options are registered like the others
 * (they then show in `--help` and are checked).
 */
import { type Command, Option } from 'commander';
import { loadLocalRunModule } from '../../localstack/load/local-run-module.ts';
import type { LocalRunModule } from '../../shared/pipeline/local-run.ts';
import { DEFAULT_PIPELINE, pipelineNamed } from '../../shared/pipelines.ts';

/** Commands whose options depend on the pipeline's local-run module. */
const LOCAL_RUN_COMMANDS = new Set(['start', 'generate']);

/**
 * The `--pipeline` a command line names, read before commander parses it.
 * @example pipelineNameInArgs(['start', '--pipeline=cdr']) // 'cdr'
 */
export function pipelineNameInArgs(args: readonly string[]): string {
  for (const [i, arg] of args.entries()) {
    if (arg === '--pipeline') return args[i + 1] ?? DEFAULT_PIPELINE.name;
    if (arg.startsWith('--pipeline=')) return arg.slice('--pipeline='.length);
  }
  return DEFAULT_PIPELINE.name;
}

/**
 * The local-run module of the pipeline a `start` or `generate` command line names; `undefined`
 * for any other command, an unknown pipeline, or one without a (loadable) module: the command
 * then reports it.
 * @example const localRun = await localRunOfCommandLine(process.argv.slice(2));
 */
export async function localRunOfCommandLine(args: readonly string[]): Promise<LocalRunModule | undefined> {
  const command = args.find((a) => !a.startsWith('-'));
  if (!command || !LOCAL_RUN_COMMANDS.has(command)) return undefined;
  let pipeline: ReturnType<typeof pipelineNamed>;
  try {
    pipeline = pipelineNamed(pipelineNameInArgs(args));
  } catch {
    return undefined;
  }
  // A module that fails to load is reported by the command itself, which loads it again.
  return pipeline.localRun ? loadLocalRunModule(pipeline).catch(() => undefined) : undefined;
}

/** Registers the module's own options on `command` (nothing without a module). */
export function withLocalRunOptions(command: Command, localRun: LocalRunModule | undefined): Command {
  for (const o of localRun?.options ?? []) command.option(o.flags, o.description, o.defaultValue);
  return command;
}

/**
 * The values of the module's options in parsed command options, by attribute name.
 * @example localRunOptionValues(localRun, { countries: 'fr' }) // { countries: 'fr' }
 */
export function localRunOptionValues(
  localRun: LocalRunModule,
  parsed: Readonly<Record<string, unknown>>,
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const o of localRun.options ?? []) {
    const name = new Option(o.flags).attributeName();
    const value = parsed[name];
    values[name] = typeof value === 'string' ? value : undefined;
  }
  return values;
}
