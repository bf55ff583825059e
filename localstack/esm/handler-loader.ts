/**
 * Loads a stage's handler in-process: the TypeScript module `functions/<dir>/handler.ts` (the same
 * code), or with `bundled` the esbuild bundle `dist/functions/<dir>/index.mjs` (the code as
 * deployed). The environment the handlers read at cold start (shared/runtime/config.ts) is set
 * before the first import, as Lambda sets it before the init phase.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StageSpec } from '../../shared/pipeline/types.ts';
import { localStoreEnvironment } from '../embedded/endpoints.ts';
import type { HandlerSource, KafkaHandler } from './types.ts';

/** Repository root (this file is `localstack/esm/handler-loader.ts`). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Typed error for a handler module that cannot be used. */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
  constructor(
    readonly code: 'HANDLER_NOT_FOUND' | 'HANDLER_NOT_A_FUNCTION',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where a stage's handler module lives.
 * @example handlerPathOf(stageSpec('validation'), false) // '<repo>/functions/validation/handler.ts'
 */
export function handlerPathOf(stage: StageSpec, bundled: boolean): string {
  return bundled
    ? resolve(REPO_ROOT, 'dist/functions', stage.functionDir, 'index.mjs')
    : resolve(REPO_ROOT, 'functions', stage.functionDir, 'handler.ts');
}

/**
 * The environment a stage function gets locally (what Lambda and the CDK stack would set).
 * Values already in `process.env` win, so a user can override any of them.
 */
export function stageEnvironment(stage: StageSpec, brokers: readonly string[]): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_AUTH: 'none',
    KAFKA_CLIENT_ID: `orion-${stage.name}`,
    POWERTOOLS_SERVICE_NAME: `orion-${stage.name}`,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    ...localStoreEnvironment(process.env),
  };
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
 * @example const handler = await loadHandler({ kind: 'module', path: handlerPathOf(stage, false) });
 */
export async function loadHandler(source: HandlerSource, environment?: string): Promise<KafkaHandler> {
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
  return handler as KafkaHandler;
}
