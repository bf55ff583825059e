/**
 * The on-demand replay function of the CDR pipeline: republishes a range of `cdr.dlq` or
 * `cdr.rejected` (the pipeline's replay sources) to the topics the records came from, resumable
 * by `jobId` (`shared/replay/replay-handler.ts`).
 *
 * @example
 * aws lambda invoke --function-name orion-replay --cli-binary-format raw-in-base64-out \
 *   --payload '{"jobId":"outage-0312","source":"cdr.dlq","range":{"kind":"time","from":"2026-03-12T08:00:00Z"}}' out.json
 */
import { CDR_PIPELINE } from '../../shared/cdr/pipeline.ts';
import { createReplayHandler } from '../../shared/replay/replay-handler.ts';

/** Runs (or resumes) the replay job the event describes. */
export const handler = createReplayHandler(CDR_PIPELINE);
