/**
 * A local-run module that wraps a pipeline's own one (the main job imports it by path, from the
 * definition's `localRun.module`) and tells the fault runs what happens inside `runMainJob` without
 * any change to it: the load it generates (its expected ids), when the window opens, how many
 * records are produced, and it holds the accounting lookup back until the fault is over (a stopped
 * Cassandra cannot answer it). Everything else is the wrapped module's.
 */

import { loadLocalRunModule } from '../../../localstack/load/local-run-module.ts';
import type { LocalRunLoad, LocalRunModule } from '../../../shared/pipeline/local-run.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';

/** What a fault run wants to know of, and hold in, one main job. */
export interface RunObserver {
  /** The run's load, once created. */
  onLoad?(load: LocalRunLoad): void;
  /** The window opens: the pipeline is idle and the first record is produced once this resolves. */
  onWindowOpen?(): void | Promise<void>;
  /** Running total of the records the broker acknowledged. */
  onProduced?(total: number): void;
  /** Awaited before the main job reads what landed (the pipeline is idle then). */
  beforeLanded?(): Promise<void>;
}

/** This module's path from the repository root, as a definition's `localRun.module`. */
const MODULE_PATH = 'test/faults/support/observed-local-run.ts';

let inner: LocalRunModule | undefined;
let observer: RunObserver = {};

function wrapped(): LocalRunModule {
  if (!inner) throw new Error('observed-local-run: call observedDefinition() first');
  return inner;
}

/** The module the main job imports (through {@link observedDefinition}). */
export const localRun: LocalRunModule = {
  get labels() {
    return wrapped().labels;
  },
  get options() {
    return wrapped().options;
  },
  createLoad(request) {
    const load = wrapped().createLoad(request);
    let total = 0;
    const observed: LocalRunLoad = {
      ...load,
      next: (count) => load.next(count),
      expected: load.expected,
      duplicatesAmong: (landed) => load.duplicatesAmong(landed),
      acknowledged(records, atMs) {
        load.acknowledged(records, atMs);
        total += records.length;
        observer.onProduced?.(total);
      },
      ...(load.drive ? { drive: load.drive.bind(load) } : {}),
    };
    observer.onLoad?.(observed);
    return observed;
  },
  async openStores(context) {
    const stores = await wrapped().openStores(context);
    return {
      ...stores,
      prepare: () => stores.prepare(),
      async runStarting() {
        await stores.runStarting?.();
        await observer.onWindowOpen?.();
      },
      async landedAt(ids) {
        await observer.beforeLanded?.();
        return stores.landedAt(ids);
      },
      samples: (ids) => stores.samples(ids),
      close: () => stores.close(),
      ...(stores.quality ? { quality: stores.quality.bind(stores) } : {}),
    };
  },
};

/**
 * `definition` with this module as its local run, wrapping the definition's own module. The stage
 * workers must still get the unchanged definition: pass its module as `pipelineModule`.
 * @example const observed = await observedDefinition(CDR_PIPELINE);
 */
export async function observedDefinition(definition: PipelineDefinition): Promise<PipelineDefinition> {
  inner = await loadLocalRunModule(definition);
  return { ...definition, localRun: { ...definition.localRun!, module: MODULE_PATH } };
}

/** Observes the next main job(s) until replaced. */
export function setRunObserver(next: RunObserver): void {
  observer = next;
}
