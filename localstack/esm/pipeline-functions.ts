/**
 * A pipeline's functions that are not fed by Kafka, run locally beside its Kafka stages: one local
 * HTTP server (`localstack/http`) per HTTP API of the definition (`httpApis`) and one DynamoDB
 * Streams event source mapping (`dynamodb-streams/`) per stream stage (`streamStages`), each
 * function's handler loaded in its own environment: the env contract
 * (`httpApiEnvironment` / `streamStageEnvironment`) bound to the local stack, as `handler-loader.ts`
 * binds it for the Kafka stages. Generic: everything comes from the definition.
 *
 * - An API listens on `apiPorts[name]`, else `ORION_HTTP_PORT_<NAME>` (`items-api` →
 *   `ORION_HTTP_PORT_ITEMS_API`), else an ephemeral port; its routes, throttle (token bucket → 429)
 *   and body limit (→ 413) are the definition's. It runs `apiConcurrency` execution environments
 *   (module instances of the handler, each with its own module-scope clients, as Lambda runs one
 *   request at a time per environment); more concurrent requests wait for a free one (Lambda
 *   would start more environments).
 * - A stream stage reads the stream of its source table (`dynamoDbTableNameOf` of the source
 *   store's prefix, as the functions see it) with the mapping settings built once in
 *   `shared/pipeline/stream-esm-settings.ts`. Its on-failure records (what an SQS destination
 *   would get: the discarded batch's shard and sequence range, no data) are kept and logged, one
 *   line each.
 * - Before anything starts, the DynamoDB tables of every store the functions use (the stream
 *   sources included) are created when missing (`ensureTables`, idempotent), so `orion run` needs
 *   no prior setup; a Cassandra store a function uses must exist already (its module's `prepare`).
 *
 * Run these in the process that runs them (not in stage workers): start them AFTER forking stage
 * workers, since their variables go into `process.env`, which a fork inherits.
 *
 * @example
 * const functions = await startPipelineFunctions({ pipeline, brokers: ['127.0.0.1:9092'] });
 * await fetch(`${functions.urls['items-api']}/items`, { method: 'POST', body: '{"value":"a"}' });
 * await functions.waitUntilCaughtUp();
 * functions.counters().streamStages['outbox-publisher']?.records; // 1
 * await functions.stop();
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  dynamoDbTableNameOf,
  functionNameOf,
  keyspaceNameOf,
  storeOf,
} from '../../shared/pipeline/definition.ts';
import {
  type EnvironmentBindings,
  httpApiEnvironment,
  streamStageEnvironment,
} from '../../shared/pipeline/environment.ts';
import {
  type StreamMappingSettings,
  streamStageMappingSettings,
} from '../../shared/pipeline/stream-esm-settings.ts';
import type {
  DynamoDbStoreSpec,
  HttpApiSpec,
  PipelineDefinition,
  StageSpec,
  StreamStageSpec,
} from '../../shared/pipeline/types.ts';
import { DEFAULT_KEYSPACE } from '../../shared/storage/cassandra/keyspace.ts';
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../../shared/storage/dynamodb/client.ts';
import { ensureTables, tablePrefixFromEnv } from '../../shared/storage/dynamodb/tables.ts';
import { ENDPOINT_ENV, localEndpoints } from '../embedded/endpoints.ts';
import { type HttpApiRouteHandler, type RunningHttpApi, startHttpApi } from '../http/server.ts';
import {
  type CheckpointStore,
  type DynamoDbStreamEventHandler,
  type DynamoDbStreamMapping,
  type DynamoDbStreamOnFailureRecord,
  type StartDynamoDbStreamMappingOptions,
  startDynamoDbStreamMapping,
} from './dynamodb-streams/index.ts';
import { applyEnvironment, handlerPathOf, loadHandler, localEnvironmentBindings } from './handler-loader.ts';

/** Execution environments per HTTP API by default. */
export const DEFAULT_API_CONCURRENCY = 4;

/** Latencies kept per API for its percentiles (a uniform sample beyond that). */
const LATENCY_SAMPLE_SIZE = 20_000;

/** Emulator knobs of the stream mappings a caller may set (tests): not AWS settings. */
export type StreamMappingKnobs = Partial<
  Pick<
    StartDynamoDbStreamMappingOptions,
    | 'pollIntervalMs'
    | 'shardDiscoveryIntervalMs'
    | 'retryBackoffMs'
    | 'retryBackoffMaxMs'
    | 'functionTimeoutMs'
  >
>;

/** Options of {@link startPipelineFunctions}. */
export interface PipelineFunctionsOptions {
  readonly pipeline: PipelineDefinition;
  /** Kafka bootstrap servers (for the stream stages that produce). */
  readonly brokers: readonly string[];
  /** Port per API name (0: ephemeral). @default `ORION_HTTP_PORT_<NAME>`, else 0 */
  readonly apiPorts?: Readonly<Record<string, number>>;
  /** Interface the APIs listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Execution environments (concurrent requests served) per API, ≥ 1. @default {@link DEFAULT_API_CONCURRENCY} */
  readonly apiConcurrency?: number;
  /**
   * Physical-name prefix per DynamoDB store name, as the stack would bind it; a prefix the user set
   * in the store's variable still wins. @default each store's `defaultTablePrefix`
   */
  readonly tablePrefixes?: Readonly<Record<string, string>>;
  /** Create the DynamoDB tables the functions use when missing. @default true */
  readonly ensureTables?: boolean;
  /** Run the esbuild bundles (`dist/functions/<dir>/index.mjs`) instead of the sources. @default false */
  readonly bundled?: boolean;
  /** AWS settings overriding every stream stage's (tests). @default none */
  readonly streamSettingOverrides?: Partial<StreamMappingSettings>;
  /** Emulator knobs of the stream mappings (tests). @default the mapping's */
  readonly streamKnobs?: StreamMappingKnobs;
  /**
   * Where the stream mappings keep their shard checkpoints; the same store given to a later start
   * resumes each mapping (id `<function name>@<table>`) where it stopped, as a re-enabled AWS mapping
   * does. @default a new in-memory store per mapping: each start reads from its `startingPosition`
   * (TRIM_HORIZON: everything the stream still holds, again)
   */
  readonly checkpoints?: CheckpointStore;
  /** One line per on-failure record (rare). @default console.warn */
  readonly log?: (line: string) => void;
  /** Errors the functions survive (a failed stream read …). @default ignored */
  readonly onError?: (error: unknown) => void;
  /** Environment the user set (ports, endpoints, prefixes). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Counters of one HTTP API, as {@link RunningPipelineFunctions.counters} returns them. */
export interface HttpApiCounters {
  /** Requests answered, whatever the status (gateway answers 404/413/429 included). */
  readonly requests: number;
  /** Answered requests by status code (`{ '202': 950, '429': 50 }`). */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests the handler answered (invocations). */
  readonly invocations: number;
  /** Requests arrived and not answered yet. */
  readonly inFlight: number;
  /** Arrival → response written, ms, of the requests the handler answered (NaN when none). */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** Counters of one stream stage's mapping. `records = succeeded + onFailure + pending`. */
export interface StreamStageCounters {
  /** Stream records read. */
  readonly records: number;
  readonly succeeded: number;
  /** Records discarded to the on-failure destination. */
  readonly onFailure: number;
  /** Read and not done yet. */
  readonly pending: number;
  /** Invocations (batches). */
  readonly batches: number;
  readonly functionErrors: number;
  readonly retries: number;
  /** On-failure invocation records written (one per discarded batch or part of one). */
  readonly onFailureRecords: number;
}

/** Every function's counters. */
export interface PipelineFunctionCounters {
  readonly httpApis: Readonly<Record<string, HttpApiCounters>>;
  readonly streamStages: Readonly<Record<string, StreamStageCounters>>;
}

/** One on-failure record of a stream stage. */
export interface StreamStageFailure {
  readonly stage: string;
  readonly record: DynamoDbStreamOnFailureRecord;
}

/** The running functions. */
export interface RunningPipelineFunctions {
  /** Base URL (`http://127.0.0.1:<port>`, no trailing slash) per API name. */
  readonly urls: Readonly<Record<string, string>>;
  /** Live counters. */
  counters(): PipelineFunctionCounters;
  /** The stream stages' on-failure records so far, in order. */
  readonly onFailureRecords: readonly StreamStageFailure[];
  /**
   * Resolves once every stream mapping has processed everything written to its table before the
   * call; rejects with `StreamMappingError('NOT_CAUGHT_UP')` after `timeoutMs` (default 30 s).
   */
  waitUntilCaughtUp(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Closes the ports (open connections too), finishes the stream batches in flight, stops. */
  stop(): Promise<void>;
}

/**
 * The variable that sets an API's local port: `ORION_HTTP_PORT_` + its name upper-cased, every
 * character other than a letter or digit as `_`.
 * @example httpPortVariableOf('items-api') // 'ORION_HTTP_PORT_ITEMS_API'
 */
export function httpPortVariableOf(apiName: string): string {
  return `ORION_HTTP_PORT_${apiName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The port an API listens on: `apiPorts[name]`, else its {@link httpPortVariableOf} variable, else 0
 * (ephemeral). Throws `RangeError` naming the source of a value that is not a port.
 * @example httpApiPortOf('items-api', {}, { ORION_HTTP_PORT_ITEMS_API: '3000' }) // 3000
 */
export function httpApiPortOf(
  apiName: string,
  apiPorts: Readonly<Record<string, number>> = {},
  env: NodeJS.ProcessEnv = process.env,
): number {
  const variable = httpPortVariableOf(apiName);
  const given = apiPorts[apiName];
  const raw = given !== undefined ? String(given) : env[variable]?.trim();
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    const where = given !== undefined ? `port of ${apiName}` : variable;
    throw new RangeError(`${where} must be a port number 0–65535, got "${raw}"`);
  }
  return port;
}

/** Options of {@link localFunctionEnvironment}. */
export interface LocalFunctionEnvironmentOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Physical-name prefix per DynamoDB store. @default each store's default */
  readonly tablePrefixes?: Readonly<Record<string, string>>;
}

/**
 * The environment an HTTP API's or a stream stage's function gets locally: its env contract bound
 * to the local stack (`localEnvironmentBindings`, the pipeline's own keyspace as for its Kafka
 * stages, the given table prefixes). `applyEnvironment` then keeps any value the user set.
 * @example localFunctionEnvironment(pipeline, pipeline.httpApis[0], ['127.0.0.1:9092']).ORION_STAGE // 'items-api'
 */
export function localFunctionEnvironment(
  pipeline: PipelineDefinition,
  fn: HttpApiSpec | StreamStageSpec,
  brokers: readonly string[],
  options: LocalFunctionEnvironmentOptions = {},
): Record<string, string> {
  const bound = localEnvironmentBindings(brokers, options.env);
  const bindings: EnvironmentBindings = {
    ...bound,
    ...(bound.cassandra
      ? { cassandra: { ...bound.cassandra, keyspace: keyspaceNameOf(pipeline, DEFAULT_KEYSPACE) } }
      : {}),
    dynamodb: {
      ...bound.dynamodb,
      ...(options.tablePrefixes ? { tablePrefixes: options.tablePrefixes } : {}),
    },
  };
  return 'routes' in fn
    ? httpApiEnvironment(pipeline, fn, bindings)
    : streamStageEnvironment(pipeline, fn, bindings);
}

/**
 * The DynamoDB stores the pipeline's HTTP APIs and stream stages use: their `stores` and the
 * stream stages' sources, each once, in declaration order.
 * @example functionStoresOf(pipeline).map((s) => s.name) // ['items']
 */
export function functionStoresOf(pipeline: PipelineDefinition): DynamoDbStoreSpec[] {
  const names = new Set<string>();
  for (const api of pipeline.httpApis ?? []) for (const use of api.stores ?? []) names.add(use.store);
  for (const stage of pipeline.streamStages ?? []) {
    names.add(stage.source.store);
    for (const use of stage.stores ?? []) names.add(use.store);
  }
  return [...names]
    .map((name) => storeOf(pipeline, name))
    .filter((store): store is DynamoDbStoreSpec => store.kind === 'dynamodb');
}

/** Execution environments of a run get ids no earlier run used (a module instance per id). */
let runs = 0;

/**
 * Starts the pipeline's HTTP APIs and stream stages (see the file comment); resolves once every
 * API listens and every mapping is positioned. On a failure, what started is stopped.
 */
export async function startPipelineFunctions(
  options: PipelineFunctionsOptions,
): Promise<RunningPipelineFunctions> {
  const { pipeline, brokers } = options;
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.warn(line));
  const onError = options.onError ?? (() => {});
  const run = ++runs;
  const local = localEndpoints(env);
  const region = localEnvironmentBindings(brokers, env).region;
  const prefixes = await prepareTables(pipeline, options, { endpoint: local.dynamodbEndpoint, region });

  const servers: RunningHttpApi[] = [];
  const apis = new Map<string, ApiState>();
  const mappings = new Map<string, DynamoDbStreamMapping>();
  const failures: StreamStageFailure[] = [];
  const stopAll = async () => {
    await Promise.allSettled([
      ...servers.map((s) => s.close()),
      ...[...mappings.values()].map((m) => m.stop()),
    ]);
  };
  try {
    for (const api of pipeline.httpApis ?? []) {
      const port = httpApiPortOf(api.name, options.apiPorts, env);
      applyEnvironment(localFunctionEnvironment(pipeline, api, brokers, { env, tablePrefixes: prefixes }));
      const concurrency = options.apiConcurrency ?? DEFAULT_API_CONCURRENCY;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new RangeError(`apiConcurrency must be a whole number ≥ 1, got ${concurrency}`);
      }
      const path = handlerPathOf(
        pipeline,
        api as Pick<StageSpec, 'functionDir'> as StageSpec,
        options.bundled ?? false,
      );
      const handlers: HttpApiRouteHandler[] = [];
      for (let i = 0; i < concurrency; i++) {
        handlers.push(
          await loadHandler<HttpApiRouteHandler>({ kind: 'module', path }, `${api.name}-${run}-${i}`),
        );
      }
      const state = new ApiState(handlers);
      apis.set(api.name, state);
      const invoke: HttpApiRouteHandler = (event: APIGatewayProxyEventV2, context: Context) =>
        state.invoke(event, context);
      servers.push(
        await startHttpApi({
          routes: Object.fromEntries(api.routes.map((r) => [`${r.method} ${r.path}`, invoke])),
          host: options.host ?? '127.0.0.1',
          port,
          maxPayloadBytes: api.maxBodyBytes,
          throttle: api.throttle,
          functionName: functionNameOf(pipeline, api.name),
          onResponse: (answer) => state.answered(answer.statusCode, answer.answeredBy, answer.durationMs),
        }),
      );
      state.url = servers[servers.length - 1]!.url;
    }
    for (const stage of pipeline.streamStages ?? []) {
      applyEnvironment(localFunctionEnvironment(pipeline, stage, brokers, { env, tablePrefixes: prefixes }));
      const source = storeOf(pipeline, stage.source.store) as DynamoDbStoreSpec;
      const tableName = dynamoDbTableNameOf({ suffix: stage.source.table }, prefixes[source.name]!);
      const path = handlerPathOf(
        pipeline,
        stage as Pick<StageSpec, 'functionDir'> as StageSpec,
        options.bundled ?? false,
      );
      const handler = await loadHandler<DynamoDbStreamEventHandler>(
        { kind: 'module', path },
        `${stage.name}-${run}`,
      );
      const settings = streamStageMappingSettings(stage, options.streamSettingOverrides);
      const functionName = functionNameOf(pipeline, stage.name);
      mappings.set(
        stage.name,
        await startDynamoDbStreamMapping({
          ...options.streamKnobs,
          ...settings,
          tableName,
          handler,
          functionName,
          mappingId: `${functionName}@${tableName}`,
          ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
          endpoint: local.dynamodbEndpoint,
          ...(region ? { region } : {}),
          onFailure: (record) => {
            failures.push({ stage: stage.name, record });
            log(onFailureLine(stage.name, record));
          },
          onError,
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    urls: Object.fromEntries([...apis].map(([name, state]) => [name, state.url])),
    counters: () => ({
      httpApis: Object.fromEntries([...apis].map(([name, state]) => [name, state.counters()])),
      streamStages: Object.fromEntries([...mappings].map(([name, m]) => [name, streamCountersOf(m)])),
    }),
    onFailureRecords: failures,
    waitUntilCaughtUp: async (wait) => {
      await Promise.all([...mappings.values()].map((m) => m.waitUntilCaughtUp(wait)));
    },
    stop: () => {
      stopped ??= stopAll();
      return stopped;
    },
  };
}

/**
 * Sets each function store's prefix variable (a user-set value wins, as for every variable),
 * reads back the prefix the functions will see, and creates the stores' missing tables.
 */
async function prepareTables(
  pipeline: PipelineDefinition,
  options: PipelineFunctionsOptions,
  dynamodb: { readonly endpoint: string; readonly region: string | undefined },
): Promise<Record<string, string>> {
  const stores = functionStoresOf(pipeline);
  const prefixes: Record<string, string> = {};
  for (const store of stores) {
    applyEnvironment({
      [store.tablePrefixVariable]: options.tablePrefixes?.[store.name] ?? store.defaultTablePrefix,
    });
    prefixes[store.name] = tablePrefixFromEnv(store, process.env);
  }
  if (stores.length > 0 && options.ensureTables !== false) {
    const doc = createDynamoDbDocumentClient(
      dynamoDbConfigFromEnv({
        [ENDPOINT_ENV.dynamodb]: dynamodb.endpoint,
        ...(dynamodb.region ? { AWS_REGION: dynamodb.region } : {}),
      }),
    );
    try {
      for (const store of stores) await ensureTables(doc, store.tables, prefixes[store.name]!);
    } finally {
      doc.destroy();
    }
  }
  return prefixes;
}

/** One line for an on-failure record: which stage, why, which shard and sequence range (no data). */
function onFailureLine(stage: string, record: DynamoDbStreamOnFailureRecord): string {
  const info = record.DDBStreamBatchInfo;
  return (
    `stream stage ${stage}: ${info.batchSize} record(s) sent on-failure (${record.requestContext.condition}, ` +
    `${record.requestContext.approximateInvokeCount} invocation(s)) shard ${info.shardId} ` +
    `sequence ${info.startSequenceNumber}–${info.endSequenceNumber}`
  );
}

function streamCountersOf(mapping: DynamoDbStreamMapping): StreamStageCounters {
  const c = mapping.counters;
  return {
    records: c.recordsIn,
    succeeded: c.recordsSucceeded,
    onFailure: c.recordsOnFailure,
    pending: c.recordsPending,
    batches: c.invocations,
    functionErrors: c.functionErrors,
    retries: c.retries,
    onFailureRecords: c.onFailureRecords,
  };
}

/** An API's execution environments (one request at a time each) and its counters. */
class ApiState {
  url = '';
  private readonly idle: HttpApiRouteHandler[];
  private readonly waiting: ((handler: HttpApiRouteHandler) => void)[] = [];
  private requests = 0;
  private invocations = 0;
  private inFlight = 0;
  private readonly byStatus: Record<string, number> = {};
  private readonly latency = new LatencySample(LATENCY_SAMPLE_SIZE);

  constructor(handlers: readonly HttpApiRouteHandler[]) {
    this.idle = [...handlers];
  }

  /** Runs the request in a free environment, waiting for one when all are busy. */
  async invoke(event: APIGatewayProxyEventV2, context: Context): Promise<unknown> {
    this.inFlight++;
    const handler = this.idle.pop() ?? (await new Promise<HttpApiRouteHandler>((r) => this.waiting.push(r)));
    try {
      return await handler(event, context);
    } finally {
      this.inFlight--;
      const next = this.waiting.shift();
      if (next) next(handler);
      else this.idle.push(handler);
    }
  }

  answered(statusCode: number, by: 'gateway' | 'function', durationMs: number): void {
    this.requests++;
    this.byStatus[statusCode] = (this.byStatus[statusCode] ?? 0) + 1;
    if (by === 'function') {
      this.invocations++;
      this.latency.add(durationMs);
    }
  }

  counters(): HttpApiCounters {
    return {
      requests: this.requests,
      byStatus: { ...this.byStatus },
      invocations: this.invocations,
      inFlight: this.inFlight,
      latencyMs: this.latency.summary(),
    };
  }
}

/** A uniform sample of at most `size` values (reservoir sampling), for percentiles of a long run. */
export class LatencySample {
  private readonly values: number[] = [];
  private seen = 0;
  private max = Number.NaN;

  constructor(private readonly size: number) {}

  add(value: number): void {
    this.seen++;
    if (!(value <= this.max)) this.max = value;
    if (this.values.length < this.size) this.values.push(value);
    else {
      const at = Math.floor(Math.random() * this.seen);
      if (at < this.size) this.values[at] = value;
    }
  }

  /** Nearest-rank P50 and P99 of the sample, the maximum of every value (NaN when none). */
  summary(): { p50: number; p99: number; max: number } {
    const sorted = Float64Array.from(this.values).sort();
    const at = (q: number) =>
      sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
    return { p50: at(0.5), p99: at(0.99), max: this.max };
  }
}
