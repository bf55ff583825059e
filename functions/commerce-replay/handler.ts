/**
 * The on-demand replay function of the commerce pipeline: republishes a range of `users-dlq`,
 * `payments-dlq` or `commerce.rejected` (the pipeline's replay sources) to the topics the
 * records came from, resumable by `jobId` (`shared/replay/replay-handler.ts`).
 *
 * @example
 * aws lambda invoke --function-name orion-prod-commerce-replay --cli-binary-format raw-in-base64-out \
 *   --payload '{"jobId":"fraud-outage-0312","source":"payments-dlq","range":{"kind":"time","from":"2026-03-12T08:00:00Z"}}' out.json
 */
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import { createReplayHandler } from '../../shared/replay/replay-handler.ts';

/** Runs (or resumes) the replay job the event describes. */
export const handler = createReplayHandler(COMMERCE_PIPELINE);
