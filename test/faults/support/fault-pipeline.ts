/**
 * A pipeline as the fault runs drive it: its definition, the module the stage workers import it
 * from, and where the independent check finds each valid record: the hot-storage tables (each
 * with the column(s) holding the record's deterministic id, and which ids it holds), and any
 * other terminal (a topic read back by id, a DynamoDB table; see `terminals.ts`). The CDR
 * pipeline is the first, the commerce pipeline the second; another joins with an entry here.
 */
import { fileURLToPath } from 'node:url';
import type cassandra from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineModule } from '../../../localstack/esm/pipeline-reference.ts';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { REFERENCE_CACHE_TTL_VARIABLE } from '../../../shared/cdr/reference-data/reference-tables.ts';
import { CDR_TABLE } from '../../../shared/cdr/storage/cdr-schema.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';
import {
  COMMERCE_ACTIVITY_TABLE,
  commerceEventStoreTerminal,
  commerceTopicTerminal,
} from './commerce-terminals.ts';

/** One hot-storage table the check reads. */
export interface CheckedTable {
  readonly name: string;
  /** Column of the record's deterministic id (one row per id expected). */
  readonly idColumn: string;
  /** When the id is made of several columns: those read, and how a row makes the id. */
  readonly idOf?: { readonly columns: readonly string[]; readonly id: (row: cassandra.types.Row) => string };
  /** The expected ids this table holds. @default every id */
  readonly holds?: (id: string) => boolean;
}

/** Rows (or records, items) and ids one place holds. */
export interface TableCount {
  readonly table: string;
  readonly rows: number;
  /** Row count per id (an id with more than one row is a duplicate). */
  readonly ids: ReadonlyMap<string, number>;
  /** Copies beyond the first that are no duplicate by design (an at-least-once topic), noted only. */
  readonly copies?: number;
}

/** What a terminal reads with: the fault run's clients. */
export interface TerminalContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
}

/** Where some valid records terminate outside the Cassandra tables, for one scenario. */
export interface TerminalCheck {
  readonly name: string;
  /** The expected ids it holds. */
  holds(id: string): boolean;
  /** Called when the scenario's window opens, before its first record (a topic's end offsets). */
  windowOpen(): Promise<void>;
  /** Once drained: what it holds of the scenario's records (ids it never expected count as extra). */
  scan(expected: ReadonlyMap<string, unknown>): Promise<TableCount>;
}

/** A terminal as a pipeline declares it: made for each scenario. */
export type Terminal = (context: TerminalContext) => TerminalCheck;

/** What the fault runs need of a pipeline. */
export interface FaultPipeline {
  readonly definition: PipelineDefinition;
  /** Where the stage workers import the definition from (the main job gets a wrapped copy). */
  readonly module: PipelineModule;
  /** Cassandra tables where every valid record they hold (every one by default) must end exactly once. */
  readonly tables: readonly CheckedTable[];
  /** Other places where valid records terminate (truncation is not theirs: see `reseedEachScenario`). */
  readonly terminals?: readonly Terminal[];
  /**
   * The stores keep across scenarios what a TRUNCATE of `tables` does not empty (an event store,
   * idempotency keys): each scenario then generates from a seed of its own, so that no id of an
   * earlier scenario recurs. @default false (one fixed seed)
   */
  readonly reseedEachScenario?: boolean;
  /** The stage whose outage a DynamoDB stop shows (its reference reads). */
  readonly dynamodbStage?: string;
  /**
   * Module options of the drain after a replay (a main job of 0 records), so that it brings in
   * nothing of its own (the commerce load's ORDER API orders). @default none
   */
  readonly drainLoadOptions?: Readonly<Record<string, string>>;
  /** Scenarios that make no sense for this pipeline, each with why (the runner prints it and skips). */
  readonly skip?: Readonly<Record<string, string>>;
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

/**
 * The commerce pipeline, where each valid event lands once, as its own local run counts it
 * (`shared/commerce/local/landing.ts`): a user event as its `activity_by_user_day` row, a payment
 * as its record on `payments` (the fraud stage stores none), a routed order event or an order the
 * ORDER API accepted in the order consumer's event store. A DynamoDB stop shows in the fraud
 * stage (its per-customer window state); a Cassandra stop in the activity stage.
 */
export const COMMERCE_FAULT_PIPELINE: FaultPipeline = {
  definition: COMMERCE_PIPELINE,
  module: {
    path: fileURLToPath(new URL('../../../shared/commerce/pipeline.ts', import.meta.url)),
    exportName: 'COMMERCE_PIPELINE',
  },
  tables: [COMMERCE_ACTIVITY_TABLE],
  terminals: [commerceTopicTerminal, commerceEventStoreTerminal],
  dynamodbStage: 'fraud',
  reseedEachScenario: true,
  drainLoadOptions: { orders: '0' },
};

/** Pipelines by the name `--pipeline` takes. */
export const FAULT_PIPELINES: Readonly<Record<string, FaultPipeline>> = {
  cdr: CDR_FAULT_PIPELINE,
  commerce: COMMERCE_FAULT_PIPELINE,
};
