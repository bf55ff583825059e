/**
 * The on-demand replay function of the CDR pipeline: invoked with a replay request (JSON), it
 * republishes a range of `cdr.dlq` or `cdr.rejected` (the pipeline's replay sources) and returns a summary. Invoke it again with the same `jobId` while
 * the summary says `partial: true`; see `shared/replay/replay-job.ts` for the guarantees.
 *
 * @example
 * aws lambda invoke --function-name orion-replay --cli-binary-format raw-in-base64-out \
 *   --payload '{"jobId":"outage-0312","source":"cdr.dlq","range":{"kind":"time","from":"2026-03-12T08:00:00Z"}}' out.json
 */
import type { Context } from 'aws-lambda';
import { CDR_PIPELINE } from '../../shared/cdr/pipeline.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { createReplayEnvironment } from '../../shared/replay/environment.ts';
import { ReplayError } from '../../shared/replay/errors.ts';
import { runReplay } from '../../shared/replay/replay-job.ts';
import { parseReplayRequest } from '../../shared/replay/request.ts';
import type { ReplaySummary } from '../../shared/replay/summary.ts';

const logger = createLogger({ persistentKeys: { function: 'replay' }, piiKeys: CDR_PIPELINE.piiKeys });
// Module scope: a bad configuration fails the cold start, and clients are reused across invocations.
const replay = createReplayEnvironment(process.env, logger);

/** Runs (or resumes) the replay job the event describes. */
export async function handler(
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<ReplaySummary> {
  const request = parseReplayRequest(event, CDR_PIPELINE);
  logger.appendKeys({ jobId: request.jobId });
  try {
    const deps = await replay.deps({
      pipeline: CDR_PIPELINE,
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
}
