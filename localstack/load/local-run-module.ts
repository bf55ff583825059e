/**
 * Finds a pipeline's local-run module (its definition's `localRun.module`, a path from the
 * repository root) and imports it: the local tools learn everything pipeline-specific about a
 * local run from it (see `shared/pipeline/local-run.ts`), and never import a pipeline folder.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineError } from '../../shared/pipeline/errors.ts';
import type { LocalRunModule } from '../../shared/pipeline/local-run.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { REPO_ROOT } from '../esm/handler-loader.ts';

/** The export a local-run module holds its {@link LocalRunModule} in. */
export const LOCAL_RUN_EXPORT = 'localRun';

/**
 * Where `pipeline`'s local-run module is, or `undefined` when it declares none.
 * @example localRunModulePathOf(pipelineNamed('toy')) // '<repo>/shared/toy/local-run.ts'
 */
export function localRunModulePathOf(pipeline: PipelineDefinition): string | undefined {
  return pipeline.localRun ? resolve(REPO_ROOT, pipeline.localRun.module) : undefined;
}

/**
 * Imports `pipeline`'s local-run module. Throws {@link PipelineError} `NOT_FOUND` when the
 * pipeline declares none, or when the module does not export a `localRun` with a load and stores.
 * @example const localRun = await loadLocalRunModule(pipelineNamed('toy'));
 */
export async function loadLocalRunModule(pipeline: PipelineDefinition): Promise<LocalRunModule> {
  const path = localRunModulePathOf(pipeline);
  if (!path) {
    throw new PipelineError(
      'NOT_FOUND',
      `Pipeline "${pipeline.name}" has no local run: its definition names no localRun.module, which \`orion start\` and \`orion generate\` need`,
    );
  }
  const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const module = exports[LOCAL_RUN_EXPORT] as Partial<LocalRunModule> | undefined;
  if (typeof module?.createLoad !== 'function' || typeof module.openStores !== 'function' || !module.labels) {
    throw new PipelineError(
      'NOT_FOUND',
      `${path} (localRun.module of pipeline "${pipeline.name}") does not export a LocalRunModule named "${LOCAL_RUN_EXPORT}"`,
    );
  }
  return module as LocalRunModule;
}
