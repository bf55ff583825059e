/**
 * Reads a function's response to a DynamoDB Streams batch the way AWS documents it in
 * "Configuring partial batch response with DynamoDB and Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html):
 *
 * - without `ReportBatchItemFailures` in `FunctionResponseTypes` the response is ignored ("Lambda
 *   will not process these responses unless the ReportBatchItemFailures feature is explicitly
 *   turned on"): a function that returns is a complete success;
 * - the syntax is `{ "batchItemFailures": [ { "itemIdentifier": "<SequenceNumber>" } ] }`;
 * - "If the batchItemFailures array contains multiple items, Lambda uses the record with the lowest
 *   sequence number as the checkpoint. Lambda then retries all records starting from that
 *   checkpoint": the records before it succeeded, it and every later record of the batch failed;
 * - complete success: an empty or null `batchItemFailures` list, an empty or null response;
 * - complete failure: an empty string `itemIdentifier`, a null `itemIdentifier`, an
 *   `itemIdentifier` with a bad key name.
 *
 * Where the page is silent the emulator fails the whole batch too, so a checkpoint never moves on
 * a response it cannot place: an `itemIdentifier` that is not a sequence number of the batch (or
 * not a string), a `batchItemFailures` that is not an array, a response that is not an object.
 */
import type { ResponseVerdict } from '../batch-processor.ts';
import { compareSequenceNumbers, type ShardRecord } from './event.ts';

/**
 * The verdict on a response to `invoked` (one shard's records, in sequence order).
 *
 * @example
 * streamBatchVerdict({ batchItemFailures: [{ itemIdentifier: '3' }] }, records1to5, true)
 * // { kind: 'partial', failed: [record 3, record 4, record 5] }
 */
export function streamBatchVerdict(
  response: unknown,
  invoked: readonly ShardRecord[],
  reportBatchItemFailures: boolean,
): ResponseVerdict<ShardRecord> {
  if (!reportBatchItemFailures || response == null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'invalid', reason: 'the response is not an object' };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures == null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'success' };
  const positions = new Map(invoked.map((r, i) => [r.id, i]));
  let lowest: string | undefined;
  for (const failure of failures) {
    const identifier =
      failure !== null && typeof failure === 'object' && 'itemIdentifier' in failure
        ? (failure as { itemIdentifier: unknown }).itemIdentifier
        : undefined;
    if (typeof identifier !== 'string' || identifier === '') {
      return {
        kind: 'invalid',
        reason: `${JSON.stringify(failure)} is not { "itemIdentifier": "<SequenceNumber>" }`,
      };
    }
    if (!positions.has(identifier)) {
      return {
        kind: 'invalid',
        reason: `itemIdentifier ${identifier} is not a sequence number of the batch`,
      };
    }
    if (lowest === undefined || compareSequenceNumbers(identifier, lowest) < 0) lowest = identifier;
  }
  return { kind: 'partial', failed: invoked.slice(positions.get(lowest!)!) };
}
