/**
 * The pipelines this repository hosts, by name: the one list `bin/` (CDK app, `orion` CLI) and the
 * local tools pick a definition from. Adding a pipeline adds one line here beside its
 * `shared/<name>/` folder and its `functions/` handlers.
 */
import { CDR_PIPELINE } from './cdr/pipeline.ts';
import { COMMERCE_PIPELINE } from './commerce/pipeline.ts';
import { PipelineError } from './pipeline/errors.ts';
import type { PipelineDefinition } from './pipeline/types.ts';

/** Every hosted pipeline; the first is the default of every command. */
export const PIPELINES: readonly PipelineDefinition[] = [CDR_PIPELINE, COMMERCE_PIPELINE];

/** The pipeline commands use when none is named. */
export const DEFAULT_PIPELINE: PipelineDefinition = CDR_PIPELINE;

/**
 * The pipeline called `name`; throws {@link PipelineError} `NOT_FOUND` listing the others.
 * @example pipelineNamed('cdr').stages.length // 4
 */
export function pipelineNamed(name: string = DEFAULT_PIPELINE.name): PipelineDefinition {
  const pipeline = PIPELINES.find((p) => p.name === name);
  if (!pipeline) {
    throw new PipelineError(
      'NOT_FOUND',
      `Unknown pipeline "${name}"; pipelines are: ${PIPELINES.map((p) => p.name).join(', ')}`,
    );
  }
  return pipeline;
}
