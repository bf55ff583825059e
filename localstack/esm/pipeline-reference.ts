/**
 * How a pipeline definition crosses a process boundary (parent → stage worker): as plain data
 * naming it, never the definition itself. A pipeline of the registry (`shared/pipelines.ts`) goes
 * by name; any other (a test fixture) by the module that exports it, so that a fixture runs in
 * stage workers without being registered.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineError } from '../../shared/pipeline/errors.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { PIPELINES, pipelineNamed } from '../../shared/pipelines.ts';

/** A module exporting a pipeline definition. */
export interface PipelineModule {
  /** Absolute path of the module, e.g. `<repo>/test/fixtures/toy-pipeline/pipeline.ts`. */
  readonly path: string;
  /** Name of the export holding the definition. */
  readonly exportName: string;
}

/** A pipeline, named so that another process can find it. */
export type PipelineReference = { readonly name: string } | { readonly module: PipelineModule };

/**
 * The reference of `pipeline`: its module when given, else its name when the registry holds this
 * very definition. Throws {@link PipelineError} `NOT_FOUND` for an unregistered pipeline without
 * a module (a worker could not find it).
 * @example pipelineReferenceOf(pipelineNamed('toy')) // { name: 'toy' }
 */
export function pipelineReferenceOf(
  pipeline: PipelineDefinition,
  module?: PipelineModule,
): PipelineReference {
  if (module) {
    if (!isAbsolute(module.path)) {
      throw new PipelineError('NOT_FOUND', `Pipeline module path must be absolute, got "${module.path}"`);
    }
    return { module };
  }
  if (PIPELINES.includes(pipeline)) return { name: pipeline.name };
  throw new PipelineError(
    'NOT_FOUND',
    `Pipeline "${pipeline.name}" is not in shared/pipelines.ts: give its module ({ path, exportName }) so that the stage workers can import it`,
  );
}

/**
 * The definition a reference names: from the registry, or imported from its module.
 * @example await resolvePipelineReference({ name: 'toy' })
 */
export async function resolvePipelineReference(reference: PipelineReference): Promise<PipelineDefinition> {
  if ('name' in reference) return pipelineNamed(reference.name);
  const { path, exportName } = reference.module;
  const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const definition = exports[exportName] as Partial<PipelineDefinition> | undefined;
  if (typeof definition?.name !== 'string' || !Array.isArray(definition.stages)) {
    throw new PipelineError('NOT_FOUND', `${path} does not export a pipeline definition "${exportName}"`);
  }
  return definition as PipelineDefinition;
}
