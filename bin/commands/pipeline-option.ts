/**
 * The `--pipeline <name>` option of every command that works on a pipeline's topics or stages:
 * the name of a definition in `shared/pipelines.ts`, the default pipeline when omitted, so that
 * the commands of a one-pipeline setup read as before.
 */
import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { DEFAULT_PIPELINE, PIPELINES, pipelineNamed } from '../../shared/pipelines.ts';

/** Options of a command that took {@link withPipelineOption}. */
export interface PipelineCommandOptions {
  readonly pipeline: string;
}

/**
 * Adds `--pipeline <name>` (default: the default pipeline) to `command`.
 * @example withPipelineOption(program.command('lag')).action((opts) => pipelineOf(opts))
 */
export function withPipelineOption(command: Command): Command {
  return command.option(
    '--pipeline <name>',
    `pipeline to work on: ${PIPELINES.map((p) => p.name).join(', ')}`,
    DEFAULT_PIPELINE.name,
  );
}

/**
 * The definition `--pipeline` names; throws listing the pipelines there are.
 * @example pipelineOf({ pipeline: 'cdr' }).stages.length
 */
export function pipelineOf(options: Partial<PipelineCommandOptions>): PipelineDefinition {
  return pipelineNamed(options.pipeline ?? DEFAULT_PIPELINE.name);
}

/**
 * The dead-letter or reject topic a command reads: `requested` when it is one of the pipeline's,
 * by default its first dead-letter topic; throws naming the allowed topics otherwise.
 * @example deadLetterSourceOf(pipeline, undefined) // pipeline.deadLetterTopics[0]
 */
export function deadLetterSourceOf(pipeline: PipelineDefinition, requested: string | undefined): string {
  const allowed = [...pipeline.deadLetterTopics, pipeline.rejectTopic];
  const topic = requested ?? allowed[0]!;
  if (!allowed.includes(topic)) {
    throw new Error(
      `the ${pipeline.name} pipeline's dead-letter and reject topics are ${allowed.join(', ')}, not "${topic}"`,
    );
  }
  return topic;
}

/** Help text naming the default pipeline's dead-letter and reject topics (e.g. for `--topic`). */
export function deadLetterTopicsHelp(): string {
  const p = DEFAULT_PIPELINE;
  return `a dead-letter or reject topic of the pipeline (default: its first dead-letter topic; ${p.name}: ${[...p.deadLetterTopics, p.rejectTopic].join(' or ')})`;
}
