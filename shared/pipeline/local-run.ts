/**
 * The contract between the local tools (the main job `npm start`, `orion generate`) and a
 * pipeline's local-run module: everything pipeline-specific about running it end to end on the
 * local stack. The tools own the generic flow (stack up → topics → stores prepared → stages behind
 * the ESM emulator, HTTP APIs and stream stages → generated load (and HTTP load, `drive`) → wait
 * idle → exact accounting → report); the module, named by
 * the definition's `localRun.module`, supplies the load, the stores' preparation and the lookup of
 * what reached the end of the pipeline.
 *
 * The module may also declare the dataset layouts `orion load` replays from a file into the
 * pipeline's entry topic ({@link LocalRunDataset}): the tools own the file reading, pacing,
 * batching and progress, the module the parsing of one line.
 *
 * Types only: the module is imported by path, at run time, by the local tools alone.
 *
 * @example
 * // shared/<pipeline>/local-run.ts
 * export const localRun: LocalRunModule = { labels, options, createLoad, openStores, datasets };
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
  /**
   * Speed multiplier of the run (`orion generate --speed`), already included in `rate`: a load
   * whose records carry an event time may run its clock this much faster than the wall clock.
   * @default 1
   */
  readonly speed?: number;
  /** Values of the module's {@link LocalRunOption}s (`--regions` → `regions`); unset → default. */
  readonly options: Readonly<Record<string, string | undefined>>;
}

/** One generated record, as the tools produce it. */
export interface LoadRecord {
  readonly topic: string;
  readonly key: string | Buffer | null;
  /** `null`: a tombstone. */
  readonly value: string | Buffer | null;
  /** What the pipeline must do with it: the module's outcome name (`valid`, a reason code …). */
  readonly expected: string;
}

/** A generated load: records on demand, and what the pipeline must end up with. */
export interface LocalRunLoad {
  /** What is generated, for the `== generating …` step line. */
  readonly description: string;
  /**
   * Records the load holds in all, when not the request's `count` (a load that derives records
   * from the requested ones, as chained events, has more); the tools produce exactly this many.
   * @default the request's `count`
   */
  readonly size?: number;
  /** The next `count` records (deterministic from the request's seed); fewer only once the load is exhausted. */
  next(count: number): readonly LoadRecord[];
  /** The broker acknowledged `records` at `atMs` (epoch ms): start of their end-to-end latency. */
  acknowledged(records: readonly LoadRecord[], atMs: number): void;
  /** Acknowledgement time by id of every distinct record expected to reach the end. */
  readonly expected: ReadonlyMap<string, number>;
  /** Records whose id another one of the load already had, among the `landed` ids (one row stands for them). */
  duplicatesAmong(landed: ReadonlyMap<string, unknown>): number;
  /**
   * The part of the load that enters through the pipeline's HTTP APIs (`PipelineDefinition.httpApis`)
   * instead of Kafka. The main job calls it once, right after {@link LocalRunStores.runStarting},
   * concurrently with the Kafka generation (`next` / `acknowledged`), and waits for it to resolve
   * before it may call the pipeline idle; the run's window stays open until then.
   *
   * The driver posts to `context.httpApis[<api name>] + <route path>` (e.g. `fetch(url, { method:
   * 'POST', body })`), as fast or as paced as it likes, and:
   * - adds each id it expects at the end of the pipeline to {@link expected}, with the time (epoch
   *   ms) its request was answered, as `acknowledged` does for produced records, so that
   *   `landedAt`, the latency and the samples cover them as any other record;
   * - stops sending once `context.signal` is aborted (the run gave up or failed) and resolves;
   * - resolves with what it did ({@link LocalRunDriveResult}); it rejects only for a fault of its own
   *   (an unexpected status is a result, not a fault).
   *
   * The main job counts and times the requests itself (at the local API: requests, status counts,
   * latency P50/P99) for the progress and the report; the driver need not.
   * @default no HTTP load (the Kafka generation alone)
   * @example
   * async drive({ httpApis, signal }) {
   *   const res = await fetch(`${httpApis['items-api']}/items`, { method: 'POST', body, signal });
   *   if (res.status === 202) expected.set(id, Date.now()); // the load's Map behind `expected`
   *   return { sent: 1, entered: res.status === 202 ? 1 : 0 };
   * }
   */
  drive?(context: LocalRunDriveContext): Promise<LocalRunDriveResult>;
}

/** What a load's {@link LocalRunLoad.drive} gets: the run's context, every HTTP API listening. */
export interface LocalRunDriveContext extends LocalRunContext {
  /** Aborted when the run stops before the driver is done (stall, a failure elsewhere): stop sending, resolve. */
  readonly signal: AbortSignal;
}

/** What a load's driver did, for the report and the accounting. */
export interface LocalRunDriveResult {
  /** Requests it sent (every status, including those the API refused: 4xx, 429, 5xx). */
  readonly sent: number;
  /**
   * Records its accepted requests put into the pipeline, each of which must end stored, rejected
   * or dead-lettered exactly like a generated one: the accounting adds them to the generated
   * records (`landed + rejected + dlq = generated + entered`). 0 when what the API accepts is not
   * followed to the end of the pipeline.
   */
  readonly entered: number;
  /** Sent requests by what the driver made of them, e.g. `{ accepted: 950, throttled: 50 }`. @default none */
  readonly byOutcome?: Readonly<Record<string, number>>;
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
  /**
   * Base URL of each of the pipeline's HTTP APIs running locally, by `HttpApiSpec.name`:
   * `http://127.0.0.1:<port>`, no trailing slash; append a route's path (`${httpApis['items-api']}/items`).
   * The tools start the APIs (and the stream stages) once {@link LocalRunStores.prepare} has created
   * their tables, so this very object is empty while `openStores` and `prepare` run and holds every
   * API, filled in place, from {@link LocalRunStores.runStarting} and {@link LocalRunLoad.drive} on.
   * Read it then, not at `openStores`. Empty for a pipeline that declares none, or a tool that
   * starts no function.
   */
  readonly httpApis: Readonly<Record<string, string>>;
}

/** A titled block of lines the report prints after the sample lines. */
export interface LocalRunReportSection {
  /** Heading, e.g. `detection quality (against what the load injected)`. */
  readonly title: string;
  /** One printable line each, personal data masked. */
  readonly lines: readonly string[];
}

/** The pipeline's stores, opened for one run. */
export interface LocalRunStores {
  /** Creates what the stages need before they start (schemas, tables, reference data), logging each step. */
  prepare(): Promise<void>;
  /**
   * Called once, when the run's window opens: the pipeline is idle (the backlog of earlier runs
   * processed), its HTTP APIs listen (`LocalRunContext.httpApis` is filled) and the first record is
   * about to be produced or posted. A module that reads topics back to
   * find what landed notes their end offsets here, so that it reads this run's records only.
   * @default nothing
   */
  runStarting?(): Promise<void>;
  /**
   * When each of `ids` that reached the end got there (epoch ms); ids not there are absent.
   * Called once the pipeline is idle again, so the window closes here.
   */
  landedAt(ids: readonly string[]): Promise<Map<string, number>>;
  /** A few landed records of `ids`, one printable line each, personal data masked. */
  samples(ids: readonly string[]): Promise<string[]>;
  /**
   * What the run measured beyond the accounting, e.g. how well a detector stage found what the
   * load injected; called after {@link landedAt} with the run's load. Printed, never counted.
   * @default no section
   */
  quality?(load: LocalRunLoad): Promise<readonly LocalRunReportSection[]>;
  close(): Promise<void>;
}

/** What the loader asks a dataset layout for one file. */
export interface DatasetReadOptions {
  /** Replay speed: a multiplier of the records' time (1 = as recorded, 10 …), or `'max'` (no waiting). */
  readonly speed: number | 'max';
  /** Longest wait between two consecutive records after scaling (idle gaps of a long dataset). @default no cap */
  readonly maxGapMs?: number;
}

/** One record of a dataset file, ready to produce. */
export interface DatasetRecord {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | Uint8Array;
  /** When to send it, ms after the load starts (the record's time, scaled by the speed). */
  readonly sendOffsetMs: number;
}

/** What one line of a dataset file gives. */
export type DatasetLineOutcome =
  | { readonly kind: 'record'; readonly record: DatasetRecord }
  /** The line could not be turned into a record: `reason` is a closed code of the layout. */
  | { readonly kind: 'skipped'; readonly line: number; readonly reason: string; readonly message: string }
  /** Blank line, header: nothing to load, nothing wrong. */
  | { readonly kind: 'ignored' };

/** Reads one file of a layout, line by line, in file order. */
export interface DatasetReader {
  /** The next line of the file, without its line break. */
  line(text: string): DatasetLineOutcome;
}

/** A file layout `orion load` replays into the pipeline. */
export interface LocalRunDataset {
  /** Name given to `orion load --format`, e.g. `jsonl`. */
  readonly name: string;
  /** One line for `--help` and the step line. */
  readonly description: string;
  /**
   * True when a file looks like this layout, from its name and its first non-blank line (empty
   * when unknown, e.g. a compressed file). The first layout that claims a file is used.
   */
  detect(fileName: string, firstLine: string): boolean;
  /** A reader for one file. Throws on an invalid option. */
  open(options: DatasetReadOptions): DatasetReader;
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
  /** Layouts of real dataset files `orion load` replays. @default none (`orion load` refuses the pipeline) */
  readonly datasets?: readonly LocalRunDataset[];
}
