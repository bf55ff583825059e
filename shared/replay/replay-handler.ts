/**
 * The on-demand replay Lambda handler of any pipeline: invoked with a replay request (JSON), it
 * republishes a range of one of the pipeline's replay sources (its dead-letter and reject topics)
 * and returns a summary. Invoke it again with the same `jobId` while the summary says
 * `partial: true`; `replay-job.ts` states the guarantees. A pipeline's handler file is one call:
 * `export const handler = createReplayHandler(PIPELINE)`.
 */
import type { Context } from 'aws-lambda';
import { createLogger } from '../observability/logger.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { createReplayEnvironment, type ReplayEnvironment } from './environment.ts';
import { ReplayError } from './errors.ts';
import { runReplay } from './replay-job.ts';
import { parseReplayRequest } from './request.ts';
import type { ReplaySummary } from './summary.ts';

/** The replay Lambda handler: one request in, the summary of this invocation out. */
export type ReplayHandler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<ReplaySummary>;

/** Options of {@link createReplayHandler} (tests; a Lambda takes the defaults). */
export interface ReplayHandlerOptions {
  /** Configuration source. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Prebuilt clients. @default built from `env` by `createReplayEnvironment` */
  readonly environment?: ReplayEnvironment;
}

/**
 * The replay handler of `pipeline`. Call it at module scope: the clients (Kafka, producer,
 * checkpoint store) are built then, once per execution environment, and a bad configuration
 * fails the cold start. No record content is logged: the summary's counts only, and the
 * pipeline's `piiKeys` are masked in anything else the logger prints.
 *
 * @example
 * // functions/<pipeline>-replay/handler.ts
 * export const handler = createReplayHandler(ORDERS_PIPELINE);
 */
export function createReplayHandler(
  pipeline: PipelineDefinition,
  options: ReplayHandlerOptions = {},
): ReplayHandler {
  const logger = createLogger({ persistentKeys: { function: 'replay' }, piiKeys: pipeline.piiKeys });
  const replay = options.environment ?? createReplayEnvironment(options.env ?? process.env, logger);

  return async (event, context) => {
    const request = parseReplayRequest(event, pipeline);
    logger.appendKeys({ jobId: request.jobId });
    try {
      const deps = await replay.deps({
        pipeline,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      });
      const summary = await runReplay(request, deps);
      logger.info('replay invocation finished', {
        source: summary.source,
        dryRun: summary.dryRun,
        partial: summary.partial,
        stoppedBecause: summary.stoppedBecause,
        invocation: summary.invocation,
        total: summary.total,
        durationMs: summary.durationMs,
      });
      return summary;
    } catch (error) {
      logger.error('replay invocation failed', {
        code: error instanceof ReplayError ? error.code : undefined,
        error: error as Error,
      });
      // A failed produce leaves the Kafka clients in an unknown state: rebuild them next time.
      if (!(error instanceof ReplayError)) await replay.connections.reset();
      throw error;
    } finally {
      logger.removeKeys(['jobId']);
    }
  };
}
