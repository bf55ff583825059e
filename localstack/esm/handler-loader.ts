/**
 * Loads a stage's handler in-process: the TypeScript module `<functions root>/<dir>/handler.ts`
 * (the same code), or with `bundled` the esbuild bundle `dist/functions/<dir>/index.mjs` (the code
 * as deployed; only the repository's own `functions/` are bundled). The environment the handlers
 * read at cold start is the pipeline's env contract (`shared/pipeline/environment.ts`) bound to
 * the local stack, set before the first import, as Lambda sets it before the init phase.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keyspaceNameOf } from '../../shared/pipeline/definition.ts';
import { type EnvironmentBindings, stageEnvironment } from '../../shared/pipeline/environment.ts';
import type { PipelineDefinition, StageSpec } from '../../shared/pipeline/types.ts';
import { DEFAULT_KEYSPACE } from '../../shared/storage/cassandra/keyspace.ts';
import { DYNAMODB_LOCAL_REGION, localEndpoints } from '../embedded/endpoints.ts';
import type { HandlerSource, KafkaEventHandler } from './types.ts';

/** Repository root (this file is `localstack/esm/handler-loader.ts`). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The repository's own functions, the default functions root of a pipeline. */
export const REPO_FUNCTIONS_ROOT = resolve(REPO_ROOT, 'functions');

/** Typed error for a handler module that cannot be used. */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
  constructor(
    readonly code: 'HANDLER_NOT_FOUND' | 'HANDLER_NOT_A_FUNCTION' | 'HANDLER_NOT_BUNDLED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where a stage's handler module lives: `<pipeline.functionsRoot>/<functionDir>/handler.ts`, or
 * with `bundled` its esbuild bundle `dist/functions/<functionDir>/index.mjs`.
 * @example handlerPathOf(pipeline, stageOf(pipeline, 'orders'), false) // '<repo>/functions/orders/handler.ts'
 */
export function handlerPathOf(pipeline: PipelineDefinition, stage: StageSpec, bundled: boolean): string {
  const root = resolve(pipeline.functionsRoot ?? REPO_FUNCTIONS_ROOT);
  if (!bundled) return resolve(root, stage.functionDir, 'handler.ts');
  if (root !== REPO_FUNCTIONS_ROOT) {
    throw new HandlerLoadError(
      'HANDLER_NOT_BUNDLED',
      `Pipeline "${pipeline.name}" keeps its functions in ${root}; only ${REPO_FUNCTIONS_ROOT} is bundled: run it without --bundled`,
    );
  }
  return resolve(REPO_ROOT, 'dist/functions', stage.functionDir, 'index.mjs');
}

/**
 * What the stage functions are bound to locally: the local stack's endpoints (or those the user
 * set in `KAFKA_BROKERS`, `CASSANDRA_CONTACT_POINTS`, `DYNAMODB_ENDPOINT`), plaintext Kafka.
 * @example localEnvironmentBindings(['127.0.0.1:9092']).kafka // { brokers: '127.0.0.1:9092', auth: 'none' }
 */
export function localEnvironmentBindings(
  brokers: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): EnvironmentBindings {
  const local = localEndpoints(env);
  return {
    kafka: { brokers: brokers.join(','), auth: 'none' },
    cassandra: {
      target: 'cassandra',
      contactPoints: local.cassandraContactPoints.join(','),
      localDatacenter: local.cassandraDatacenter,
    },
    dynamodb: { endpoint: local.dynamodbEndpoint },
    region: env.AWS_REGION ?? DYNAMODB_LOCAL_REGION,
  };
}

/**
 * The environment a stage function gets locally: the pipeline's env contract bound to the local
 * stack ({@link localEnvironmentBindings}). {@link applyEnvironment} keeps any value the user set.
 * @example localStageEnvironment(pipeline, stage, ['127.0.0.1:9092']).KAFKA_AUTH // 'none'
 */
export function localStageEnvironment(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  brokers: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const bindings = localEnvironmentBindings(brokers, env);
  // Each pipeline's tables in a keyspace of its own, locally as in AWS (a user-set
  // CASSANDRA_KEYSPACE still wins: applyEnvironment keeps what the user set).
  const cassandra = bindings.cassandra && {
    ...bindings.cassandra,
    keyspace: keyspaceNameOf(pipeline, DEFAULT_KEYSPACE),
  };
  return stageEnvironment(pipeline, stage, { ...bindings, ...(cassandra ? { cassandra } : {}) });
}

/** The environment as the user gave it, before any stage's variables were set. */
let userEnvironment: Readonly<Record<string, string | undefined>> | undefined;

/**
 * Sets a stage's variables before its module is imported (its cold start reads them), keeping any
 * the user set. All stages share one process here, so each import gets its own stage's values, as
 * each Lambda function has its own environment.
 */
export function applyEnvironment(env: Readonly<Record<string, string>>): void {
  userEnvironment ??= { ...process.env };
  for (const [name, value] of Object.entries(env)) process.env[name] = userEnvironment[name] ?? value;
}

/**
 * Resolves a handler source to a callable handler, importing the module once per `environment`.
 * @example const handler = await loadHandler({ kind: 'module', path: handlerPathOf(pipeline, stage, false) });
 */
export async function loadHandler<H = KafkaEventHandler>(
  source: HandlerSource<H>,
  environment?: string,
): Promise<H> {
  if (source.kind === 'function') return source.handler;
  if (!existsSync(source.path)) {
    throw new HandlerLoadError(
      'HANDLER_NOT_FOUND',
      `Handler module ${source.path} not found${source.path.endsWith('.mjs') ? ' (run `npm run build` first)' : ''}`,
    );
  }
  const url = pathToFileURL(source.path);
  // Each execution environment is its own module instance, with its own module-scope clients (a
  // Lambda environment runs one invocation at a time; concurrent invocations never share them).
  if (environment !== undefined) url.searchParams.set('environment', environment);
  const module = (await import(url.href)) as Record<string, unknown>;
  const name = source.exportName ?? 'handler';
  const handler = module[name] ?? (module.default as Record<string, unknown> | undefined)?.[name];
  if (typeof handler !== 'function') {
    throw new HandlerLoadError(
      'HANDLER_NOT_A_FUNCTION',
      `${source.path} does not export a function "${name}"`,
    );
  }
  return handler as H;
}
