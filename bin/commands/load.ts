/**
 * `orion load <file>`: replays a real dataset file into a pipeline's entry topic, streaming it
 * line by line in batches, at a speed (`--speed 10`: ten times the recorded pace; `max`: as fast
 * as possible), with a progress bar and a summary. The layouts (and their parsing) come from the
 * pipeline's local-run module (`LocalRunModule.datasets`); nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { datasetFor, loadDataset } from '../../localstack/load/load-dataset.ts';
import { formatLoadSummary, LoadProgressView } from '../../localstack/load/load-progress.ts';
import { loadLocalRunModule } from '../../localstack/load/local-run-module.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';

/** Options of `orion load`. */
export interface LoadCommandOptions extends PipelineCommandOptions {
  format?: string;
  topic?: string;
  speed: string;
  maxGapMs?: string;
  batchSize?: string;
}

/** What the options ask for, checked. */
export interface LoadSettings {
  readonly speed: number | 'max';
  readonly maxGapMs?: number;
  readonly batchSize?: number;
}

/**
 * Parses `--speed`: a positive multiplier or `max`.
 * @example parseSpeed('10') // 10
 * @example parseSpeed('max') // 'max'
 */
export function parseSpeed(value: string): number | 'max' {
  const text = value.trim().toLowerCase();
  if (text === 'max') return 'max';
  const speed = text === '' ? Number.NaN : Number(text.replace(/x$/, ''));
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new Error(`--speed must be a positive number (1, 10, 100 …) or "max", got "${value}"`);
  }
  return speed;
}

/**
 * The settings of parsed `orion load` options; throws naming the wrong option.
 * @example loadSettingsOf({ pipeline: 'commerce', speed: '10', maxGapMs: '5000' }) // { speed: 10, maxGapMs: 5000 }
 */
export function loadSettingsOf(opts: LoadCommandOptions): LoadSettings {
  const integer = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const v = Number(value);
    if (!(Number.isInteger(v) && v >= min))
      throw new Error(`--${name} must be an integer ≥ ${min}, got "${value}"`);
    return v;
  };
  const maxGapMs = integer('max-gap-ms', opts.maxGapMs, 0);
  const batchSize = integer('batch-size', opts.batchSize, 1);
  return {
    speed: parseSpeed(opts.speed),
    ...(maxGapMs !== undefined ? { maxGapMs } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
  };
}

/** Registers `orion load`. */
export function registerLoadCommand(program: Command): void {
  withPipelineOption(program.command('load'))
    .argument('<file>', 'dataset file (plain or .gz), supplied by you: nothing is downloaded')
    .description(
      "Replay a real dataset file into a pipeline's entry topic, preserving its timing at a speed (or as fast as possible)",
    )
    .option('--format <name>', "the file's layout (default: recognised from its name and first line)")
    .option(
      '--speed <x>',
      'multiplier of the recorded pace (1, 10, 100 …) or "max" for as fast as possible',
      'max',
    )
    .option(
      '--max-gap-ms <n>',
      'longest wait between two records after scaling (idle gaps of a long dataset)',
    )
    .option(
      '--batch-size <n>',
      'most records per produce (default 5000; a produce also stops at 1 MiB of values)',
    )
    .option(
      '--topic <name>',
      "produce to this topic instead of the pipeline's entry topic (e.g. a staging copy)",
    )
    .action(async (file: string, opts: LoadCommandOptions) => {
      if (!existsSync(file)) throw new Error(`no such file: ${file}`);
      const settings = loadSettingsOf(opts);
      const pipeline = pipelineOf(opts);
      const module = await loadLocalRunModule(pipeline);
      const dataset = datasetFor(pipeline, module, file, opts.format);
      console.log(
        `== loading ${file} (${dataset.name}: ${dataset.description}) into the ${pipeline.name} pipeline` +
          `${opts.topic ? ` (topic ${opts.topic})` : ''} at ${settings.speed === 'max' ? 'max speed' : `${settings.speed}×`}`,
      );
      const view = new LoadProgressView();
      const report = await loadDataset({
        brokers: localEndpoints().kafkaBrokers,
        file,
        dataset,
        ...settings,
        ...(opts.topic ? { topic: opts.topic } : {}),
        onProgress: (p) => view.show(p),
      });
      view.done();
      console.log(formatLoadSummary(file, report));
    });
}
