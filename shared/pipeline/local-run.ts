/**
 * The contract between the local tools (the main job `npm start`, `orion generate`) and a
 * pipeline's local-run module: everything pipeline-specific about running it end to end on the
 * local stack. The tools own the generic flow (stack up → topics → stores prepared → stages behind
 * the ESM emulator → generated load → wait idle → exact accounting → report); the module, named by
 * the definition's `localRun.module`, supplies the load, the stores' preparation and the lookup of
 * what reached the end of the pipeline.
 *
 * Types only: the module is imported by path, at run time, by the local tools alone.
 *
 * @example
 * // shared/<pipeline>/local-run.ts
 * export const localRun: LocalRunModule = { labels, options, createLoad, openStores };
 */
import type { PipelineDefinition } from './types.ts';

/** A command-line option the module adds to `orion start` and `orion generate`. */
export interface LocalRunOption {
  /** Flags as commander spells them, e.g. `--regions <list>`; the value is a string. */
  readonly flags: string;
  readonly description: string;
  /** @default unset */
  readonly defaultValue?: string;
}

/** Words the report and progress use for this pipeline's records and its end of line. */
export interface LocalRunLabels {
  /** One generated record, e.g. `order` (the report writes `orders`, `order/s`). */
  readonly record: string;
  /** What happened to a record that went all the way, e.g. `delivered`. */
  readonly landed: string;
  /** What the landed records are counted in, e.g. `rows in orders_by_id`. */
  readonly landedUnits: string;
  /** The end-to-end latency measured, e.g. `produce → delivered`. */
  readonly latency: string;
  /** Heading of the sample lines, e.g. `sample delivered rows (ids masked)`. */
  readonly samples: string;
}

/** The load the tools ask for; `options` holds the module's own options by attribute name. */
export interface LoadRequest {
  /** Records to generate. */
  readonly count: number;
  /** Records per second (0: as fast as the producer goes), for the description only. */
  readonly rate: number;
  /** Share (0–1) of records the generator makes invalid on purpose. */
  readonly invalidRatio: number;
  readonly seed: number;
  /** Values of the module's {@link LocalRunOption}s (`--regions` → `regions`); unset → default. */
  readonly options: Readonly<Record<string, string | undefined>>;
}

/** One generated record, as the tools produce it. */
export interface LoadRecord {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer;
  /** What the pipeline must do with it: the module's outcome name (`valid`, a reason code …). */
  readonly expected: string;
}

/** A generated load: records on demand, and what the pipeline must end up with. */
export interface LocalRunLoad {
  /** What is generated, for the `== generating …` step line. */
  readonly description: string;
  /** The next `count` records (deterministic from the request's seed). */
  next(count: number): readonly LoadRecord[];
  /** The broker acknowledged `records` at `atMs` (epoch ms): start of their end-to-end latency. */
  acknowledged(records: readonly LoadRecord[], atMs: number): void;
  /** Acknowledgement time by id of every distinct record expected to reach the end. */
  readonly expected: ReadonlyMap<string, number>;
  /** Records whose id another one of the load already had, among the `landed` ids (one row stands for them). */
  duplicatesAmong(landed: ReadonlyMap<string, unknown>): number;
}

/** What the tools hand the module's stores. */
export interface LocalRunContext {
  readonly pipeline: PipelineDefinition;
  /** Kafka bootstrap servers of the local stack. */
  readonly brokers: readonly string[];
  /** Environment the module's store clients read: the local endpoints, or those the user set. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Step lines (`== …`) and their details go here. */
  readonly log: (line: string) => void;
}

/** The pipeline's stores, opened for one run. */
export interface LocalRunStores {
  /** Creates what the stages need before they start (schemas, tables, reference data), logging each step. */
  prepare(): Promise<void>;
  /** When each of `ids` that reached the end got there (epoch ms); ids not there are absent. */
  landedAt(ids: readonly string[]): Promise<Map<string, number>>;
  /** A few landed records of `ids`, one printable line each, personal data masked. */
  samples(ids: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** What a pipeline's local-run module exports, under the name `localRun`. */
export interface LocalRunModule {
  readonly labels: LocalRunLabels;
  /** @default none */
  readonly options?: readonly LocalRunOption[];
  /** The load of a run; throws on an invalid option value. No I/O. */
  createLoad(request: LoadRequest): LocalRunLoad;
  /** Connects to the pipeline's stores. */
  openStores(context: LocalRunContext): Promise<LocalRunStores>;
}
