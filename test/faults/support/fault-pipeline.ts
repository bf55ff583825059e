/**
 * A pipeline as the fault runs drive it: its definition, the module the stage workers import it
 * from, and the hot-storage tables the independent check reads (each with the column holding the
 * record's deterministic id). The CDR pipeline is the first; another joins with an entry here.
 */
import { fileURLToPath } from 'node:url';
import type { PipelineModule } from '../../../localstack/esm/pipeline-reference.ts';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { REFERENCE_CACHE_TTL_VARIABLE } from '../../../shared/cdr/reference-data/reference-tables.ts';
import { CDR_TABLE } from '../../../shared/cdr/storage/cdr-schema.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';

/** One hot-storage table the check reads. */
export interface CheckedTable {
  readonly name: string;
  /** Column of the record's deterministic id (one row per id expected). */
  readonly idColumn: string;
}

/** What the fault runs need of a pipeline. */
export interface FaultPipeline {
  readonly definition: PipelineDefinition;
  /** Where the stage workers import the definition from (the main job gets a wrapped copy). */
  readonly module: PipelineModule;
  /** Cassandra tables where every valid record must end exactly once. */
  readonly tables: readonly CheckedTable[];
  /** The stage whose outage a DynamoDB stop shows (its reference reads). */
  readonly dynamodbStage?: string;
  /** Environment the stage workers get on top of the stack's (e.g. a shorter cache TTL). */
  readonly dynamodbStopEnv?: Readonly<Record<string, string>>;
}

/** The CDR pipeline: both hot-storage tables, keyed by `cdr_id`. */
export const CDR_FAULT_PIPELINE: FaultPipeline = {
  definition: CDR_PIPELINE,
  module: {
    path: fileURLToPath(new URL('../../../shared/cdr/pipeline.ts', import.meta.url)),
    exportName: 'CDR_PIPELINE',
  },
  tables: Object.values(CDR_TABLE).map((name) => ({ name, idColumn: 'cdr_id' })),
  dynamodbStage: 'enrichment',
  // The enrichment stage caches reference items for 5 min per execution environment: with the
  // default, a 30 s DynamoDB outage would go unseen once the cache is warm. 1 s makes every
  // batch read DynamoDB, as a cold environment (or a cache miss on a new subscriber) does.
  dynamodbStopEnv: { [REFERENCE_CACHE_TTL_VARIABLE]: '1000' },
};

/** Pipelines by the name `--pipeline` takes. */
export const FAULT_PIPELINES: Readonly<Record<string, FaultPipeline>> = {
  cdr: CDR_FAULT_PIPELINE,
};
