/**
 * Messages between the local pipeline and its stage workers (one child process per stage, see
 * `stage-workers.ts`). Everything here crosses the IPC channel, so it is plain data.
 */
import type { EventSourceMappingSettings } from '../../shared/pipeline/esm-settings.ts';
import type { StageName } from '../../shared/pipeline/types.ts';
import type { PipelineReference } from './pipeline-reference.ts';
import type { EmulatorOptions, MappingCounters } from './types.ts';

/** What a worker needs to run one stage's mappings. */
export interface StageWorkerStart extends EmulatorOptions {
  readonly type: 'start';
  /** The pipeline, by name or module (a definition is not sent: the worker resolves it). */
  readonly pipeline: PipelineReference;
  readonly stage: StageName;
  readonly brokers: readonly string[];
  readonly bundled: boolean;
  readonly mappingOverrides?: Partial<EventSourceMappingSettings>;
}

/** Parent → worker. */
export type ToStageWorker = StageWorkerStart | { readonly type: 'stop' } | { readonly type: 'kill' };

/** A worker's live view of itself. */
export interface StageWorkerSnapshot {
  readonly counters: MappingCounters[];
  /** Resident set size of the worker process, bytes. */
  readonly rssBytes: number;
  /** User + system CPU time of the worker process since it started, microseconds. */
  readonly cpuMicros: number;
  /** Errors the pipeline survived since the worker started (refused commits …). */
  readonly survivedErrors: number;
}

/** Worker → parent. */
export type FromStageWorker =
  | ({ readonly type: 'started' } & StageWorkerSnapshot)
  | ({ readonly type: 'counters' } & StageWorkerSnapshot)
  | ({ readonly type: 'stopped' } & StageWorkerSnapshot)
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string }
  | { readonly type: 'error'; readonly message: string };
